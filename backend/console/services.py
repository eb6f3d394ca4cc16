"""What the console shows a staff user: the estates they supervise, with their counts, one
estate's group chats and delivery log (with the actions taken from that page), and the
community audit of estate accounts (the queue, one period, its vouchers and statement files).
"""

from math import ceil

import marshmallow as ma
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.accounts.models import Claim, User
from backend.accounts.roles import ROLE_LABELS
from backend.accounts.scope import get_estate_for, roles_on_estate, visible_estates
from backend.common.clock import as_utc, local_text, utcnow
from backend.common.masking import mask_name
from backend.common.money import format_fen
from backend.common.pagination import Page, paginate
from backend.common.text import excerpt
from backend.console.forms import page_arg
from backend.errors import DomainError, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats import services as group_chats
from backend.group_chats.models import CHANNEL_LABELS, GroupChat
from backend.group_chats.schemas import GroupChatArgs
from backend.ledger import access, exports, periods, questions, statements, workflow
from backend.ledger.models import STATUS_LABELS as PERIOD_STATUS_LABELS
from backend.ledger.models import LedgerPeriod, LedgerVoucher, PeriodStatus
from backend.ledger.schemas import TransitionArgs
from backend.outbox import services as outbox
from backend.outbox.models import STATUS_LABELS, OutboxMessage, OutboxStatus
from backend.places.models import Community, Estate, Unit

LOG_PAGE_SIZE = 50
ERROR_PREVIEW_CHARS = 60
# Outbox topics in words; a topic missing here shows as its code rather than failing.
TOPIC_LABELS = {
    "notice.published": "公告发布",
    "notice.withdrawn": "公告撤回",
    "ledger.published": "账目公示",
    "ticket.escalations": "工单升级汇总",
    "ticket.weekly": "工单周报",
    "ticket.escalated": "工单升级提醒",
    "ticket.assigned": "工单转办",
    "vote.announced": "表决公告",
    "vote.opened": "表决开始",
    "vote.closing": "表决即将截止",
    "vote.turnout": "投票进度",
    "vote.quorum": "达到法定人数",
    "vote.result": "表决结果",
    "vote.cancelled": "表决取消",
    "vote.card": "表决卡片",
    "register.reelection": "换届提醒",
}


def supervised_estates(user: User, q: str | None, page: int, page_size: int = 50) -> dict:
    """A page of estates in the staff user's scope, with unit and pending-claim counts
    fetched in two grouped queries (never one per estate)."""
    query = visible_estates(user).options(
        joinedload(Estate.community).joinedload(Community.township)
    )
    if q:
        query = query.where(Estate.name.contains(q.strip(), autoescape=True))
    result: Page = paginate(query.order_by(Estate.township_id, Estate.name), page, page_size)
    ids = [e.id for e in result.items]
    units = dict(
        db.session.execute(
            select(Unit.estate_id, func.count())
            .where(Unit.estate_id.in_(ids))
            .group_by(Unit.estate_id)
        ).all()
    )
    pending = dict(
        db.session.execute(
            select(Claim.estate_id, func.count())
            .where(Claim.estate_id.in_(ids), Claim.status == "pending")
            .group_by(Claim.estate_id)
        ).all()
    )
    return {
        "page": result,
        "rows": [
            {"estate": e, "units": units.get(e.id, 0), "pending_claims": pending.get(e.id, 0)}
            for e in result.items
        ],
    }


# -- one estate: group chats and delivery log ----------------------------------------------


def log_filter(status: str | None, page: int | None) -> tuple[str | None, int]:
    """A delivery-log filter from the query string: unknown statuses mean all rows."""
    return (status if status in STATUS_LABELS else None), page_arg(page)


def estate_page(user: User, estate_id: int, status: str | None = None, page: int = 1) -> dict:
    """The estate, its group chats and one page of its delivery log, newest first.

    Constant queries whatever the number of rows: groups in one query, log rows with their
    group joined, counts grouped by status.

    :raises NotFound: no such estate, or outside the user's scope.
    """
    estate = get_estate_for(user, estate_id)
    try:
        groups = [_group_row(group) for group in group_chats.list_for_estate(user, estate_id)]
    except Forbidden:
        groups = None  # sees the estate but holds no role that manages its group chats
    status, page = log_filter(status, page)
    log = outbox.delivery_log(estate_id, status, page, LOG_PAGE_SIZE)
    counts = outbox.status_counts(estate_id)
    return {
        "estate": estate,
        "groups": groups,
        "channels": CHANNEL_LABELS,
        "status": status,
        "counts": [
            {"status": str(s), "label": label, "count": counts.get(s, 0)}
            for s, label in STATUS_LABELS.items()
        ],
        "total": sum(counts.values()),
        "log": log,
        "pages": max(1, ceil(log.total / LOG_PAGE_SIZE)),
        "rows": [_log_row(message) for message in log.items],
        "can_requeue": outbox.can_requeue(user),
    }


def _group_row(group: GroupChat) -> dict:
    # Only what may be shown: the template never receives the address, so it cannot leak it.
    return {
        "id": group.id,
        "name": group.name,
        "channel": CHANNEL_LABELS.get(group.channel, group.channel),
        "address_hint": group.address_hint,
        "active": group.active,
    }


def _log_row(message: OutboxMessage) -> dict:
    group = message.group_chat
    error = message.last_error or ""
    if group is not None and group.address in error:
        error = error.replace(group.address, group.address_hint)  # should a sender echo it
    preview = error
    if len(error) > ERROR_PREVIEW_CHARS:
        preview = error[: ERROR_PREVIEW_CHARS - 1] + "…"
    return {
        "id": message.id,
        "created": local_text(message.created_at),
        "topic": TOPIC_LABELS.get(message.topic, message.topic),
        "target": group.name if group is not None else "个人消息",
        # The parts are cut on the first send; before that there is nothing to count.
        "parts": f"{message.parts_sent}/{message.parts_total}" if message.parts_total else "—",
        "status": message.status,
        "status_label": STATUS_LABELS.get(message.status, message.status),
        "attempts": message.attempts,
        "error": error,
        "error_preview": preview,
        "dead": message.status == OutboxStatus.DEAD,
    }


def rollback_on_failure(action):
    """Run ``action``; on a domain error drop what it left in the session, so the page
    re-rendered with the error shows the database as it is, not a half-applied change."""
    try:
        return action()
    except DomainError:
        db.session.rollback()
        raise


def add_group_chat(user: User, estate_id: int, form) -> GroupChat:
    """Register a group chat from the console form (name, channel, address).

    :raises ValidationFailed: a field is missing or malformed (messages per field).
    :raises Conflict: the address is registered already.
    :raises Forbidden: the user may not manage the estate's group chats.
    :raises NotFound: outside the user's scope.
    """
    fields = {key: form.get(key, "") for key in ("name", "channel", "address")}
    try:
        args = GroupChatArgs().load(fields)  # the API's own rules for name and channel
    except ma.ValidationError as exc:
        raise ValidationFailed(fields=exc.messages_dict) from exc
    return rollback_on_failure(lambda: group_chats.register(user, estate_id, **args))


def set_group_active(user: User, estate_id: int, group_id: int, active: str) -> GroupChat:
    """Switch a group chat on ("1") or off ("0"): the target state, so a double click is
    harmless.

    :raises NotFound: no such group in this estate, or outside the user's scope.
    :raises Forbidden: the user may not manage the estate's group chats.
    :raises ValidationFailed: ``active`` is neither "1" nor "0".
    """
    if active not in ("0", "1"):
        raise ValidationFailed("请选择启用或停用", fields={"active": ["应为 1 或 0"]})
    group = db.session.get(GroupChat, group_id)
    if group is None or group.estate_id != estate_id:
        raise NotFound("群聊不存在")
    return rollback_on_failure(lambda: group_chats.update(user, group_id, active=active == "1"))


def requeue_delivery(user: User, estate_id: int, outbox_id: int) -> OutboxMessage:
    """Give a dead delivery of this estate a fresh set of tries (admins only).

    :raises NotFound: the estate is outside the user's scope, or the row is not its.
    :raises Forbidden: not an admin.
    :raises InvalidTransition: the row is not dead.
    """
    get_estate_for(user, estate_id)
    # The row must be this page's estate's, not just one the user may see.
    owner = db.session.scalar(select(OutboxMessage.estate_id).where(OutboxMessage.id == outbox_id))
    if owner != estate_id:
        raise NotFound("投递记录不存在")
    return rollback_on_failure(lambda: outbox.requeue(user, outbox_id))


# -- the ledger: the audit queue, one period, its vouchers and statement files ---------------

QUEUE_PAGE_SIZE = 20
QUESTION_PREVIEW_CHARS = 40
# What the console lets a period's reader do to it: the community's audit. Committee work
# (submit, approve) happens in the mini-program.
AUDIT_ACTIONS = ("audit", "return", "publish")
STATEMENT_FILES = {"xlsx": exports.XLSX_TYPE, "pdf": "application/pdf"}


def ledger_queue(user: User, page: int | None) -> dict:
    """One page of periods waiting for the user's audit, oldest first, and the owners'
    questions left unanswered too long in the estates the user oversees."""
    page = page_arg(page)
    queue = workflow.audit_queue(user, page, QUEUE_PAGE_SIZE)
    now = utcnow()
    return {
        "queue": queue,
        "pages": max(1, ceil(queue.total / QUEUE_PAGE_SIZE)),
        "rows": [_queue_row(period) for period in queue.items],
        "questions": [_question_row(q, now) for q in questions.overdue_questions(user)],
        "question_days": current_app.config["LEDGER_QUESTION_DAYS"],
    }


def _queue_row(period: LedgerPeriod) -> dict:
    return {
        "estate_id": period.estate_id,
        "period_id": period.id,
        "estate": period.estate_name,
        "label": period.label,
        "income": format_fen(period.income_total_fen),
        "expense": format_fen(period.expense_total_fen),
        "approvals": f"{period.approval_count}/{period.approvals_required}",
        "submitted": local_text(period.submitted_at),
    }


def _question_row(question, now) -> dict:
    return {
        "estate_id": question.estate_id,
        "period_id": question.period_id,
        "estate": question.estate_name,
        "label": question.period_label,
        "body": question.body,
        "preview": excerpt(question.body, QUESTION_PREVIEW_CHARS),
        "asked": local_text(question.asked_at),
        "days": (now - as_utc(question.asked_at)).days,
    }


def ledger_period_page(user: User, estate_id: int, period_id: int) -> dict:
    """A period as its auditor reads it: balances and category totals against the previous
    period, every entry with its vouchers, the event history and the audit actions open now.

    :raises NotFound: outside the user's scope, or a draft the user may not read.
    """
    period = periods.period_detail(user, estate_id, period_id)  # checks scope first
    statement = statements.statement(user, estate_id, period_id)
    entries = statements.statement_entries(period.id)
    estate = db.session.get(Estate, period.estate_id)
    sees_vouchers = bool(set(roles_on_estate(user, estate)) & set(access.VOUCHER_READER_ROLES))
    vouchers = _vouchers_by_entry([e.id for e in entries]) if sees_vouchers else {}
    previous = statement["previous"]
    return {
        "estate": estate,
        "period": period,
        "status_label": period.status_label,
        "returned": period.status == PeriodStatus.DRAFT and period.return_reason,
        "balances": [
            (label, format_fen(statement[key]))
            for label, key in (
                ("期初余额", "opening_balance_fen"),
                ("本期收入", "income_total_fen"),
                ("本期支出", "expense_total_fen"),
                ("期末余额", "closing_balance_fen"),
            )
        ],
        "approvals": f"{period.approval_count}/{period.approvals_required}",
        "previous_label": previous.label if previous else None,
        "previous_published": statement["previous_published"],
        "categories": [_category_row(row) for row in statement["categories"]],
        "entries": [_entry_row(entry, vouchers.get(entry.id, [])) for entry in entries],
        "sees_vouchers": sees_vouchers,
        "events": [_event_row(event) for event in period.events],
        "actions": [a for a in AUDIT_ACTIONS if a in period.actions],
        "head_hash": statement["head_hash"],
    }


def _category_row(row: dict) -> dict:
    previous = row["previous_total_fen"]
    return {
        "direction": "收入" if row["direction"] == "income" else "支出",
        "label": row["label"],
        "total": format_fen(row["total_fen"]),
        "previous": "—" if previous is None else format_fen(previous),
    }


def _vouchers_by_entry(entry_ids: list[int]) -> dict[int, list[dict]]:
    """Every voucher of the entries, in one query."""
    rows = db.session.scalars(
        select(LedgerVoucher)
        .where(LedgerVoucher.entry_id.in_(entry_ids))
        .order_by(LedgerVoucher.entry_id, LedgerVoucher.id)
    )
    result: dict[int, list[dict]] = {}
    for voucher in rows:
        result.setdefault(voucher.entry_id, []).append(
            {
                "id": voucher.id,
                "name": voucher.name,
                "is_image": voucher.content_type.startswith("image/"),
                "is_pdf": voucher.content_type == "application/pdf",
            }
        )
    return result


def _entry_row(entry, vouchers: list[dict]) -> dict:
    return {
        "id": entry.id,
        "date": entry.entry_date.isoformat(),
        "direction": entry.direction_label,
        "category": entry.category_label,
        # A reversal counts against what it reverses: shown as a negative amount.
        "amount": format_fen(entry.signed_amount_fen),
        "negative": entry.signed_amount_fen < 0,
        "reverses": entry.reverses_entry_id,
        "counterparty": entry.counterparty,
        "description": entry.description,
        "vouchers": vouchers,
    }


def _person(user: User) -> str:
    return mask_name(user.real_name) if user.real_name else (user.display_name or "用户")


def _event_row(event) -> dict:
    return {
        "at": local_text(event.created_at),
        "action": periods.ACTION_LABELS.get(event.action, event.action),
        "from_status": PERIOD_STATUS_LABELS.get(event.from_status, "") if event.from_status else "",
        "to_status": PERIOD_STATUS_LABELS.get(event.to_status, event.to_status),
        "by": f"{_person(event.actor)}（{ROLE_LABELS.get(event.actor_role, event.actor_role)}）",
        "reason": event.reason or "",
    }


def ledger_transition(user: User, estate_id: int, period_id: int, form) -> LedgerPeriod:
    """Audit a committee-approved period, or return it to draft with a reason (at most 200
    characters), from the console's forms.

    :raises ValidationFailed: not an audit action, a reason too long, or a return without one.
    :raises NotFound: outside the user's scope.
    :raises Forbidden: not the estate's auditor.
    :raises InvalidTransition: the period is not waiting for the audit.
    """
    action = form.get("action", "")
    if action not in AUDIT_ACTIONS:
        raise ValidationFailed(
            "请选择审核通过、退回或公示", fields={"action": ["应为审核通过、退回或公示"]}
        )
    fields = {"action": action}
    if action == "return":
        fields["reason"] = form.get("reason", "").strip()
    try:
        args = TransitionArgs().load(fields)  # the API's own rules for the reason
    except ma.ValidationError as exc:
        raise ValidationFailed(fields=exc.messages_dict) from exc
    return rollback_on_failure(lambda: workflow.transition(user, estate_id, period_id, **args))


def statement_file(user: User, estate_id: int, period_id: int, kind: str):
    """(bytes, content type, file name) of a period's statement as .xlsx or .pdf.

    :raises NotFound: outside the user's scope, or a draft the user may not read.
    :raises FontMissing: the PDF needs a Chinese font the server lacks.
    """
    statement = statements.statement(user, estate_id, period_id)  # checks scope first
    entries = statements.statement_entries(period_id)
    render = exports.to_xlsx if kind == "xlsx" else exports.to_pdf
    return (
        render(statement, entries),
        STATEMENT_FILES[kind],
        exports.file_name(statement, f".{kind}"),
    )
