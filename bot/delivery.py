"""The job that delivers outbox rows: idempotent, ordered, rate-limited, retried.

Exactly once per part: each part is sent while the row is locked (SELECT … FOR UPDATE) and
its counter is committed right after, so a second run of the same row (a relay that enqueued
it twice, a burst handed out again after its lease, a requeue) waits for the lock and then
finds nothing left to send.

The rq job is a burst (``deliver_burst``): one forked work horse delivers a batch of rows one
after another, each in its own transactions as ``deliver`` alone would, so the fork and the
warm-up are paid once per burst rather than once per message.
"""

import copy
import logging
import time
from contextvars import ContextVar

from flask import current_app

from backend.accounts import wecom
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.models import GroupChat, GroupProfile
from backend.jobs.job import job
from backend.outbox import services as outbox
from backend.outbox.models import OPEN_STATUSES, OutboxMessage
from backend.subscriptions import services as subscriptions
from bot import messages
from bot.channels import DeliveryError, DeliveryRejected, DeliveryThrottled, channels
from bot.channels.robot import EXTERNAL_MSGTYPES
from bot.channels.subscribe import ConsentMissing
from bot.ratelimit import SendLimiter

log = logging.getLogger(__name__)

ORDER_WAIT_SECONDS = 1.0
# Personal topics sent as WeCom app messages; every other personal topic is a mini-program
# subscribe message.
WECOM_APP_TOPICS = {"vote.card"}


# While a burst runs: each (topic, subject id) rendered once for all its rows (a county notice
# is the same text for its thousand groups; each group's channel still cuts its own parts).
_burst_renders: ContextVar[dict | None] = ContextVar("burst_renders", default=None)


class RetryLater(DeliveryError):
    """The send failed and the row is 'retrying': the relay hands it out again when its
    ``available_at`` comes (the embedded runner likewise)."""


@unit_of_work
def deliver(outbox_id: int) -> str:
    """Send what is left of outbox row ``outbox_id``; returns what happened, for the logs.

    :raises RetryLater: the send failed and another try is scheduled.
    """
    while True:
        row = outbox.lock(outbox_id)
        if row is None or row.status not in OPEN_STATUSES:
            return row.status if row else "missing"
        outcome = _send_next_part(row)
        db.session.commit()  # early commit: each part's counter, as soon as the part is sent
        if isinstance(outcome, Exception):
            raise outcome
        if outcome != "part":
            return outcome


def deliver_burst(outbox_ids: list[int]) -> str:
    """Deliver the rows ``outbox_ids`` in order, one after another; returns a summary.

    A row that fails is left 'retrying' for the relay and the burst goes on. The burst stops
    taking rows after half of ``DELIVERY_JOB_TIMEOUT`` and hands the rest back to the relay at
    once, so rq's timeout (which kills the horse, perhaps mid-send) is never what ends a
    burst of slow sends. Any other error (the database or Redis away) also hands the rows not
    yet started back, and the row it hit waits for its lease.
    """
    token = _burst_renders.set({})
    try:
        return _deliver_each(outbox_ids)
    finally:
        _burst_renders.reset(token)


def _deliver_each(outbox_ids: list[int]) -> str:
    budget = current_app.config["DELIVERY_JOB_TIMEOUT"] / 2
    started = time.monotonic()
    outcomes: dict[str, int] = {}
    for done, outbox_id in enumerate(outbox_ids):
        if done and time.monotonic() - started > budget:
            outbox.release(outbox_ids[done:])
            outcomes["released"] = len(outbox_ids) - done
            break
        try:
            outcome = deliver(outbox_id)
        except RetryLater:
            outcome = "retrying"
        except Exception:
            db.session.rollback()  # early commit: end the failed row before handing back
            try:
                outbox.release(outbox_ids[done + 1 :])
            except Exception:  # the database is away too: the rows wait for their lease
                log.warning("could not hand back %s rows", len(outbox_ids) - done - 1)
            raise
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))


def _send_next_part(row: OutboxMessage):
    """One step under the row lock; the caller commits. Returns an outcome or the error to
    raise after committing."""
    if outbox.earlier_open_row(row):
        outbox.defer(row, ORDER_WAIT_SECONDS)
        return "waiting"
    target = _target(row)
    if isinstance(target, str):
        outbox.cancel(row, target)
        return "cancelled"
    channel, address, destination, profile = target
    if not row.payload or _unseen_parts(channel, row, profile):
        # Rendered for who reads the destination, once: a retry resends the same parts. A
        # group made external since (a requeued or waiting row) gets the post rendered anew,
        # after whatever it already received.
        fresh = channel.prepare(_render(row.topic, row.subject_id), profile)
        if not fresh:
            outbox.cancel(row, "内容已不存在")
            return "cancelled"
        row.payload = (row.payload or [])[: row.parts_sent] + fresh
    wait = _limiter().acquire(destination)
    if wait:
        outbox.defer(row, wait)
        return "throttled"
    try:
        channel.send(address, row.payload[row.parts_sent])
    except DeliveryThrottled as exc:
        outbox.defer(row, exc.retry_after, str(exc))
        return "throttled"
    except DeliveryRejected as exc:
        log.warning("outbox %s rejected: %s", row.id, exc)
        if isinstance(exc, ConsentMissing):
            subscriptions.forget(row.recipient_id, row.payload[row.parts_sent]["template_id"])
        outbox.dead(row, str(exc))
        return "dead"
    except DeliveryError as exc:
        log.info("outbox %s failed (try %s): %s", row.id, row.attempts + 1, exc)
        if outbox.failed(row, str(exc)):
            return RetryLater(str(exc))
        return "dead"
    outbox.part_sent(row)
    return "sent" if row.status == "sent" else "part"


def _render(topic: str, subject_id: int) -> list[dict]:
    """What the row carries (bot.messages); inside a burst, rendered once per subject."""
    renders = _burst_renders.get()
    if renders is None:
        return messages.render(topic, subject_id)
    key = (topic, subject_id)
    if key not in renders:
        renders[key] = messages.render(topic, subject_id)
    return copy.deepcopy(renders[key])


def _unseen_parts(channel, row: OutboxMessage, profile: str) -> bool:
    """Whether parts still to send were rendered for WeCom members but the group is now
    external: its personal-WeChat members would not see them."""
    if channel.kind != "wecom_robot" or profile != GroupProfile.EXTERNAL:
        return False
    return any(part["msgtype"] not in EXTERNAL_MSGTYPES for part in row.payload[row.parts_sent :])


def _target(row: OutboxMessage):
    """(channel, address, rate-limit key, group profile), or why the row can no longer be
    sent."""
    kinds = channels(current_app)
    if row.group_chat_id:
        group = db.session.get(GroupChat, row.group_chat_id)
        if group is None or not group.active:
            return "群聊已停用"
        return kinds[group.channel], group.address, f"group:{group.id}", group.profile
    user = db.session.get(User, row.recipient_id)
    if row.topic in WECOM_APP_TOPICS:
        # Vote cards go to the owner's WeCom identity: a click there casts the ballot.
        wecom_userid = wecom.wecom_userid_of(row.recipient_id) if user else None
        if not wecom_userid:
            return "收件人未绑定企业微信"
        return kinds["wecom_app"], wecom_userid, f"user:{user.id}", GroupProfile.INTERNAL
    if user is None or not user.openid:
        return "收件人没有微信身份"
    return kinds["mp_subscribe"], user.openid, f"user:{user.id}", GroupProfile.INTERNAL


def warm_up(app) -> None:
    """Do once, before a worker forks a work horse per burst, what every job would otherwise
    do first: build the channels and the limiter, and compile the job's queries (a forked
    horse inherits all of it; cold, a job costs ten times as much)."""
    channels(app)
    _limiter(app)
    probe = OutboxMessage(id=0, group_chat_id=0, recipient_id=0, topic="notice.published")
    outbox.lock(0)
    outbox.earlier_open_row(probe)
    db.session.get(GroupChat, 0)
    db.session.get(User, 0)
    messages.render(probe.topic, 0)
    db.session.remove()  # ends the probes' transaction
    db.engine.dispose()  # no connection may be shared with the horses


def _limiter(app=None) -> SendLimiter:
    app = app or current_app
    if "linli_send_limiter" not in app.extensions:
        cfg = app.config
        app.extensions["linli_send_limiter"] = SendLimiter(
            cfg["REDIS_URL"] or "memory://", cfg["GROUP_MESSAGES_PER_MINUTE"]
        )
    return app.extensions["linli_send_limiter"]


# What rq runs (by DELIVER_BURST_JOB, enqueued by the relay) and what the embedded runner
# calls; the app factory hands both to backend.jobs. deliver_job stays for the one-row jobs a
# queue may still hold from before bursts.
deliver_job = job(deliver)
deliver_burst_job = job(deliver_burst)
DELIVER_JOB = f"{__name__}.deliver_job"
DELIVER_BURST_JOB = f"{__name__}.deliver_burst_job"
