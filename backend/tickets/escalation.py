"""What the scheduled jobs do to tickets: escalate overdue ones one rung, close replied ones
nobody rated, and post each estate's weekly digest. Every function takes ``now`` so tests run
it over a simulated clock, and is idempotent: run twice at the same moment, it acts once."""

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.models import Membership
from backend.access.roles import ScopeKind
from backend.accounts.models import User
from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.outbox import services as outbox
from backend.places.models import Estate
from backend.tickets import rules, stats
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

ESCALATIONS_TOPIC = "ticket.escalations"  # to the estate's groups, one per run
ESCALATED_TO_YOU_TOPIC = "ticket.escalated"  # to each new handler, one per estate and run
WEEKLY_TOPIC = "ticket.weekly"
SYSTEM = "系统"
BATCH = 500


def _due(query, batch: int) -> list[Ticket]:
    """Lock a batch; rows another run holds are skipped, not waited for."""
    return db.session.scalars(query.limit(batch).with_for_update(skip_locked=True)).all()


def escalate_overdue(now: datetime | None = None, batch: int = BATCH) -> int:
    """Move every overdue ticket one rung up; returns how many climbed.

    Each climb is an event (unique per ticket and rung), a notice to the new rung's people
    and a line in the estate's escalation digest for its group chats.
    """
    now = now or utcnow()
    climbed = 0
    while True:
        tickets = _due(
            select(Ticket)
            .where(
                Ticket.escalate_at <= now,
                Ticket.status.in_(HANDLING_STATUSES),
                Ticket.escalation_level < Level.COUNTY,
            )
            .order_by(Ticket.escalate_at, Ticket.id),
            batch,
        )
        if not tickets:
            return climbed
        by_estate = defaultdict(list)
        for ticket in tickets:
            by_estate[ticket.estate_id].append(_climb(ticket, now))
        for estate_id, lines in by_estate.items():
            _escalation_digest(estate_id, lines, now)
        db.session.commit()  # early commit: per batch, so a crash keeps the batches done
        climbed += len(tickets)


def _climb(ticket: Ticket, now: datetime) -> dict:
    late_for = "受理" if ticket.status == S.SUBMITTED else "办理反馈"
    ticket.escalation_level += 1
    ticket.escalated_at = ticket.updated_at = now
    ticket.missed_deadline = True
    ticket.escalate_at = rules.next_escalation(ticket)
    level = Level(ticket.escalation_level)
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            estate_id=ticket.estate_id,
            kind="escalated",
            from_status=ticket.status,
            to_status=ticket.status,
            actor_label=SYSTEM,
            note=f"超过{late_for}时限，升级至{LEVEL_LABELS[level]}督办",
            escalation_level=level,
            created_at=now,
        )
    )
    return {
        "ticket_id": ticket.id,
        "category": CATEGORIES[ticket.category],
        "level": int(level),
        "level_label": LEVEL_LABELS[level],
        "late_for": late_for,
    }


def _escalation_digest(estate_id: int, lines: list[dict], now: datetime) -> None:
    """One digest per estate and run (a later batch of the same run adds to it)."""
    digest = db.session.scalar(
        select(TicketDigest)
        .where(
            TicketDigest.estate_id == estate_id,
            TicketDigest.kind == "escalation",
            TicketDigest.period_start == now,
        )
        .with_for_update()
    )
    if digest is None:
        digest = TicketDigest(
            estate_id=estate_id, kind="escalation", period_start=now, period_end=now, figures={}
        )
        db.session.add(digest)
        db.session.flush()
        outbox.add_for_groups(ESCALATIONS_TOPIC, digest.id, _groups(estate_id))
    digest.figures = {"tickets": [*digest.figures.get("tickets", []), *lines]}
    _notify_new_handlers(estate_id, digest, {line["level"] for line in lines})


def _groups(estate_id: int) -> list[GroupChat]:
    return db.session.scalars(
        select(GroupChat).where(GroupChat.estate_id == estate_id, GroupChat.active.is_(True))
    ).all()


def _notify_new_handlers(estate_id: int, digest: TicketDigest, levels: set[int]) -> None:
    """A subscribe message to each person who became responsible (when a template is set)."""
    if not current_app.config["TICKET_TEMPLATE_ID"]:
        return
    estate = db.session.get(Estate, estate_id)
    place = {
        ScopeKind.ESTATE: estate.id,
        ScopeKind.COMMUNITY: estate.community_id,
        ScopeKind.TOWNSHIP: estate.township_id,
        ScopeKind.COUNTY: estate.county_id,
    }
    already = set(
        db.session.scalars(
            select(outbox.OutboxMessage.recipient_id).where(
                outbox.OutboxMessage.topic == ESCALATED_TO_YOU_TOPIC,
                outbox.OutboxMessage.subject_id == digest.id,
            )
        )
    )
    for level in sorted(levels):
        roles = rules.new_rung_roles(level)
        people = db.session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.role.in_(roles),
                Membership.scope_kind.in_(list(place)),
                User.openid.is_not(None),
            )
            .where(
                db.or_(
                    *[
                        db.and_(Membership.scope_kind == kind, Membership.scope_id == scope_id)
                        for kind, scope_id in place.items()
                    ]
                )
            )
            .distinct()
        )
        for user_id in people:
            if user_id not in already:
                already.add(user_id)
                outbox.add_for_person(ESCALATED_TO_YOU_TOPIC, digest.id, user_id, estate_id)


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
        outbox.add_for_groups(WEEKLY_TOPIC, digest.id, _groups(estate_id))
        written += 1
    return written
