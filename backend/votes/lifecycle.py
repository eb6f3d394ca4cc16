"""A motion's life after it is announced: voting opens (snapshot), a reminder a day before
it closes, turnout posts, the quorum being reached, and the close with its tally. Each step
happens once, under the motion's row lock, whether the scheduler's sweep or a request that
finds the motion late gets there first."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select

from backend.accounts.models import WecomBinding
from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.votes import rules, snapshot, subscribe_sends
from backend.votes import turnout as turnout_counter
from backend.votes.models import (
    BALLOT_ELECTOR,
    Ballot,
    Elector,
    ElectorUser,
    Motion,
    MotionPost,
    MotionStatus,
)

log = logging.getLogger(__name__)

S = MotionStatus
REMINDER_BEFORE_CLOSE = timedelta(days=1)
CARD_TOPIC = "vote.card"


def post(motion: Motion, kind: str, key: str | None = None, figures: dict | None = None) -> bool:
    """Queue ``kind`` for the estate's group chats once per (motion, key); False if done."""
    key = key or kind
    exists = db.session.scalar(
        select(MotionPost.id).where(MotionPost.motion_id == motion.id, MotionPost.key == key)
    )
    if exists:
        return False
    row = MotionPost(motion_id=motion.id, kind=kind, key=key, figures=figures or {})
    db.session.add(row)
    db.session.flush()
    outbox.add_for_groups(f"vote.{kind}", row.id, active_groups([motion.estate_id]))
    return True


def turnout(motion_id: int) -> rules.Count:
    """Electors who have voted so far, and their area, counted from the ballots (the posts
    and the quorum check read it once per sweep; pages read the shards of votes.turnout)."""
    return turnout_counter.live(motion_id)


def counts_by_choice(motion_id: int) -> dict[str, rules.Count]:
    rows = db.session.execute(
        select(Ballot.choice, func.count(), func.coalesce(func.sum(Elector.area_dm2), 0))
        .join(Elector, BALLOT_ELECTOR)
        .where(Ballot.motion_id == motion_id)
        .group_by(Ballot.choice)
    ).all()
    found = {choice: rules.Count(owners, int(area)) for choice, owners, area in rows}
    return {choice: found.get(choice, rules.Count()) for choice in ("yes", "no", "abstain")}


def lock(motion_id: int, shared: bool = False, wait: bool = True) -> Motion | None:
    """The motion row, locked: shared by ballots (many at once), exclusive by state changes,
    so a close waits for ballots in flight and no ballot lands after the tally. With
    ``wait=False``, None if someone else holds the lock."""
    return db.session.scalar(
        select(Motion)
        .where(Motion.id == motion_id)
        .with_for_update(read=shared, skip_locked=not wait)
        .execution_options(populate_existing=True)
    )


def is_due(motion: Motion, now: datetime) -> bool:
    """Whether the motion's status lags the clock (opening or closing is due)."""
    if motion.status == S.ANNOUNCED:
        return now >= as_utc(motion.opens_at)
    return motion.status == S.OPEN and now >= as_utc(motion.closes_at)


def advance(motion_id: int, now: datetime | None = None, wait: bool = True) -> Motion | None:
    """Bring the motion up to ``now`` (open it, remind, close it); the caller commits.

    Requests pass ``wait=False``: while another process is taking the snapshot of a large
    estate (seconds), a page shows the motion as it stands instead of holding a web worker.
    """
    now = now or utcnow()
    motion = lock(motion_id, wait=wait)
    if motion is None:
        return None
    if motion.status == S.ANNOUNCED and now >= as_utc(motion.opens_at):
        _open(motion, now)
    if motion.status == S.OPEN:
        if now >= as_utc(motion.closes_at):
            _close(motion, now)
        else:
            _remind(motion, now)
    return motion


def _open(motion: Motion, now: datetime) -> None:
    owners, area = snapshot.take(motion)
    motion.owners_total, motion.area_total_dm2 = owners, area
    motion.status, motion.opened_at = S.OPEN, now
    post(motion, "opened", figures={"owners_total": owners, "area_total_dm2": area})
    _send_vote_cards(motion)
    subscribe_sends.opened(motion)
    log.info("motion %s open: %s owners, %s dm²", motion.id, owners, area)


def _send_vote_cards(motion: Motion) -> None:
    """A vote card to every elector's user who bound a WeCom identity (the outbox subject is
    the ElectorUser row, so the card knows both the motion and its recipient)."""
    rows = db.session.execute(
        select(ElectorUser.id, ElectorUser.user_id)
        .join(WecomBinding, WecomBinding.user_id == ElectorUser.user_id)
        .where(ElectorUser.motion_id == motion.id, WecomBinding.wecom_userid.is_not(None))
    ).all()
    outbox.add_for_people(CARD_TOPIC, rows, motion.estate_id)


def _remind(motion: Motion, now: datetime) -> None:
    if now >= as_utc(motion.closes_at) - REMINDER_BEFORE_CLOSE:
        post(motion, "closing", figures=_turnout_figures(motion))
    if motion.owners_total:
        voted = turnout(motion.id)
        total = rules.Count(motion.owners_total, motion.area_total_dm2)
        if rules.at_least(voted.owners, total.owners, rules.QUORUM) and rules.at_least(
            voted.area_dm2, total.area_dm2, rules.QUORUM
        ):
            post(motion, "quorum", figures=_turnout_figures(motion, voted))


def _turnout_figures(motion: Motion, voted: rules.Count | None = None) -> dict:
    voted = voted or turnout(motion.id)
    return {
        "owners_total": motion.owners_total,
        "area_total_dm2": motion.area_total_dm2,
        "owners_voted": voted.owners,
        "area_voted_dm2": voted.area_dm2,
    }


def _close(motion: Motion, now: datetime) -> None:
    counts = counts_by_choice(motion.id)
    total = rules.Count(motion.owners_total or 0, motion.area_total_dm2 or 0)
    outcome = rules.decide(motion.matter, total, counts["yes"], counts["no"], counts["abstain"])
    motion.tally = {choice: count.as_dict() for choice, count in counts.items()}
    motion.quorum_met, motion.passed = outcome.quorum_met, outcome.passed
    motion.status, motion.closed_at = S.CLOSED, now
    post(motion, "result")
    subscribe_sends.closed(motion)
    log.info("motion %s closed: %s", motion.id, outcome.code)


def post_turnout(motion_id: int, now: datetime) -> bool:
    """The day's turnout post (one per motion per Shanghai day); the caller commits."""
    motion = lock(motion_id)
    if motion is None or motion.status != S.OPEN:
        return False
    day = as_utc(now).astimezone(SHANGHAI).date().isoformat()
    return post(motion, "turnout", key=f"turnout:{day}", figures=_turnout_figures(motion))


def lagging(now: datetime):
    """Motions whose status lags the clock: opening or closing is due (``is_due`` in SQL)."""
    return ((Motion.status == S.ANNOUNCED) & (Motion.opens_at <= now)) | (
        (Motion.status == S.OPEN) & (Motion.closes_at <= now)
    )


def catch_up(*where) -> None:
    """Before a request lists motions: open or close those (matching ``where``) whose time has
    come, without waiting for one the scheduler is already advancing. Nothing lagging, nothing
    committed: a commit would expire what the request has read, to be read again."""
    now = utcnow()
    ids = db.session.scalars(select(Motion.id).where(*where, lagging(now))).all()
    if ids:
        _advance_all(ids, now)


@unit_of_work
def _advance_all(motion_ids: list[int], now: datetime) -> None:
    for motion_id in motion_ids:
        advance(motion_id, now, wait=False)


def due_ids(now: datetime) -> list[int]:
    """Motions the sweep must look at: opening due, or open (reminder, quorum, close)."""
    return db.session.scalars(
        select(Motion.id)
        .where(
            ((Motion.status == S.ANNOUNCED) & (Motion.opens_at <= now)) | (Motion.status == S.OPEN)
        )
        .order_by(Motion.id)
    ).all()


def sweep(now: datetime | None = None) -> int:
    """Advance every motion that needs it, each in its own transaction; returns how many."""
    now = now or utcnow()
    done = 0
    for motion_id in due_ids(now):
        try:
            advance(motion_id, now)
            db.session.commit()  # early commit: each motion in its own transaction
            done += 1
        except Exception:
            db.session.rollback()  # early commit: a motion that fails is undone alone
            log.exception("motion %s could not be advanced", motion_id)
    return done


def daily_turnout(now: datetime | None = None) -> int:
    """Post each open motion's turnout to its group chats; returns how many were posted."""
    now = now or utcnow()
    posted = 0
    for motion_id in db.session.scalars(select(Motion.id).where(Motion.status == S.OPEN)).all():
        posted += post_turnout(motion_id, now)
        db.session.commit()  # early commit: one motion's lock at a time
    return posted
