"""What the scheduled jobs do to tickets: escalate overdue ones one rung, close replied ones
nobody rated, and post each estate's weekly digest. Every function takes ``now`` so tests run
it over a simulated clock, and is idempotent: run twice at the same moment, it acts once."""

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, case, insert, literal, null, select, update
from sqlalchemy.exc import IntegrityError

from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.audience import active_groups
from backend.group_chats.models import GroupChat
from backend.outbox import services as outbox
from backend.tickets import escalation_digests, stats, subscribe_sends
from backend.tickets.models import (
    CATEGORIES,
    HANDLING_STATUSES,
    LEVEL_LABELS,
    Level,
    Ticket,
    TicketDigest,
    TicketEvent,
)
from backend.tickets.models import TicketStatus as S

WEEKLY_TOPIC = "ticket.weekly"
SYSTEM = "系统"
BATCH = 500
EVENT_CHUNK = 5000  # ticket ids per INSERT of events, well within any bound-parameter limit
AT = DateTime(timezone=True)


def _due(query, batch: int) -> list[Ticket]:
    """Lock a batch; rows another run holds are skipped, not waited for."""
    return db.session.scalars(query.limit(batch).with_for_update(skip_locked=True)).all()


def escalate_overdue(now: datetime | None = None, batch: int = BATCH) -> int:
    """Move every overdue ticket one rung up; returns how many climbed.

    Each climb is an event (unique per ticket and rung), a notice to the new rung's people
    and a line in the estate's escalation digest for its group chats. A batch is one UPDATE
    and one INSERT of events, whatever its size, and a few statements for its estates.
    """
    now = now or utcnow()
    climbed = 0
    while True:
        rows = _climb(now, batch)
        if not rows:
            return climbed
        _record_events([row.id for row in rows], now)
        subscribe_sends.escalated([row.id for row in rows])
        by_estate = defaultdict(list)
        for row in sorted(rows, key=lambda row: row.id):
            by_estate[row.estate_id].append(_line(row))
        escalation_digests.write(by_estate, now)
        db.session.commit()  # early commit: per batch, so a crash keeps the batches done
        climbed += len(rows)


def _climb(now: datetime, batch: int) -> list:
    """Climb one batch of overdue tickets a rung, in one UPDATE; returns the climbed rows.

    The batch's rows are locked with SKIP LOCKED (another run takes other rows), and the
    UPDATE repeats the overdue test on the row it writes: a ticket another run climbed in
    the meantime has its next look-at time after ``now`` and matches nothing.
    """
    overdue = (
        Ticket.escalate_at <= now,
        Ticket.status.in_(HANDLING_STATUSES),
        Ticket.escalation_level < Level.COUNTY,
    )
    # Oldest first along ix_ticket_escalate_at, which then stops after ``batch`` rows: an id
    # tie-break would sort every ticket sharing a time (a whole backlog climbed at once).
    due = (
        select(Ticket.id)
        .where(*overdue)
        .order_by(Ticket.escalate_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    # rules.next_escalation in SQL: the running deadline, but each further rung gets
    # TICKET_ESCALATION_HOURS from now; nothing to look at once on the county's rung.
    deadline = case((Ticket.status == S.SUBMITTED, Ticket.accept_due_at), else_=Ticket.reply_due_at)
    step = literal(now + timedelta(hours=current_app.config["TICKET_ESCALATION_HOURS"]), AT)
    return db.session.execute(
        update(Ticket)
        .where(Ticket.id.in_(due), *overdue)
        .values(
            escalation_level=Ticket.escalation_level + 1,
            escalated_at=now,
            updated_at=now,
            missed_deadline=True,
            escalate_at=case(
                (Ticket.escalation_level + 1 >= Level.COUNTY, null()),
                (deadline > step, deadline),
                else_=step,
            ),
        )
        .returning(
            Ticket.id, Ticket.estate_id, Ticket.status, Ticket.category, Ticket.escalation_level
        )
        .execution_options(synchronize_session=False)
    ).all()


def _record_events(ticket_ids: list[int], now: datetime) -> None:
    """The climbed tickets' "escalated" events, copied from their rows by INSERT … SELECT
    (in chunks only so that a huge batch stays within the database's bound parameters)."""
    late_for = case((Ticket.status == S.SUBMITTED, "受理"), else_="办理反馈")
    label = case(
        {int(level): text for level, text in LEVEL_LABELS.items()}, value=Ticket.escalation_level
    )
    columns = ("ticket_id", "estate_id", "kind", "from_status", "to_status", "actor_label")
    columns += ("note", "escalation_level", "created_at")
    for start in range(0, len(ticket_ids), EVENT_CHUNK):
        chunk = ticket_ids[start : start + EVENT_CHUNK]
        rows = select(
            Ticket.id,
            Ticket.estate_id,
            literal("escalated"),
            Ticket.status,
            Ticket.status,
            literal(SYSTEM),
            literal("超过") + late_for + "时限，升级至" + label + "督办",
            Ticket.escalation_level,
            literal(now, AT),
        ).where(Ticket.id.in_(chunk))
        db.session.execute(insert(TicketEvent).from_select(columns, rows))


def _line(row) -> dict:
    level = Level(row.escalation_level)
    return {
        "ticket_id": row.id,
        "category": CATEGORIES[row.category],
        "level": int(level),
        "level_label": LEVEL_LABELS[level],
        "late_for": "受理" if row.status == S.SUBMITTED else "办理反馈",
    }


def close_unrated(now: datetime | None = None, batch: int = BATCH) -> int:
    """Close replied tickets nobody rated within the feedback window, as "not rated"."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["TICKET_FEEDBACK_DAYS"])
    closed = 0
    while True:
        tickets = _due(
            select(Ticket)
            .where(Ticket.status == S.REPLIED, Ticket.replied_at <= cutoff)
            .order_by(Ticket.replied_at, Ticket.id),
            batch,
        )
        if not tickets:
            return closed
        for ticket in tickets:
            ticket.status, ticket.close_reason = S.CLOSED, "not_rated"
            ticket.closed_at = ticket.updated_at = now
            db.session.add(
                TicketEvent(
                    ticket_id=ticket.id,
                    estate_id=ticket.estate_id,
                    kind="closed_not_rated",
                    from_status=S.REPLIED,
                    to_status=S.CLOSED,
                    actor_label=SYSTEM,
                    note="反馈后 7 天内未评价，自动办结（不计为满意）",
                    escalation_level=ticket.escalation_level,
                    created_at=now,
                )
            )
        db.session.commit()  # early commit: per batch, so a crash keeps the batches done
        closed += len(tickets)


def week_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The last full Monday-to-Monday week in Shanghai time, as UTC instants."""
    local = as_utc(now).astimezone(SHANGHAI)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return as_utc(monday - timedelta(days=7)), as_utc(monday)


@unit_of_work
def weekly_digests(now: datetime | None = None) -> int:
    """Post last week's figures to every estate with an active group chat and any tickets;
    returns how many digests were written (0 on a rerun of the same week)."""
    now = now or utcnow()
    start, end = week_bounds(now)
    estate_ids = db.session.scalars(
        select(GroupChat.estate_id).where(GroupChat.active.is_(True)).distinct()
    ).all()
    written = 0
    for estate_id, figures in stats.weekly(estate_ids, start, end, now).items():
        if not any(figures[k] for k in ("new", "closed", "overdue")):
            continue
        try:
            with db.session.begin_nested():
                digest = TicketDigest(
                    estate_id=estate_id,
                    kind="weekly",
                    period_start=start,
                    period_end=end,
                    figures=figures,
                )
                db.session.add(digest)
                db.session.flush()
        except IntegrityError:
            continue  # this week was already posted
        outbox.add_for_groups(WEEKLY_TOPIC, digest.id, active_groups([estate_id]))
        written += 1
    return written
