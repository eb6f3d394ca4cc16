"""Ledger periods (账期): opening a draft, listing and reading them with their history, the
actions open to the reader and their balances; the event log and the versioned commit every
change to a period goes through."""

from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.accounts.naming import naming_for
from backend.common.clock import SHANGHAI, utcnow
from backend.common.pagination import Page, paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, ValidationFailed
from backend.extensions import db
from backend.ledger.access import (
    APPROVER_ROLES,
    AUDITOR_ROLES,
    PREPARER_ROLES,
    PUBLISHER_ROLES,
    period_for,
    reads_drafts,
    require_preparer,
    roles_on,
)
from backend.ledger.models import LedgerApproval, LedgerEvent, LedgerPeriod, PeriodKind
from backend.ledger.models import PeriodStatus as S
from backend.ledger.statements import opening_balance
from backend.places.models import Estate

ACTION_LABELS = {
    "create": "新建账期",
    "submit": "提交审批",
    "approve": "业委会审批通过",
    "return": "退回修改",
    "audit": "社区审核通过",
    "publish": "公示",
}


def record_event(period: LedgerPeriod, action: str, before, user: User, role: str, reason=None):
    """Add the period's history line for ``action`` (taken from ``before`` to its status now)."""
    db.session.add(
        LedgerEvent(
            estate_id=period.estate_id,
            period_id=period.id,
            action=action,
            from_status=before,
            to_status=period.status,
            actor_id=user.id,
            actor_role=role,
            reason=reason,
        )
    )


def flush_or_conflict():
    """Flush, turning a lost compare-and-set race into 409 rather than a 500.

    :raises Conflict: the period changed under us (its version) or a unique key was taken.
    """
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        raise Conflict("账期刚被他人修改，请刷新后重试") from None


def _bounds(kind: str, start: date) -> tuple[date, str]:
    """(exclusive end, label) of the period starting on ``start``."""
    months = 1 if kind == PeriodKind.MONTH else 3
    if start.day != 1 or (kind == PeriodKind.QUARTER and start.month % 3 != 1):
        message = (
            "月度账期应从某月 1 日开始" if months == 1 else "季度账期应从 1、4、7、10 月的 1 日开始"
        )
        raise ValidationFailed(message, fields={"start_date": [message]})
    month = start.month - 1 + months
    end = date(start.year + month // 12, month % 12 + 1, 1)
    if kind == PeriodKind.MONTH:
        return end, f"{start.year}年{start.month}月"
    return end, f"{start.year}年第{(start.month - 1) // 3 + 1}季度"


@unit_of_work
def create_period(user: User, estate_id: int, kind: str, start_date: date) -> LedgerPeriod:
    """Open a draft period.

    :raises Conflict: it overlaps another period, or falls before what is already published.
    """
    role = require_preparer(user, estate_id)
    estate = db.session.get(Estate, estate_id)
    today = utcnow().astimezone(SHANGHAI).date()
    # Before the period's end is worked out: a far-future start is refused by its rule, not
    # by the arithmetic of its end.
    if start_date > today:
        raise ValidationFailed("不能为未来的月份建账", fields={"start_date": ["不能晚于本月"]})
    end, label = _bounds(kind, start_date)
    # One writer per estate at a time: overlap checks and the chain depend on it.
    db.session.scalar(select(Estate.id).where(Estate.id == estate.id).with_for_update())
    overlapping = db.session.scalar(
        select(LedgerPeriod.label).where(
            LedgerPeriod.estate_id == estate.id,
            LedgerPeriod.start_date < end,
            LedgerPeriod.end_date > start_date,
        )
    )
    if overlapping:
        raise Conflict(f"与已有账期（{overlapping}）时间重叠")
    last_published_end = db.session.scalar(
        select(func.max(LedgerPeriod.end_date)).where(
            LedgerPeriod.estate_id == estate.id, LedgerPeriod.status == S.PUBLISHED
        )
    )
    if last_published_end and start_date < last_published_end:
        raise Conflict("该时段之后的账目已公示；如需更正，请在新账期中冲销原分录")
    period = LedgerPeriod(
        estate_id=estate.id,
        kind=kind,
        start_date=start_date,
        end_date=end,
        label=label,
        created_by_id=user.id,
        approvals_required=estate.ledger_approvals_required
        or current_app.config["LEDGER_APPROVALS_REQUIRED"],
    )
    db.session.add(period)
    db.session.flush()
    record_event(period, "create", None, user, role)
    flush_or_conflict()
    return period


def list_periods(user: User, estate_id: int, status, page: int, page_size: int) -> Page:
    estate = get_estate_for(user, estate_id)
    query = select(LedgerPeriod).where(LedgerPeriod.estate_id == estate.id)
    if not reads_drafts(roles_on(user, estate)):
        query = query.where(LedgerPeriod.status == S.PUBLISHED)
    if status:
        query = query.where(LedgerPeriod.status == status)
    return paginate(query.order_by(LedgerPeriod.start_date.desc()), page, page_size)


def period_detail(user: User, estate_id: int, period_id: int) -> LedgerPeriod:
    estate, period, roles = period_for(user, estate_id, period_id)
    return with_detail(user, estate, period, roles)


def with_detail(user, estate, period, roles) -> LedgerPeriod:
    """The period with its actions open to the user, history, approvals and balances."""
    period.actions = _actions(user, period, roles)
    period.events = db.session.scalars(
        select(LedgerEvent).where(LedgerEvent.period_id == period.id).order_by(LedgerEvent.id)
    ).all()
    period.approvals = db.session.scalars(
        select(LedgerApproval)
        .where(
            LedgerApproval.period_id == period.id,
            LedgerApproval.submission_round == period.submission_round,
        )
        .order_by(LedgerApproval.id)
    ).all()
    # Names as this reader may see them: in full to staff and committee, masked to owners.
    naming = naming_for(user, estate)
    for event in period.events:
        event.actor_name = naming.name(event.actor)
    for approval in period.approvals:
        approval.approver_name = naming.name(approval.user)
    # Balances as they stand: stored at publication, computed until then (never written
    # back: the period row is only changed by its transitions).
    opening, previous_published = (
        (period.opening_balance_fen, True) if period.is_published else opening_balance(period)
    )
    period.balances = {
        "opening": opening,
        "previous_published": previous_published,
        "closing": opening + period.income_total_fen - period.expense_total_fen,
    }
    return period


def _actions(user: User, period: LedgerPeriod, roles: set[str]) -> list[str]:
    status = period.status
    authors = {period.created_by_id, period.submitted_by_id}
    approver = bool(roles & set(APPROVER_ROLES)) and user.id not in authors
    actions = []
    if status == S.DRAFT and roles & set(PREPARER_ROLES):
        actions.append("submit")
    if status == S.SUBMITTED and approver:
        already = db.session.scalar(
            select(LedgerApproval.id).where(
                LedgerApproval.period_id == period.id,
                LedgerApproval.submission_round == period.submission_round,
                LedgerApproval.user_id == user.id,
            )
        )
        actions += ["return"] if already else ["approve", "return"]
    if status == S.COMMITTEE_APPROVED and roles & set(AUDITOR_ROLES):
        actions += ["audit", "return"]
    if status == S.AUDITED and roles & set(PUBLISHER_ROLES):
        actions.append("publish")
    return actions
