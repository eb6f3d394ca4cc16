"""Owners' questions (质询) on published statements, answered in the open by the committee
or the property manager; the overdue ones for those who oversee the estates."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from backend.access.roles import Role
from backend.access.scope import get_estate_for, visible_estates
from backend.accounts.models import User
from backend.accounts.naming import Naming, naming_from_roles
from backend.common.clock import as_utc, utcnow
from backend.common.pagination import paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from backend.extensions import db
from backend.ledger import posts, subscribe_sends
from backend.ledger.access import ANSWER_ROLES, period_for, require_role
from backend.ledger.models import LedgerEntry, LedgerPeriod, LedgerQuestion
from backend.places.models import Estate


def _question_days() -> int:
    return current_app.config["LEDGER_QUESTION_DAYS"]


@unit_of_work
def ask(user: User, estate_id: int, period_id: int, body: str, entry_id=None) -> LedgerQuestion:
    estate, period, roles = period_for(user, estate_id, period_id)
    if Role.OWNER not in roles:
        raise Forbidden("只有已认证的业主可以质询")
    if not period.is_published:
        raise InvalidTransition("只能对已公示的账目提出质询")
    if entry_id is not None and not db.session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.id == entry_id, LedgerEntry.period_id == period.id)
    ):
        raise ValidationFailed(fields={"entry_id": ["该分录不属于这个账期"]})
    question = LedgerQuestion(
        estate_id=estate.id,
        period_id=period.id,
        entry_id=entry_id,
        asked_by_id=user.id,
        body=body.strip(),
    )
    db.session.add(question)
    db.session.flush()
    subscribe_sends.owner_asked(question)
    return _with_flags(user, roles, [question])[0]


@unit_of_work
def answer(user: User, estate_id: int, question_id: int, body: str) -> LedgerQuestion:
    question = db.session.scalar(
        select(LedgerQuestion)
        .where(LedgerQuestion.id == question_id, LedgerQuestion.estate_id == estate_id)
        .with_for_update()
    )
    if question is None:
        get_estate_for(user, estate_id)
        raise NotFound("质询不存在")
    estate, _period_row, roles = period_for(user, estate_id, question.period_id)
    role = require_role(roles, ANSWER_ROLES, "只有业委会或物业可以答复质询")
    if question.answered_at is not None:
        raise InvalidTransition("该质询已答复")
    question.answer = body.strip()
    question.answered_by_id = user.id
    question.answered_by_label = (
        f"{estate.name}物业服务中心" if role == Role.PROPERTY_MANAGER else f"{estate.name}业委会"
    )
    question.answered_at = utcnow()
    posts.question_answered(question)
    subscribe_sends.question_answered(question)
    return _with_flags(user, roles, [question])[0]


def list_questions(user: User, estate_id: int, period_id: int, page: int, page_size: int):
    _estate, period, roles = period_for(user, estate_id, period_id)
    query = (
        select(LedgerQuestion)
        .where(LedgerQuestion.period_id == period.id)
        # Newest question first by when it was asked (shown on it), id breaking ties.
        .order_by(LedgerQuestion.asked_at.desc(), LedgerQuestion.id.desc())
    )
    result = paginate(query, page, page_size)
    _with_flags(user, roles, result.items)
    return result


def _with_flags(user: User, roles: set[str], questions: list[LedgerQuestion]):
    deadline = utcnow() - timedelta(days=_question_days())
    can_answer = bool(roles & set(ANSWER_ROLES))
    names = _asker_names([q.asked_by_id for q in questions], naming_from_roles(user, roles))
    for q in questions:
        q.overdue = q.answered_at is None and as_utc(q.asked_at) < deadline
        q.can_answer = can_answer and q.answered_at is None
        q.asked_by_label = names.get(q.asked_by_id, "业主")
    return questions


def _asker_names(user_ids: list[int], naming: Naming) -> dict[int, str]:
    rows = db.session.execute(select(User.id, User.real_name).where(User.id.in_(user_ids)))
    return {uid: f"业主{naming.text(name, uid)}" if name else "业主" for uid, name in rows}


def overdue_questions(user: User, limit: int = 50) -> list[LedgerQuestion]:
    """Unanswered questions older than the allowed days, in the estates the user oversees."""
    estates = visible_estates(user).with_only_columns(Estate.id)
    deadline = utcnow() - timedelta(days=_question_days())
    rows = db.session.scalars(
        select(LedgerQuestion)
        .where(
            LedgerQuestion.estate_id.in_(estates),
            LedgerQuestion.answered_at.is_(None),
            LedgerQuestion.asked_at < deadline,
        )
        .order_by(LedgerQuestion.asked_at)
        .limit(limit)
    ).all()
    names = dict(
        db.session.execute(
            select(Estate.id, Estate.name).where(Estate.id.in_({q.estate_id for q in rows}))
        ).all()
    )
    labels = dict(
        db.session.execute(
            select(LedgerPeriod.id, LedgerPeriod.label).where(
                LedgerPeriod.id.in_({q.period_id for q in rows})
            )
        ).all()
    )
    for q in rows:
        q.estate_name, q.period_label = names[q.estate_id], labels[q.period_id]
    return rows
