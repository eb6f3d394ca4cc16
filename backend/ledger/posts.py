"""What the estate's group chats hear about its accounts besides a publication: a question
answered, a question left unanswered, and a period not published in time. Each is queued in
the outbox once per (subject, group), however often its event or job runs."""

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select

from backend.common.clock import SHANGHAI, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.audience import active_groups
from backend.ledger.models import LedgerPeriod, LedgerQuestion, PeriodStatus
from backend.outbox import services as outbox
from backend.places.models import Estate

QUESTION_ANSWERED = "ledger.question_answered"
QUESTION_OVERDUE = "ledger.question_overdue"
LATE = "ledger.late"
# Scheduled posts look back this far past their threshold: a scheduler stopped for a while
# still catches up, while a group registered today is not flooded with years of history.
CATCH_UP_DAYS = 30
BATCH = 500


def publish_days(county_id: int) -> int:
    """Days after a period ends in which publishing it is on time, in the county: its own
    number from LINLI_LEDGER_PUBLISH_DAYS_BY_COUNTY, else LINLI_LEDGER_PUBLISH_DAYS."""
    cfg = current_app.config
    return cfg["LEDGER_PUBLISH_DAYS_BY_COUNTY"].get(county_id, cfg["LEDGER_PUBLISH_DAYS"])


def publish_deadline(period: LedgerPeriod, county_id: int) -> datetime:
    """Publishing counts as on time before midnight (Shanghai) that ends the N-th day after
    the period's last day (end_date is exclusive), N as ``publish_days``."""
    return datetime.combine(
        period.end_date + timedelta(days=publish_days(county_id)), time(), SHANGHAI
    )


def question_answered(question: LedgerQuestion) -> int:
    """Queue "a question was answered" for the estate's groups (the caller's transaction)."""
    return outbox.add_once_for_groups(
        QUESTION_ANSWERED, question.id, active_groups([question.estate_id])
    )


@unit_of_work
def post_overdue_questions(now: datetime | None = None) -> int:
    """Queue, once per question, the questions left unanswered past LINLI_LEDGER_QUESTION_DAYS;
    returns how many rows were queued."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["LEDGER_QUESTION_DAYS"])
    due = db.session.execute(
        select(LedgerQuestion.id, LedgerQuestion.estate_id)
        .where(
            LedgerQuestion.answered_at.is_(None),
            LedgerQuestion.asked_at < cutoff,
            LedgerQuestion.asked_at >= cutoff - timedelta(days=CATCH_UP_DAYS),
            outbox.not_posted(QUESTION_OVERDUE, LedgerQuestion.id),
        )
        .order_by(LedgerQuestion.id)
        .limit(BATCH)
    ).all()
    return _post(QUESTION_OVERDUE, due)


@unit_of_work
def post_late_periods(today: date | None = None) -> int:
    """Queue, once per period, the periods still unpublished after their county's publish
    days; returns how many rows were queued."""
    today = today or utcnow().astimezone(SHANGHAI).date()
    cfg = current_app.config
    by_county = cfg["LEDGER_PUBLISH_DAYS_BY_COUNTY"]

    def past(days: int):
        last_end = today - timedelta(days=days)  # end_date is exclusive: today is day N
        return and_(
            LedgerPeriod.end_date <= last_end,
            LedgerPeriod.end_date > last_end - timedelta(days=CATCH_UP_DAYS),
        )

    deadline_passed = or_(
        and_(Estate.county_id.not_in(list(by_county)), past(cfg["LEDGER_PUBLISH_DAYS"])),
        *(and_(Estate.county_id == county, past(days)) for county, days in by_county.items()),
    )
    due = db.session.execute(
        select(LedgerPeriod.id, LedgerPeriod.estate_id)
        .join(Estate, Estate.id == LedgerPeriod.estate_id)
        .where(
            LedgerPeriod.status != PeriodStatus.PUBLISHED,
            deadline_passed,
            outbox.not_posted(LATE, LedgerPeriod.id),
        )
        .order_by(LedgerPeriod.id)
        .limit(BATCH)
    ).all()
    return _post(LATE, due)


def _post(topic: str, due) -> int:
    """Queue ``topic`` for each (subject id, estate id) in ``due`` to its estate's groups."""
    groups = active_groups({estate_id for _, estate_id in due})
    pairs = [
        (subject_id, group)
        for subject_id, estate_id in due
        for group in groups
        if group.estate_id == estate_id
    ]
    return outbox.add_once_for_each_group(topic, pairs)
