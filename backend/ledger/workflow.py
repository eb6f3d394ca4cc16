"""A period's way to publication: draft → submitted → committee_approved → audited →
published, or back to draft with a reason; and the queues of periods waiting for an approver
or an auditor."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.pagination import Page, paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, InvalidTransition, ValidationFailed
from backend.extensions import db
from backend.group_chats.audience import active_groups
from backend.ledger import chain, subscribe_sends
from backend.ledger.access import (
    APPROVER_ROLES,
    AUDITOR_ROLES,
    PREPARER_ROLES,
    PUBLISHER_ROLES,
    period_for,
    require_role,
)
from backend.ledger.models import LedgerApproval, LedgerPeriod
from backend.ledger.models import PeriodStatus as S
from backend.ledger.periods import flush_or_conflict, record_event, with_detail
from backend.ledger.statements import chain_entries, period_document
from backend.outbox import services as outbox
from backend.places.models import Estate

PUBLISHED_TOPIC = "ledger.published"
RETURN_REASON_MAX = 200


@unit_of_work
def transition(user: User, estate_id: int, period_id: int, action: str, reason=None):
    """Move a period one step along draft → submitted → committee_approved → audited →
    published, or back to draft with a reason. The period row is locked for the decision and
    its version checked at flush, so concurrent approvals are counted exactly once each.
    """
    reason = reason.strip() if reason else None
    estate, period, roles = period_for(user, estate_id, period_id, lock=True)
    step = {
        "submit": _submit,
        "approve": _approve,
        "return": _return,
        "audit": _audit,
        "publish": _publish,
    }[action]
    before = period.status
    role = step(user, estate, period, roles, reason)
    record_event(period, action, before, user, role, reason)
    flush_or_conflict()
    subscribe_sends.period_moved(period, action)
    return with_detail(user, estate, period, roles)


def _expect(period: LedgerPeriod, *statuses: str, message: str):
    if period.status not in statuses:
        raise InvalidTransition(f"{message}（当前状态：{period.status_label}）")


def _submit(user, estate, period, roles, reason):
    role = require_role(roles, PREPARER_ROLES, "只有业委会或物业可以提交账目")
    _expect(period, S.DRAFT, message="只有草稿可以提交")
    period.status = S.SUBMITTED
    period.submission_round += 1
    period.submitted_by_id = user.id
    period.submitted_at = utcnow()
    period.approval_count = 0
    period.return_reason = None
    return role


def _approve(user, estate, period, roles, reason):
    role = require_role(roles, APPROVER_ROLES, "只有业委会委员可以审批账目")
    _expect(period, S.SUBMITTED, message="该账期不在待审批状态")
    if user.id in (period.created_by_id, period.submitted_by_id):
        raise Forbidden("账目编制人或提交人不能审批自己的账目")
    try:
        with db.session.begin_nested():
            db.session.add(
                LedgerApproval(
                    period_id=period.id,
                    submission_round=period.submission_round,
                    user_id=user.id,
                )
            )
    except IntegrityError:
        raise InvalidTransition("您已审批过本次提交") from None
    period.approval_count += 1
    if period.approval_count >= period.approvals_required:
        period.status = S.COMMITTEE_APPROVED
    return role


def _return(user, estate, period, roles, reason):
    if not reason:
        raise ValidationFailed("退回时请填写原因", fields={"reason": ["请填写退回原因"]})
    if len(reason) > RETURN_REASON_MAX:
        message = f"退回原因不能超过 {RETURN_REASON_MAX} 个字"
        raise ValidationFailed(message, fields={"reason": [message]})
    if period.status == S.COMMITTEE_APPROVED:
        role = require_role(roles, AUDITOR_ROLES, "只有社区业账监管员可以退回已审批的账目")
    elif period.status == S.SUBMITTED:
        role = require_role(roles, APPROVER_ROLES, "只有业委会委员可以退回待审批的账目")
        if user.id in (period.created_by_id, period.submitted_by_id):
            raise Forbidden("账目编制人或提交人不能审批自己的账目")
    else:
        require_role(roles, (*APPROVER_ROLES, *AUDITOR_ROLES), "您无权退回账目")
        raise InvalidTransition(f"该账期不能退回（当前状态：{period.status_label}）")
    period.status = S.DRAFT
    period.return_reason = reason
    period.approval_count = 0
    return role


def _audit(user, estate, period, roles, reason):
    role = require_role(roles, AUDITOR_ROLES, "只有社区业账监管员可以审核账目")
    _expect(period, S.COMMITTEE_APPROVED, message="该账期尚未通过业委会审批")
    period.status = S.AUDITED
    return role


def _publish(user, estate, period, roles, reason):
    role = require_role(roles, PUBLISHER_ROLES, "只有业委会或社区可以公示账目")
    _expect(period, S.AUDITED, message="账目须经社区审核后才能公示")
    # Publications of one estate are serialized: each takes the head the previous one left.
    db.session.scalar(select(Estate.id).where(Estate.id == estate.id).with_for_update())
    earlier = db.session.scalar(
        select(LedgerPeriod.label)
        .where(
            LedgerPeriod.estate_id == estate.id,
            LedgerPeriod.status != S.PUBLISHED,
            LedgerPeriod.start_date < period.start_date,
        )
        .order_by(LedgerPeriod.start_date)
        .limit(1)
    )
    if earlier:
        raise InvalidTransition(f"请先公示更早的账期（{earlier}）")
    head = db.session.scalar(
        select(LedgerPeriod)
        .where(LedgerPeriod.estate_id == estate.id, LedgerPeriod.status == S.PUBLISHED)
        .order_by(LedgerPeriod.chain_seq.desc())
        .limit(1)
    )
    opening = head.closing_balance_fen if head else 0
    document = period_document(period, opening, chain_entries(estate.id, [period.id])[period.id])
    period.opening_balance_fen = opening
    period.closing_balance_fen = document["closing_balance_fen"]
    period.category_totals_fen = document["categories"]
    period.chain_seq = (head.chain_seq if head else 0) + 1
    period.previous_hash = head.head_hash if head else chain.GENESIS
    period.head_hash = chain.link_hash(period.previous_hash, document)
    period.status = S.PUBLISHED
    period.published_at = utcnow()
    period.published_by_id = user.id
    outbox.add_for_groups(PUBLISHED_TOPIC, period.id, active_groups([estate.id]))
    return role


def pending_approvals(user: User, page: int, page_size: int) -> Page:
    """Submitted periods of the user's estates that the user may still approve."""
    estates = visible_estates(user, APPROVER_ROLES).with_only_columns(Estate.id)
    approved = select(LedgerApproval.id).where(
        LedgerApproval.period_id == LedgerPeriod.id,
        LedgerApproval.submission_round == LedgerPeriod.submission_round,
        LedgerApproval.user_id == user.id,
    )
    query = (
        select(LedgerPeriod)
        .where(
            LedgerPeriod.status == S.SUBMITTED,
            LedgerPeriod.estate_id.in_(estates),
            LedgerPeriod.created_by_id != user.id,
            LedgerPeriod.submitted_by_id != user.id,
            ~approved.exists(),
        )
        .order_by(LedgerPeriod.submitted_at, LedgerPeriod.id)
    )
    return _with_estate_names(paginate(query, page, page_size))


def audit_queue(user: User, page: int, page_size: int) -> Page:
    """Periods approved by their committee and waiting for this auditor, oldest first."""
    estates = visible_estates(user, AUDITOR_ROLES).with_only_columns(Estate.id)
    query = (
        select(LedgerPeriod)
        .where(LedgerPeriod.status == S.COMMITTEE_APPROVED, LedgerPeriod.estate_id.in_(estates))
        .order_by(LedgerPeriod.submitted_at, LedgerPeriod.id)
    )
    return _with_estate_names(paginate(query, page, page_size))


def _with_estate_names(page: Page) -> Page:
    names = dict(
        db.session.execute(
            select(Estate.id, Estate.name).where(Estate.id.in_({p.estate_id for p in page.items}))
        ).all()
    )
    for period in page.items:
        period.estate_name = names[period.estate_id]
    return page
