"""Request and response shapes for the ledger."""

import marshmallow as ma

from backend.access.roles import ROLE_LABELS
from backend.common.ids import IdField
from backend.common.money import Fen
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, BoundedDate, UtcDateTime, text_field
from backend.ledger.imports import COUNTERPARTY_MAX, DESCRIPTION_MAX
from backend.ledger.models import CATEGORIES, DIRECTION_LABELS, PeriodKind, PeriodStatus
from backend.ledger.periods import ACTION_LABELS
from backend.ledger.workflow import RETURN_REASON_MAX as REASON_MAX

QUESTION_MAX, ANSWER_MAX = 500, 2000
DATE_ERROR = "日期格式应为 2026-10-05"
ACTIONS = ("submit", "approve", "return", "audit", "publish")


def _one_of(values, error: str):
    return ma.validate.OneOf([str(v) for v in values], error=error)


class PeriodArgs(BaseSchema):
    kind = ma.fields.String(
        required=True, validate=_one_of(PeriodKind, "账期类型应为 month（月）或 quarter（季）")
    )
    start_date = BoundedDate(required=True, error_messages={"invalid": DATE_ERROR})


class PeriodListArgs(PageArgs):
    status = ma.fields.String(load_default=None, validate=_one_of(PeriodStatus, "未知的账期状态"))


class TransitionArgs(BaseSchema):
    action = ma.fields.String(
        required=True, validate=_one_of(ACTIONS, "操作应为 " + "、".join(ACTIONS))
    )
    reason = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=REASON_MAX, error=f"原因不能超过 {REASON_MAX} 个字"),
    )


class EntryArgs(BaseSchema):
    entry_date = BoundedDate(required=True, error_messages={"invalid": DATE_ERROR})
    direction = ma.fields.String(
        required=True, validate=_one_of(DIRECTION_LABELS, "收支应为 income 或 expense")
    )
    category = ma.fields.String(required=True, validate=_one_of(CATEGORIES, "未知的类别"))
    amount_fen = Fen(required=True)
    counterparty = text_field("往来单位", COUNTERPARTY_MAX, required=False)
    description = text_field("摘要", DESCRIPTION_MAX)
    reverses_entry_id = IdField(load_default=None, allow_none=True)


class EntryChangeArgs(EntryArgs):
    """The fields of an entry to change (use with partial=True)."""


class FileNameArgs(BaseSchema):
    # wx.uploadFile names the part after its temporary file (tmp_…pdf): the person's own
    # file name, as a file picked from a chat has it, comes as a form field.
    filename = ma.fields.String(
        load_default=None, validate=ma.validate.Length(max=200, error="文件名不能超过 200 个字")
    )


class QuestionArgs(BaseSchema):
    body = text_field("质询内容", QUESTION_MAX)
    entry_id = IdField(load_default=None, allow_none=True)


class AnswerArgs(BaseSchema):
    body = text_field("答复内容", ANSWER_MAX)


class PeriodSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    estate_id = ma.fields.Integer()
    kind = ma.fields.String()
    label = ma.fields.String()
    start_date = ma.fields.Date()
    end_date = ma.fields.Date(metadata={"description": "不含当日"})
    status = ma.fields.String()
    status_label = ma.fields.String()
    entry_count = ma.fields.Integer()
    income_total_fen = ma.fields.Integer()
    expense_total_fen = ma.fields.Integer()
    approvals_required = ma.fields.Integer()
    approval_count = ma.fields.Integer()
    submitted_at = UtcDateTime(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    head_hash = ma.fields.String(allow_none=True)


class PendingPeriodSchema(PeriodSummarySchema):
    estate_name = ma.fields.String()


class EventSchema(ma.Schema):
    action = ma.fields.String()
    action_label = ma.fields.Function(lambda e: ACTION_LABELS.get(e.action, e.action))
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    # actor_name: set by periods.with_detail for the reader (backend.accounts.naming).
    by = ma.fields.Function(lambda e: f"{e.actor_name}（{ROLE_LABELS.get(e.actor_role, '')}）")
    reason = ma.fields.String(allow_none=True)
    at = UtcDateTime(attribute="created_at")


class ApprovalSchema(ma.Schema):
    by = ma.fields.String(attribute="approver_name")
    at = UtcDateTime(attribute="created_at")


class PeriodDetailSchema(PeriodSummarySchema):
    opening_balance_fen = ma.fields.Function(lambda p: p.balances["opening"])
    closing_balance_fen = ma.fields.Function(lambda p: p.balances["closing"])
    # False while an earlier period is unpublished: the opening balance may still change.
    previous_published = ma.fields.Function(
        lambda p: p.balances["previous_published"], metadata={"type": "boolean"}
    )
    previous_hash = ma.fields.String(allow_none=True)
    chain_seq = ma.fields.Integer(allow_none=True)
    return_reason = ma.fields.String(allow_none=True)
    actions = ma.fields.List(ma.fields.String())
    approvals = ma.fields.List(ma.fields.Nested(ApprovalSchema))
    events = ma.fields.List(ma.fields.Nested(EventSchema))


class VoucherSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer(metadata={"description": "字节数"})
    sha256 = ma.fields.String()
    url = ma.fields.Function(lambda v: f"/api/v1/estates/{v.estate_id}/ledger/vouchers/{v.id}")


class EntrySchema(ma.Schema):
    id = ma.fields.Integer()
    period_id = ma.fields.Integer()
    entry_date = ma.fields.Date()
    direction = ma.fields.String()
    direction_label = ma.fields.String()
    category = ma.fields.String()
    category_label = ma.fields.String()
    amount_fen = ma.fields.Integer(
        metadata={"description": "分，总为正数；冲销分录（reverses_entry_id 非空）在合计中按负数计"}
    )
    counterparty = ma.fields.String()
    description = ma.fields.String()
    reverses_entry_id = ma.fields.Integer(allow_none=True)
    reversed_by_entry_id = ma.fields.Integer(allow_none=True)
    voucher_count = ma.fields.Integer()
    question_count = ma.fields.Integer()


class EntryDetailSchema(EntrySchema):
    vouchers = ma.fields.Method("_vouchers", allow_none=True)
    vouchers_hidden = ma.fields.Boolean()

    def _vouchers(self, entry):
        if entry.vouchers_hidden:
            return None
        return VoucherSchema(many=True).dump(entry.vouchers)


class CategoryTotalSchema(ma.Schema):
    direction = ma.fields.String()
    category = ma.fields.String()
    label = ma.fields.String()
    total_fen = ma.fields.Integer()
    previous_total_fen = ma.fields.Integer(allow_none=True)


class PreviousPeriodSchema(ma.Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()
    status = ma.fields.String()
    income_total_fen = ma.fields.Integer()
    expense_total_fen = ma.fields.Integer()
    closing_balance_fen = ma.fields.Integer(allow_none=True)


class StatementSchema(ma.Schema):
    period = ma.fields.Nested(PeriodSummarySchema)
    estate_name = ma.fields.String()
    opening_balance_fen = ma.fields.Integer()
    income_total_fen = ma.fields.Integer()
    expense_total_fen = ma.fields.Integer()
    closing_balance_fen = ma.fields.Integer()
    categories = ma.fields.List(ma.fields.Nested(CategoryTotalSchema))
    previous = ma.fields.Nested(PreviousPeriodSchema, allow_none=True)
    head_hash = ma.fields.String(allow_none=True)
    previous_hash = ma.fields.String(allow_none=True)


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer()
    period_id = ma.fields.Integer()
    entry_id = ma.fields.Integer(allow_none=True)
    body = ma.fields.String()
    asked_by = ma.fields.String(attribute="asked_by_label")
    asked_at = UtcDateTime()
    answer = ma.fields.String(allow_none=True)
    answered_by = ma.fields.String(attribute="answered_by_label", allow_none=True)
    answered_at = UtcDateTime(allow_none=True)
    overdue = ma.fields.Boolean()
    can_answer = ma.fields.Boolean()


class BrokenLinkSchema(ma.Schema):
    period_id = ma.fields.Integer()
    label = ma.fields.String()
    reason = ma.fields.String()


class VerifySchema(ma.Schema):
    ok = ma.fields.Boolean()
    periods_checked = ma.fields.Integer()
    head_hash = ma.fields.String(allow_none=True)
    broken = ma.fields.Nested(BrokenLinkSchema, allow_none=True)


class EntryImportResultSchema(ma.Schema):
    imported = ma.fields.Integer()
