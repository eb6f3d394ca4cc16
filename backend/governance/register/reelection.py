"""Committees due for re-election: the list officers read, and the reminder posted once per
term to the estate's group chats (outbox rows in the same transaction as ``reminded_at``)."""

from datetime import date

from sqlalchemy import select

from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register.figures import due_on, notice_days
from backend.governance.register.models import Committee
from backend.governance.register.services import EDITOR_ROLES
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.places.models import Estate

TOPIC = "register.reelection"


def is_due_date(term_ends_on: date, on: date | None = None) -> bool:
    """A term ending ``term_ends_on`` is due on ``on`` (today): within
    LINLI_REELECTION_NOTICE_DAYS days of its end, or past it."""
    return (term_ends_on - (on or today())).days <= notice_days()


def is_due(committee: Committee, on: date | None = None) -> bool:
    """A live term due for re-election (or lapsed) on ``on`` (today)."""
    return committee.ended_on is None and is_due_date(committee.term_ends_on, on)


def due_in_scope(user: User, on: date | None = None):
    """A SELECT of the live terms due (or lapsed) on the estates the user supervises, soonest
    first."""
    return (
        select(Committee)
        .where(
            Committee.estate_id.in_(
                visible_estates(user, EDITOR_ROLES).with_only_columns(Estate.id)
            ),
            Committee.ended_on.is_(None),
            due_on(on or today()),
        )
        .order_by(Committee.term_ends_on, Committee.id)
    )


@unit_of_work
def send_reminders(on: date | None = None) -> int:
    """Post the reminder for each live term due and not yet reminded; returns how many.

    Rows are taken with SKIP LOCKED and marked in the same transaction as their outbox rows,
    so two runs at once, or a run after a crash, remind each term once.
    """
    on = on or today()
    due = db.session.scalars(
        select(Committee)
        .where(Committee.ended_on.is_(None), Committee.reminded_at.is_(None), due_on(on))
        .order_by(Committee.id)
        .with_for_update(skip_locked=True)
    ).all()
    for committee in due:
        outbox.add_for_groups(TOPIC, committee.id, active_groups([committee.estate_id]))
        committee.reminded_at = utcnow()
    return len(due)
