"""The community audit of estate accounts in the console: the audit queue with the owners'
overdue questions, one period as its auditor reads it, the audit transitions, and the
statement files."""

from math import ceil

import marshmallow as ma
from flask import current_app
from sqlalchemy import select

from backend.access.roles import ROLE_LABELS
from backend.access.scope import roles_on_estate
from backend.accounts.models import User
from backend.accounts.naming import staff_naming
from backend.common.clock import as_utc, local_text, utcnow
from backend.common.money import format_fen
from backend.common.text import excerpt
from backend.console.forms import page_arg
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.ledger import access, exports, periods, questions, statements, workflow
from backend.ledger.models import STATUS_LABELS as PERIOD_STATUS_LABELS
from backend.ledger.models import LedgerPeriod, LedgerVoucher, PeriodStatus
from backend.ledger.schemas import TransitionArgs
from backend.places.models import Estate

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


def _event_row(event) -> dict:
    role = event.actor_role
    return {
        "at": local_text(event.created_at),
        "action": periods.ACTION_LABELS.get(event.action, event.action),
        "from_status": PERIOD_STATUS_LABELS.get(event.from_status, "") if event.from_status else "",
        "to_status": PERIOD_STATUS_LABELS.get(event.to_status, event.to_status),
        "by": f"{staff_naming().name(event.actor)}（{ROLE_LABELS.get(role, role)}）",
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
    return workflow.transition(user, estate_id, period_id, **args)


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
