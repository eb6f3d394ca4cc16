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
from sqlalchemy.engine import Row

from backend.accounts import wecom
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.models import GroupProfile
from backend.jobs.job import job
from backend.outbox import sending
from backend.outbox.models import OPEN_STATUSES, OutboxStatus
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
        locked = sending.lock(outbox_id)
        if locked is None or locked.status not in OPEN_STATUSES:
            return locked.status if locked else "missing"
        outcome = _send_next_part(locked)
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
            sending.release(outbox_ids[done:])
            outcomes["released"] = len(outbox_ids) - done
            break
        try:
            outcome = deliver(outbox_id)
        except RetryLater:
            outcome = "retrying"
        except Exception:
            db.session.rollback()  # early commit: end the failed row before handing back
            try:
                sending.release(outbox_ids[done + 1 :])
            except Exception:  # the database is away too: the rows wait for their lease
                log.warning("could not hand back %s rows", len(outbox_ids) - done - 1)
            raise
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))


def _send_next_part(locked: Row):
    """One step under the row lock (``sending.lock``); the caller commits. Returns an outcome
    or the error to raise after committing."""
    payload = locked.payload
    if locked.behind:
        sending.defer(locked, ORDER_WAIT_SECONDS, payload)
        return "waiting"
    target = _target(locked)
    if isinstance(target, str):
        sending.cancel(sending.locked_row(locked, payload), target)
        return "cancelled"
    channel, address, destination, profile = target
    if not payload or _unseen_parts(channel, locked, profile):
        # Rendered for who reads the destination, once: a retry resends the same parts. A
        # group made external since (a requeued or waiting row) gets the post rendered anew,
        # after whatever it already received.
        fresh = channel.prepare(_render(locked.topic, locked.subject_id), profile)
        if not fresh:
            sending.cancel(sending.locked_row(locked, payload), "内容已不存在")
            return "cancelled"
        payload = (payload or [])[: locked.parts_sent] + fresh
    wait = _limiter().acquire(destination)
    if wait:
        sending.defer(locked, wait, payload)
        return "throttled"
    try:
        channel.send(address, payload[locked.parts_sent])
    except DeliveryThrottled as exc:
        sending.defer(locked, exc.retry_after, payload, str(exc))
        return "throttled"
    except DeliveryRejected as exc:
        log.warning("outbox %s rejected: %s", locked.id, exc)
        row = sending.locked_row(locked, payload)
        if isinstance(exc, ConsentMissing):
            subscriptions.forget(row.recipient_id, payload[locked.parts_sent]["template_id"])
        sending.dead(row, str(exc))
        return "dead"
    except DeliveryError as exc:
        row = sending.locked_row(locked, payload)
        log.info("outbox %s failed (try %s): %s", row.id, row.attempts + 1, exc)
        if sending.failed(row, str(exc)):
            return RetryLater(str(exc))
        return "dead"
    return "sent" if sending.part_sent(locked, payload) == OutboxStatus.SENT else "part"


def _render(topic: str, subject_id: int) -> list[dict]:
    """What the row carries (bot.messages); inside a burst, rendered once per subject."""
    renders = _burst_renders.get()
    if renders is None:
        return messages.render(topic, subject_id)
    key = (topic, subject_id)
    if key not in renders:
        renders[key] = messages.render(topic, subject_id)
    return copy.deepcopy(renders[key])


def _unseen_parts(channel, locked: Row, profile: str) -> bool:
    """Whether parts still to send were rendered for WeCom members but the group is now
    external: its personal-WeChat members would not see them."""
    if channel.kind != "wecom_robot" or profile != GroupProfile.EXTERNAL:
        return False
    return any(
        part["msgtype"] not in EXTERNAL_MSGTYPES for part in locked.payload[locked.parts_sent :]
    )


def _target(locked: Row):
    """(channel, address, rate-limit key, group profile), or why the row can no longer be
    sent."""
    kinds = channels(current_app)
    if locked.group_chat_id:
        if not locked.group_active:  # also None: the group is gone
            return "群聊已停用"
        return (
            kinds[locked.group_channel],
            locked.group_address,
            f"group:{locked.group_chat_id}",
            locked.group_profile,
        )
    user = db.session.get(User, locked.recipient_id)
    if locked.topic in WECOM_APP_TOPICS:
        # Vote cards go to the owner's WeCom identity: a click there casts the ballot.
        wecom_userid = wecom.wecom_userid_of(locked.recipient_id) if user else None
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
    sending.lock(0)
    db.session.get(User, 0)
    messages.render("notice.published", 0)
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
