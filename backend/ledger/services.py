"""Estate accounts: periods and entries prepared by the committee or property manager,
approved by the committee, audited by the community, published into the estate's hash chain,
and questioned by owners.

Who may do what (anyone outside the estate's scope gets 404, a member without the role 403,
the right person at the wrong moment 409):
- prepare (create periods, write entries and vouchers, submit): committee, property manager
- approve or return a submission: committee members other than whoever prepared or submitted it
- audit or return an approved period: the auditor of the estate's community
- publish an audited period: committee or auditor
- read drafts: preparers, approvers and auditors; everyone else sees published periods only
"""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from backend.access.roles import Role
from backend.access.scope import get_estate_for, roles_on_estate, visible_estates
from backend.accounts.models import User
from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.common.masking import mask_name
from backend.common.pagination import Page, paginate
from backend.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.ledger import chain, vouchers
from backend.ledger.models import (
    CATEGORIES,
    LedgerApproval,
    LedgerEntry,
    LedgerEvent,
    LedgerPeriod,
    LedgerQuestion,
    LedgerVoucher,
    PeriodKind,
)
from backend.ledger.models import PeriodStatus as S
from backend.outbox import services as outbox
from backend.places.models import Estate

PUBLISHED_TOPIC = "ledger.published"

PREPARER_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER, Role.PROPERTY_MANAGER)
APPROVER_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER)
AUDITOR_ROLES = (Role.AUDITOR,)
PUBLISHER_ROLES = (*APPROVER_ROLES, Role.AUDITOR)
ANSWER_ROLES = PREPARER_ROLES
DRAFT_READER_ROLES = (*PREPARER_ROLES, Role.AUDITOR)
# Vouchers carry names and amounts of third parties: verified owners and staff only.
VOUCHER_READER_ROLES = (
    Role.OWNER,
    *DRAFT_READER_ROLES,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
)
MAX_VOUCHERS_PER_ENTRY = 20
RETURN_REASON_MAX = 200

ACTION_LABELS = {
    "create": "新建账期",
    "submit": "提交审批",
    "approve": "业委会审批通过",
    "return": "退回修改",
    "audit": "社区审核通过",
    "publish": "公示",
}


# -- access ------------------------------------------------------------------------------


def _roles(user: User, estate: Estate) -> set[str]:
    return set(roles_on_estate(user, estate))


def _pick_role(roles: set[str], allowed) -> str | None:
    """The first of ``allowed`` (most specific first) that the user holds."""
    return next((r for r in allowed if r in roles), None)


def _require(roles: set[str], allowed, message: str) -> str:
    role = _pick_role(roles, allowed)
    if role is None:
        raise Forbidden(message)
    return role


def require_preparer(user: User, estate_id: int) -> str:
    """The role by which ``user`` prepares ``estate_id``'s accounts (404 / 403 otherwise)."""
    estate = get_estate_for(user, estate_id)
    return _require(_roles(user, estate), PREPARER_ROLES, "只有业委会或物业可以编制账目")


def _reads_drafts(roles: set[str]) -> bool:
    return bool(roles & set(DRAFT_READER_ROLES))


def _period(user: User, estate_id: int, period_id: int, lock: bool = False):
    """(estate, period, the user's roles on the estate) for a period the user may see.

    :raises NotFound: outside the user's scope, another estate's period, or a period not yet
        published asked for by someone who does not take part in preparing or checking it.
    """
    estate = get_estate_for(user, estate_id)
    query = select(LedgerPeriod).where(
        LedgerPeriod.id == period_id, LedgerPeriod.estate_id == estate.id
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    period = db.session.scalar(query)
    roles = _roles(user, estate)
    if period is None or (not period.is_published and not _reads_drafts(roles)):
        raise NotFound("账期不存在或您无权查看")
    return estate, period, roles


def _entry(user: User, estate_id: int, entry_id: int, lock: bool = False):
    entry = db.session.scalar(
        select(LedgerEntry).where(LedgerEntry.id == entry_id, LedgerEntry.estate_id == estate_id)
    )
    if entry is None:
        get_estate_for(user, estate_id)
        raise NotFound("分录不存在或您无权查看")
    estate, period, roles = _period(user, estate_id, entry.period_id, lock=lock)
    return estate, period, entry, roles


def _event(period: LedgerPeriod, action: str, before, user: User, role: str, reason=None):
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


def _commit():
    """Commit, turning a lost compare-and-set race into 409 rather than a 500."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict("账期刚被他人修改，请刷新后重试") from None


# -- periods -----------------------------------------------------------------------------


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
    _event(period, "create", None, user, role)
    _commit()
    return period


def list_periods(user: User, estate_id: int, status, page: int, page_size: int) -> Page:
    estate = get_estate_for(user, estate_id)
    query = select(LedgerPeriod).where(LedgerPeriod.estate_id == estate.id)
    if not _reads_drafts(_roles(user, estate)):
        query = query.where(LedgerPeriod.status == S.PUBLISHED)
    if status:
        query = query.where(LedgerPeriod.status == status)
    return paginate(query.order_by(LedgerPeriod.start_date.desc()), page, page_size)


def period_detail(user: User, estate_id: int, period_id: int) -> LedgerPeriod:
    estate, period, roles = _period(user, estate_id, period_id)
    return _with_detail(user, estate, period, roles)


def _with_detail(user, estate, period, roles) -> LedgerPeriod:
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
    # Balances as they stand: stored at publication, computed until then (never written
    # back: the period row is only changed by its transitions).
    opening, previous_published = (
        (period.opening_balance_fen, True) if period.is_published else _opening_balance(period)
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


def _opening_balance(period: LedgerPeriod) -> tuple[int, bool]:
    """The previous period's closing balance, whatever that period's status, and whether every
    earlier period is published (else the page says 上期尚未公示).

    An auditor signs off the opening balance with the rest: taking it from the last
    *published* period would change it once the month before is published. Publication goes
    in date order, so the periods after the last published one are the unpublished ones, and
    their net adds to its closing balance.
    """
    earlier = (
        LedgerPeriod.estate_id == period.estate_id,
        LedgerPeriod.start_date < period.start_date,
    )
    published = db.session.execute(
        select(LedgerPeriod.start_date, LedgerPeriod.closing_balance_fen)
        .where(*earlier, LedgerPeriod.status == S.PUBLISHED)
        .order_by(LedgerPeriod.start_date.desc())
        .limit(1)
    ).first()
    pending = [*earlier, LedgerPeriod.status != S.PUBLISHED]
    if published:
        pending.append(LedgerPeriod.start_date > published.start_date)
    count, net = db.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(LedgerPeriod.income_total_fen - LedgerPeriod.expense_total_fen), 0
            ),
        ).where(*pending)
    ).one()
    return (published.closing_balance_fen if published else 0) + int(net), count == 0


# -- transitions -------------------------------------------------------------------------


def transition(user: User, estate_id: int, period_id: int, action: str, reason=None):
    """Move a period one step along draft → submitted → committee_approved → audited →
    published, or back to draft with a reason. The period row is locked for the decision and
    its version checked at commit, so concurrent approvals are counted exactly once each.
    """
    reason = reason.strip() if reason else None
    estate, period, roles = _period(user, estate_id, period_id, lock=True)
    step = {
        "submit": _submit,
        "approve": _approve,
        "return": _return,
        "audit": _audit,
        "publish": _publish,
    }[action]
    before = period.status
    role = step(user, estate, period, roles, reason)
    _event(period, action, before, user, role, reason)
    _commit()
    return _with_detail(user, estate, period, roles)


def _expect(period: LedgerPeriod, *statuses: str, message: str):
    if period.status not in statuses:
        raise InvalidTransition(f"{message}（当前状态：{period.status_label}）")


def _submit(user, estate, period, roles, reason):
    role = _require(roles, PREPARER_ROLES, "只有业委会或物业可以提交账目")
    _expect(period, S.DRAFT, message="只有草稿可以提交")
    period.status = S.SUBMITTED
    period.submission_round += 1
    period.submitted_by_id = user.id
    period.submitted_at = utcnow()
    period.approval_count = 0
    period.return_reason = None
    return role


def _approve(user, estate, period, roles, reason):
    role = _require(roles, APPROVER_ROLES, "只有业委会委员可以审批账目")
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
        role = _require(roles, AUDITOR_ROLES, "只有社区业账监管员可以退回已审批的账目")
    elif period.status == S.SUBMITTED:
        role = _require(roles, APPROVER_ROLES, "只有业委会委员可以退回待审批的账目")
        if user.id in (period.created_by_id, period.submitted_by_id):
            raise Forbidden("账目编制人或提交人不能审批自己的账目")
    else:
        _require(roles, (*APPROVER_ROLES, *AUDITOR_ROLES), "您无权退回账目")
        raise InvalidTransition(f"该账期不能退回（当前状态：{period.status_label}）")
    period.status = S.DRAFT
    period.return_reason = reason
    period.approval_count = 0
    return role


def _audit(user, estate, period, roles, reason):
    role = _require(roles, AUDITOR_ROLES, "只有社区业账监管员可以审核账目")
    _expect(period, S.COMMITTEE_APPROVED, message="该账期尚未通过业委会审批")
    period.status = S.AUDITED
    return role


def _publish(user, estate, period, roles, reason):
    role = _require(roles, PUBLISHER_ROLES, "只有业委会或社区可以公示账目")
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
    document = _document(period, opening, _chain_entries(estate.id, [period.id])[period.id])
    period.opening_balance_fen = opening
    period.closing_balance_fen = document["closing_balance_fen"]
    period.chain_seq = (head.chain_seq if head else 0) + 1
    period.previous_hash = head.head_hash if head else chain.GENESIS
    period.head_hash = chain.link_hash(period.previous_hash, document)
    period.status = S.PUBLISHED
    period.published_at = utcnow()
    period.published_by_id = user.id
    groups = db.session.scalars(
        select(GroupChat)
        .where(GroupChat.estate_id == estate.id, GroupChat.active.is_(True))
        .order_by(GroupChat.id)
    ).all()
    outbox.add_for_groups(PUBLISHED_TOPIC, period.id, groups)
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


# -- entries -----------------------------------------------------------------------------


def _editable(user: User, estate_id: int, period_id: int):
    """The draft period, locked, and the role by which the user may change it."""
    _estate, period, roles = _period(user, estate_id, period_id, lock=True)
    return period, _require_draft(period, roles)


def _editable_entry(user: User, estate_id: int, entry_id: int):
    """(period, entry) of an entry the user may change; the period row is locked."""
    _estate, period, entry, roles = _entry(user, estate_id, entry_id, lock=True)
    _require_draft(period, roles)
    return period, entry


def _require_draft(period: LedgerPeriod, roles: set[str]) -> str:
    role = _require(roles, PREPARER_ROLES, "只有业委会或物业可以编制账目")
    if period.status != S.DRAFT:
        raise InvalidTransition(
            "账期已提交或公示，不能修改；已公示的账目请在之后的账期中冲销"
            if period.is_published
            else f"账期{period.status_label}，请退回草稿后再修改"
        )
    return role


def _check_entry(period: LedgerPeriod, values: dict) -> dict:
    """Validate one entry's fields against its period; returns them ready to store.

    :raises ValidationFailed: with the offending fields.
    """
    errors = {}
    if not period.start_date <= values["entry_date"] < period.end_date:
        errors["entry_date"] = [f"日期应在账期（{period.label}）之内"]
    direction, _label = CATEGORIES.get(values["category"], (None, None))
    if direction is None:
        errors["category"] = ["未知的类别"]
    elif direction != values["direction"]:
        errors["category"] = ["类别与收支方向不符"]
    reverses_id = values.get("reverses_entry_id")
    if reverses_id:
        original = db.session.get(LedgerEntry, reverses_id)
        original_period = original and db.session.get(LedgerPeriod, original.period_id)
        if (
            original is None
            or original.estate_id != period.estate_id
            or not original_period.is_published
        ):
            errors["reverses_entry_id"] = ["只能冲销本小区已公示的分录"]
        elif original_period.end_date > period.start_date:
            errors["reverses_entry_id"] = ["冲销分录应记在原分录之后的账期"]
        elif original.reverses_entry_id:
            errors["reverses_entry_id"] = ["冲销分录不能再被冲销"]
        elif (original.direction, original.category, original.amount_fen) != (
            values["direction"],
            values["category"],
            values["amount_fen"],
        ):
            errors["reverses_entry_id"] = ["冲销分录的收支、类别和金额应与原分录一致"]
    if errors:
        raise ValidationFailed(fields=errors)
    return {
        **values,
        "counterparty": (values.get("counterparty") or "").strip(),
        "description": values["description"].strip(),
    }


def _refresh_totals(period: LedgerPeriod) -> None:
    signed = case(
        (LedgerEntry.reverses_entry_id.is_(None), LedgerEntry.amount_fen),
        else_=-LedgerEntry.amount_fen,
    )
    count, income, expense = db.session.execute(
        select(
            func.count(LedgerEntry.id),
            func.coalesce(func.sum(case((LedgerEntry.direction == "income", signed))), 0),
            func.coalesce(func.sum(case((LedgerEntry.direction == "expense", signed))), 0),
        ).where(LedgerEntry.period_id == period.id)
    ).one()
    period.entry_count, period.income_total_fen, period.expense_total_fen = count, income, expense


def _store_entries(user: User, period: LedgerPeriod, rows: list[dict]) -> list[LedgerEntry]:
    entries = [
        LedgerEntry(estate_id=period.estate_id, period_id=period.id, created_by_id=user.id, **row)
        for row in rows
    ]
    db.session.add_all(entries)
    db.session.flush()
    _refresh_totals(period)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("原分录已被冲销过") from None
    except StaleDataError:
        db.session.rollback()
        raise Conflict("账期刚被他人修改，请刷新后重试") from None
    return entries


def add_entry(user: User, estate_id: int, period_id: int, values: dict) -> LedgerEntry:
    period, _role = _editable(user, estate_id, period_id)
    if values.get("reverses_entry_id") and db.session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.reverses_entry_id == values["reverses_entry_id"])
    ):
        raise Conflict("原分录已被冲销过")
    (entry,) = _store_entries(user, period, [_check_entry(period, values)])
    return _entry_with_counts(entry)


def import_entries(user: User, estate_id: int, period_id: int, stream) -> dict:
    """Add every row of an .xlsx sheet, or none: any bad row fails the whole import."""
    from backend.ledger import imports

    period, _role = _editable(user, estate_id, period_id)
    rows, errors = imports.read_rows(stream)
    checked = []
    for line, values in rows:
        try:
            checked.append(_check_entry(period, values))
        except ValidationFailed as error:
            errors[str(line)] = [m for ms in error.fields.values() for m in ms]
    if errors:
        raise ValidationFailed(
            f"表格中有 {len(errors)} 行有误，未导入任何分录，请修改后重新上传",
            fields={"rows": errors},
        )
    if not checked:
        raise ValidationFailed("表格中没有分录", fields={"file": ["表格中没有分录"]})
    _store_entries(user, period, checked)
    return {"imported": len(checked)}


def update_entry(user: User, estate_id: int, entry_id: int, changes: dict) -> LedgerEntry:
    period, entry = _editable_entry(user, estate_id, entry_id)
    current = {
        k: getattr(entry, k)
        for k in (
            "entry_date",
            "direction",
            "category",
            "amount_fen",
            "counterparty",
            "description",
            "reverses_entry_id",
        )
    }
    for key, value in _check_entry(period, {**current, **changes}).items():
        setattr(entry, key, value)
    db.session.flush()
    _refresh_totals(period)
    _commit()
    return _entry_with_counts(entry)


def delete_entry(user: User, estate_id: int, entry_id: int) -> None:
    period, entry = _editable_entry(user, estate_id, entry_id)
    db.session.execute(LedgerVoucher.__table__.delete().where(LedgerVoucher.entry_id == entry.id))
    db.session.delete(entry)
    db.session.flush()
    _refresh_totals(period)
    _commit()


def list_entries(user: User, estate_id: int, period_id: int, page: int, page_size: int) -> Page:
    _estate, period, _roles = _period(user, estate_id, period_id)
    query = (
        select(LedgerEntry)
        .where(LedgerEntry.period_id == period.id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    result = paginate(query, page, page_size)
    _add_counts(result.items)
    return result


def _add_counts(entries: list[LedgerEntry]) -> None:
    """voucher_count, question_count and reversed_by_entry_id for a page, in three queries."""
    ids = [e.id for e in entries]

    def counts(model, column):
        rows = db.session.execute(
            select(column, func.count()).where(column.in_(ids)).group_by(column)
        )
        return dict(rows.all())

    voucher_counts = counts(LedgerVoucher, LedgerVoucher.entry_id)
    question_counts = counts(LedgerQuestion, LedgerQuestion.entry_id)
    reversed_by = dict(
        db.session.execute(
            select(LedgerEntry.reverses_entry_id, LedgerEntry.id).where(
                LedgerEntry.reverses_entry_id.in_(ids)
            )
        ).all()
    )
    for entry in entries:
        entry.voucher_count = voucher_counts.get(entry.id, 0)
        entry.question_count = question_counts.get(entry.id, 0)
        entry.reversed_by_entry_id = reversed_by.get(entry.id)


def _entry_with_counts(entry: LedgerEntry) -> LedgerEntry:
    _add_counts([entry])
    return entry


def entry_detail(user: User, estate_id: int, entry_id: int) -> LedgerEntry:
    _estate, _period, entry, roles = _entry(user, estate_id, entry_id)
    _add_counts([entry])
    entry.vouchers_hidden = not roles & set(VOUCHER_READER_ROLES)
    return entry


# -- vouchers ----------------------------------------------------------------------------


def upload_voucher(user: User, estate_id: int, entry_id: int, filename, data) -> LedgerVoucher:
    _period_row, entry = _editable_entry(user, estate_id, entry_id)
    count = db.session.scalar(
        select(func.count()).select_from(LedgerVoucher).where(LedgerVoucher.entry_id == entry.id)
    )
    if count >= MAX_VOUCHERS_PER_ENTRY:
        raise ValidationFailed(f"每笔分录最多 {MAX_VOUCHERS_PER_ENTRY} 个凭证")
    voucher = LedgerVoucher(
        estate_id=entry.estate_id,
        entry_id=entry.id,
        uploaded_by_id=user.id,
        **vouchers.keep(filename, data),
    )
    db.session.add(voucher)
    db.session.commit()
    return voucher


def voucher(user: User, estate_id: int, voucher_id: int) -> LedgerVoucher:
    """A voucher of an entry the user may see, if the user may see vouchers at all."""
    row = db.session.scalar(
        select(LedgerVoucher).where(
            LedgerVoucher.id == voucher_id, LedgerVoucher.estate_id == estate_id
        )
    )
    if row is None:
        get_estate_for(user, estate_id)
        raise NotFound("凭证不存在")
    _estate, _period, _entry_row, roles = _entry(user, estate_id, row.entry_id)
    if not roles & set(VOUCHER_READER_ROLES):
        raise Forbidden("凭证仅对已认证业主和工作人员开放")
    return row


# -- statements and the chain ------------------------------------------------------------


def _chain_entries(estate_id: int, period_ids: list[int]) -> dict[int, list[chain.ChainEntry]]:
    """Every entry of the estate's periods, with its vouchers' digests: two queries in all."""
    digests: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(LedgerVoucher.entry_id, LedgerVoucher.sha256)
        .join(LedgerEntry, LedgerEntry.id == LedgerVoucher.entry_id)
        .where(LedgerVoucher.estate_id == estate_id, LedgerEntry.period_id.in_(period_ids))
    )
    for entry_id, digest in rows:
        digests.setdefault(entry_id, []).append(digest)
    result: dict[int, list[chain.ChainEntry]] = {pid: [] for pid in period_ids}
    entries = db.session.execute(
        select(
            LedgerEntry.period_id,
            LedgerEntry.id,
            LedgerEntry.entry_date,
            LedgerEntry.direction,
            LedgerEntry.category,
            LedgerEntry.amount_fen,
            LedgerEntry.counterparty,
            LedgerEntry.description,
            LedgerEntry.reverses_entry_id,
        ).where(LedgerEntry.period_id.in_(period_ids))
    )
    for period_id, eid, day, direction, category, amount, party, text, reverses in entries:
        result[period_id].append(
            chain.ChainEntry(
                eid,
                day.isoformat(),
                direction,
                category,
                amount,
                party,
                text,
                reverses,
                tuple(digests.get(eid, ())),
            )
        )
    return result


def _document(period: LedgerPeriod, opening: int, entries) -> dict:
    return chain.statement_document(
        period.estate_id,
        period.kind,
        period.start_date.isoformat(),
        period.end_date.isoformat(),
        opening,
        entries,
    )


def verify_chain(estate_id: int) -> dict:
    """Recompute every published statement from its rows and every link from the one before.

    The first period whose stored hashes do not match what its rows add up to is named.
    """
    periods = db.session.scalars(
        select(LedgerPeriod)
        .where(LedgerPeriod.estate_id == estate_id, LedgerPeriod.status == S.PUBLISHED)
        .order_by(LedgerPeriod.chain_seq)
    ).all()
    entries = _chain_entries(estate_id, [p.id for p in periods])
    previous_hash, opening = chain.GENESIS, 0
    for seq, period in enumerate(periods, start=1):
        document = _document(period, opening, entries[period.id])
        broken = None
        if period.chain_seq != seq or period.previous_hash != previous_hash:
            broken = "与上一期的哈希链接不符（账期被删除、替换或调换了顺序）"
        elif period.head_hash != chain.link_hash(previous_hash, document):
            broken = "账目内容与公示时不一致（金额、分录或凭证被改动）"
        elif period.opening_balance_fen != opening or (
            period.closing_balance_fen != document["closing_balance_fen"]
        ):
            broken = "期初或期末余额与分录不符"
        if broken:
            return {
                "ok": False,
                "periods_checked": seq,
                "head_hash": periods[-1].head_hash,
                "broken": {"period_id": period.id, "label": period.label, "reason": broken},
            }
        previous_hash, opening = period.head_hash, document["closing_balance_fen"]
    return {
        "ok": True,
        "periods_checked": len(periods),
        "head_hash": previous_hash if periods else None,
        "broken": None,
    }


def verify_for(user: User, estate_id: int) -> dict:
    get_estate_for(user, estate_id)
    return verify_chain(estate_id)


def statement(user: User, estate_id: int, period_id: int) -> dict:
    """Totals by category, balances and the comparison with the previous period."""
    estate, period, roles = _period(user, estate_id, period_id)
    by_category = _category_totals(period.id)
    previous = db.session.scalar(
        select(LedgerPeriod)
        .where(
            LedgerPeriod.estate_id == estate.id,
            LedgerPeriod.start_date < period.start_date,
            *([] if _reads_drafts(roles) else [LedgerPeriod.status == S.PUBLISHED]),
        )
        .order_by(LedgerPeriod.start_date.desc())
        .limit(1)
    )
    previous_totals = _category_totals(previous.id) if previous else None
    opening, previous_published = (
        (period.opening_balance_fen, True) if period.is_published else _opening_balance(period)
    )
    income, expense = period.income_total_fen, period.expense_total_fen
    return {
        "period": period,
        "estate_name": estate.name,
        "opening_balance_fen": opening,
        "previous_published": previous_published,
        "income_total_fen": income,
        "expense_total_fen": expense,
        "closing_balance_fen": opening + income - expense,
        "categories": [
            {
                "direction": direction,
                "category": category,
                "label": label,
                "total_fen": by_category[category],
                "previous_total_fen": previous_totals[category] if previous_totals else None,
            }
            for category, (direction, label) in CATEGORIES.items()
        ],
        "previous": previous,
        "head_hash": period.head_hash,
        "previous_hash": period.previous_hash,
    }


def _category_totals(period_id: int) -> dict[str, int]:
    signed = case(
        (LedgerEntry.reverses_entry_id.is_(None), LedgerEntry.amount_fen),
        else_=-LedgerEntry.amount_fen,
    )
    rows = db.session.execute(
        select(LedgerEntry.category, func.sum(signed))
        .where(LedgerEntry.period_id == period_id)
        .group_by(LedgerEntry.category)
    )
    return {**dict.fromkeys(CATEGORIES, 0), **{k: int(v) for k, v in rows}}


def statement_entries(period_id: int) -> list[LedgerEntry]:
    """Every entry of a period in statement order (for exports of a period already checked)."""
    return db.session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.period_id == period_id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    ).all()


# -- questions ---------------------------------------------------------------------------


def _question_days() -> int:
    return current_app.config["LEDGER_QUESTION_DAYS"]


def ask(user: User, estate_id: int, period_id: int, body: str, entry_id=None) -> LedgerQuestion:
    estate, period, roles = _period(user, estate_id, period_id)
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
    db.session.commit()
    return _with_flags(user, roles, [question])[0]


def answer(user: User, estate_id: int, question_id: int, body: str) -> LedgerQuestion:
    question = db.session.scalar(
        select(LedgerQuestion)
        .where(LedgerQuestion.id == question_id, LedgerQuestion.estate_id == estate_id)
        .with_for_update()
    )
    if question is None:
        get_estate_for(user, estate_id)
        raise NotFound("质询不存在")
    estate, _period_row, roles = _period(user, estate_id, question.period_id)
    role = _require(roles, ANSWER_ROLES, "只有业委会或物业可以答复质询")
    if question.answered_at is not None:
        raise InvalidTransition("该质询已答复")
    question.answer = body.strip()
    question.answered_by_id = user.id
    question.answered_by_label = (
        f"{estate.name}物业服务中心" if role == Role.PROPERTY_MANAGER else f"{estate.name}业委会"
    )
    question.answered_at = utcnow()
    db.session.commit()
    return _with_flags(user, roles, [question])[0]


def list_questions(user: User, estate_id: int, period_id: int, page: int, page_size: int):
    _estate, period, roles = _period(user, estate_id, period_id)
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
    names = _asker_names([q.asked_by_id for q in questions])
    for q in questions:
        q.overdue = q.answered_at is None and as_utc(q.asked_at) < deadline
        q.can_answer = can_answer and q.answered_at is None
        q.asked_by_label = names.get(q.asked_by_id, "业主")
    return questions


def _asker_names(user_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(User.id, User.real_name).where(User.id.in_(user_ids)))
    return {uid: f"业主{mask_name(name)}" if name else "业主" for uid, name in rows}


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
