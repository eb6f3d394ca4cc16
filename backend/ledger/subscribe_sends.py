"""Subscribe messages about the accounts: an owner's question answered (to the asker), an
owner's question asked (to the committee and manager who consented), and a period returned,
approved, audited or published (to the preparer who submitted it)."""

from sqlalchemy import select

from backend.access.models import Membership
from backend.extensions import db
from backend.ledger import posts
from backend.ledger.access import ANSWER_ROLES
from backend.ledger.models import LedgerEvent, LedgerPeriod, LedgerQuestion
from backend.ledger.models import PeriodStatus as S
from backend.subscriptions import services as subscriptions


def question_answered(question: LedgerQuestion) -> None:
    """Tell the asker; answers are public to the estate, so without a consent the estate's
    groups hear it instead (once, whoever else asks them to)."""
    subscriptions.reach(
        "question_answered",
        [(question.id, question.asked_by_id, question.estate_id)],
        fallback=lambda _subject: posts.question_answered(question),
    )


def owner_asked(question: LedgerQuestion) -> None:
    """Tell those who answer questions in the estate and asked to be told."""
    answerers = select(Membership.user_id).where(
        Membership.estate_id == question.estate_id, Membership.role.in_(ANSWER_ROLES)
    )
    people = subscriptions.consenting("owner_asked", answerers)
    subscriptions.reach(
        "owner_asked",
        [
            (question.id, user_id, question.estate_id)
            for user_id in people
            if user_id != question.asked_by_id
        ],
    )


def period_moved(period: LedgerPeriod, action: str) -> None:
    """Tell the period's submitter what just happened to it (not what they did themselves)."""
    if action == "return":
        kind = "period_returned"
    elif action in ("audit", "publish") or (
        action == "approve" and period.status == S.COMMITTEE_APPROVED
    ):
        kind = "period_progress"
    else:
        return
    event = db.session.scalars(
        select(LedgerEvent)
        .where(LedgerEvent.period_id == period.id)
        .order_by(LedgerEvent.id.desc())
        .limit(1)
    ).one()
    preparer = period.submitted_by_id
    if preparer and preparer != event.actor_id:
        subscriptions.reach(kind, [(event.id, preparer, period.estate_id)])
