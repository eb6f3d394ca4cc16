"""Request and response shapes for the maintenance fund and its repair projects."""

import marshmallow as ma

from backend.common.ids import MAX_ID, IdField
from backend.common.money import Fen
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, BoundedDate, JsonBoolean, UtcDateTime, text_field
from backend.funds.models import (
    CATEGORIES,
    ApprovalPath,
    DocumentKind,
    ProjectStatus,
    SignOffKind,
)
from backend.funds.workflow import ACTIONS

DATE_ERROR = "日期格式应为 2026-10-05"
TITLE_MAX, SCOPE_MAX, NOTE_MAX, REASON_MAX = 100, 5000, 1000, 500
MAX_BUILDINGS, MAX_UNITS, MAX_VOUCHERS = 200, 5000, 20


def _one_of(values, error: str):
    return ma.validate.OneOf([str(v) for v in values], error=error)


def _ids(max_items: int, label: str, required: bool = False) -> ma.fields.List:
    rules = [ma.validate.Length(max=max_items, error=f"最多 {max_items} 个{label}")]
    if required:
        rules = [
            ma.validate.Length(min=1, max=max_items, error=f"请选择 1 至 {max_items} 个{label}")
        ]
    return ma.fields.List(
        IdField(), required=required, validate=rules, **({} if required else {"load_default": list})
    )


# -- fund --------------------------------------------------------------------------------


class FundMovementListArgs(PageArgs, BaseSchema):
    # A query string's values are text: not the strict IdField of JSON bodies.
    building_id = ma.fields.Integer(
        load_default=None, validate=ma.validate.Range(min=1, max=MAX_ID, error="编号无效")
    )


class FundBuildingSchema(ma.Schema):
    building_id = ma.fields.Integer()
    name = ma.fields.String()
    unit_count = ma.fields.Integer()
    area_dm2 = ma.fields.Integer(metadata={"description": "面积，单位 0.01 平方米"})
    balance_fen = ma.fields.Integer()


class FundUnitSchema(ma.Schema):
    unit_id = ma.fields.Integer()
    label = ma.fields.String()
    building_id = ma.fields.Integer()
    area_dm2 = ma.fields.Integer()
    balance_fen = ma.fields.Integer()


class FundSchema(ma.Schema):
    estate_id = ma.fields.Integer()
    estate_name = ma.fields.String()
    exists = ma.fields.Boolean()
    balance_fen = ma.fields.Integer()
    chain_length = ma.fields.Integer()
    head_hash = ma.fields.String(allow_none=True)
    buildings = ma.fields.List(ma.fields.Nested(FundBuildingSchema))
    my_units = ma.fields.List(ma.fields.Nested(FundUnitSchema))


class FundMovementSchema(ma.Schema):
    id = ma.fields.Integer(attribute="movement.id")
    kind = ma.fields.String(attribute="movement.kind")
    kind_label = ma.fields.String(attribute="movement.kind_label")
    occurred_on = ma.fields.Date(attribute="movement.occurred_on")
    amount_fen = ma.fields.Integer(attribute="movement.amount_fen")
    building_id = ma.fields.Integer(attribute="movement.building_id", allow_none=True)
    building_name = ma.fields.String(allow_none=True)
    unit_id = ma.fields.Integer(attribute="movement.unit_id", allow_none=True)
    unit_label = ma.fields.String(allow_none=True)
    description = ma.fields.String(attribute="movement.description")
    project_id = ma.fields.Integer(attribute="movement.project_id", allow_none=True)
    chain_seq = ma.fields.Integer(attribute="movement.chain_seq")
    hash = ma.fields.String(attribute="movement.hash")
    previous_hash = ma.fields.String(attribute="movement.previous_hash")
    my_amount_fen = ma.fields.Integer(allow_none=True)


class FundImportResultSchema(ma.Schema):
    imported = ma.fields.Integer()
    total_fen = ma.fields.Integer()
    fund = ma.fields.Nested(FundSchema)


class FundBrokenLinkSchema(ma.Schema):
    movement_id = ma.fields.Integer(allow_none=True)
    chain_seq = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String()


class FundVerifySchema(ma.Schema):
    ok = ma.fields.Boolean()
    links_checked = ma.fields.Integer()
    head_hash = ma.fields.String(allow_none=True)
    broken = ma.fields.Nested(FundBrokenLinkSchema, allow_none=True)


# -- projects: arguments -------------------------------------------------------------------


class RepairProjectArgs(BaseSchema):
    title = text_field("项目名称", TITLE_MAX)
    scope = text_field("维修范围", SCOPE_MAX)
    category = ma.fields.String(required=True, validate=_one_of(CATEGORIES, "未知的维修类别"))
    path = ma.fields.String(
        required=True,
        validate=_one_of(ApprovalPath, "批准方式应为 vote（业主表决）或 emergency（应急维修）"),
    )
    budget_fen = Fen(required=True)
    building_ids = _ids(MAX_BUILDINGS, "楼栋", required=True)
    unit_ids = _ids(MAX_UNITS, "房屋")


class RepairProjectChangeArgs(RepairProjectArgs):
    """The fields of a project to change (use with partial=True)."""


class RepairProjectListArgs(PageArgs, BaseSchema):
    status = ma.fields.String(load_default=None, validate=_one_of(ProjectStatus, "未知的项目状态"))


class RepairQuoteArgs(BaseSchema):
    contractor = text_field("报价单位", 100)
    amount_fen = Fen(required=True)
    note = text_field("说明", REASON_MAX, required=False)


class RepairChooseArgs(BaseSchema):
    reason = text_field("选定理由", REASON_MAX)


class RepairProjectTransitionArgs(BaseSchema):
    action = ma.fields.String(
        required=True, validate=_one_of(ACTIONS, "操作应为 " + "、".join(ACTIONS))
    )
    note = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=NOTE_MAX, error=f"意见不能超过 {NOTE_MAX} 个字"),
    )


class RepairCiteMotionArgs(BaseSchema):
    motion_id = IdField(required=True)


class RepairSignOffArgs(BaseSchema):
    kind = ma.fields.String(
        required=True,
        validate=_one_of(SignOffKind, "签批单位应为 committee、community 或 township"),
    )
    note = text_field("签批意见", REASON_MAX, required=False)


class RepairBudgetArgs(BaseSchema):
    budget_fen = Fen(required=True)
    reason = text_field("调整原因", REASON_MAX)


class RepairDocumentFormArgs(BaseSchema):
    kind = ma.fields.String(required=True, validate=_one_of(DocumentKind, "未知的资料类型"))
    caption = text_field("说明", 200, required=False)
    filename = ma.fields.String(
        load_default="", validate=ma.validate.Length(max=120, error="文件名不能超过 120 个字")
    )


class RepairPaymentArgs(BaseSchema):
    amount_fen = Fen(required=True)
    paid_on = BoundedDate(required=True, error_messages={"invalid": DATE_ERROR})
    payee = text_field("收款单位", 100)
    voucher_ids = _ids(MAX_VOUCHERS, "凭证", required=True)
    final = JsonBoolean(load_default=True)
    overdraft_reason = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=REASON_MAX, error=f"理由不能超过 {REASON_MAX} 个字"),
    )


class RepairRatingArgs(BaseSchema):
    score = ma.fields.Integer(
        strict=True,
        required=True,
        validate=ma.validate.Range(min=1, max=5, error="评分应为 1 至 5 分"),
    )
    comment = text_field("评价", REASON_MAX, required=False)


# -- projects: responses -------------------------------------------------------------------


class RepairProjectSummarySchema(ma.Schema):
    id = ma.fields.Integer(attribute="project.id")
    title = ma.fields.String(attribute="project.title")
    category = ma.fields.String(attribute="project.category")
    category_label = ma.fields.String(attribute="project.category_label")
    path = ma.fields.String(attribute="project.path")
    path_label = ma.fields.String(attribute="project.path_label")
    status = ma.fields.String(attribute="project.status")
    status_label = ma.fields.String(attribute="project.status_label")
    budget_fen = ma.fields.Integer(attribute="project.budget_fen")
    paid_fen = ma.fields.Integer(attribute="project.paid_fen")
    motion_id = ma.fields.Integer(attribute="project.motion_id", allow_none=True)
    building_names = ma.fields.List(ma.fields.String())
    created_at = UtcDateTime(attribute="project.created_at")


class RepairQuoteSchema(ma.Schema):
    id = ma.fields.Integer()
    contractor = ma.fields.String()
    amount_fen = ma.fields.Integer()
    note = ma.fields.String()
    is_chosen = ma.fields.Boolean()


class RepairProjectBuildingSchema(ma.Schema):
    building_id = ma.fields.Integer()
    name = ma.fields.String()
    unit_count = ma.fields.Integer()
    area_dm2 = ma.fields.Integer()


class RepairMotionRefSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String()
    status_label = ma.fields.String()
    passed = ma.fields.Boolean(allow_none=True)
    building_ids = ma.fields.List(ma.fields.Integer(), allow_none=True)
    closes_at = UtcDateTime()


class RepairSignOffSchema(ma.Schema):
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    approval_round = ma.fields.Integer()
    user_name = ma.fields.String()
    role = ma.fields.String()
    note = ma.fields.String()
    signed_at = UtcDateTime()


class RepairDocumentSchema(ma.Schema):
    id = ma.fields.Integer(attribute="document.id")
    kind = ma.fields.String(attribute="document.kind")
    kind_label = ma.fields.String()
    caption = ma.fields.String(attribute="document.caption")
    filename = ma.fields.String(attribute="document.name")
    content_type = ma.fields.String(attribute="document.content_type")
    size = ma.fields.Integer(attribute="document.size", metadata={"description": "字节数"})
    payment_id = ma.fields.Integer(attribute="document.payment_id", allow_none=True)
    url = ma.fields.String()
    created_at = UtcDateTime(attribute="document.created_at")


class RepairAllocationSchema(ma.Schema):
    unit_id = ma.fields.Integer()
    label = ma.fields.String()
    area_dm2 = ma.fields.Integer()
    amount_fen = ma.fields.Integer(metadata={"description": "本次分摊（负数为支出）"})
    balance_after_fen = ma.fields.Integer(metadata={"description": "该房屋当前余额"})


class RepairPaymentSchema(ma.Schema):
    id = ma.fields.Integer(attribute="payment.id")
    amount_fen = ma.fields.Integer(attribute="payment.amount_fen")
    paid_on = ma.fields.Date(attribute="payment.paid_on")
    payee = ma.fields.String(attribute="payment.payee")
    movement_id = ma.fields.Integer(attribute="payment.movement_id")
    overdraft_reason = ma.fields.String(attribute="payment.overdraft_reason", allow_none=True)
    overdraft_units = ma.fields.List(
        ma.fields.Integer(), attribute="payment.overdraft_units", allow_none=True
    )
    hash = ma.fields.String()
    previous_hash = ma.fields.String()
    chain_seq = ma.fields.Integer()
    voucher_ids = ma.fields.List(ma.fields.Integer())
    allocations = ma.fields.List(ma.fields.Nested(RepairAllocationSchema))


class RepairRatingSummarySchema(ma.Schema):
    count = ma.fields.Integer()
    average = ma.fields.String(allow_none=True, metadata={"description": "一位小数，如 4.3"})
    open_until = UtcDateTime(allow_none=True)
    my_score = ma.fields.Integer(allow_none=True)
    can_rate = ma.fields.Boolean()


class RepairEventSchema(ma.Schema):
    action = ma.fields.String(attribute="event.action")
    action_label = ma.fields.String()
    from_status = ma.fields.String(attribute="event.from_status", allow_none=True)
    to_status = ma.fields.String(attribute="event.to_status")
    actor_name = ma.fields.String()
    actor_role = ma.fields.String(attribute="event.actor_role")
    note = ma.fields.String(attribute="event.note", allow_none=True)
    data = ma.fields.Dict(attribute="event.data")
    created_at = UtcDateTime(attribute="event.created_at")


def _p(name: str, field_class=ma.fields.String, **kwargs):
    return field_class(attribute=f"project.{name}", **kwargs)


class RepairProjectDetailSchema(ma.Schema):
    id = _p("id", ma.fields.Integer)
    estate_id = _p("estate_id", ma.fields.Integer)
    title = _p("title")
    scope = _p("scope")
    category = _p("category")
    category_label = _p("category_label")
    path = _p("path")
    path_label = _p("path_label")
    status = _p("status")
    status_label = _p("status_label")
    budget_fen = _p("budget_fen", ma.fields.Integer)
    approved_budget_fen = _p("approved_budget_fen", ma.fields.Integer, allow_none=True)
    paid_fen = _p("paid_fen", ma.fields.Integer)
    choice_reason = _p("choice_reason", allow_none=True)
    approval_round = _p("approval_round", ma.fields.Integer)
    owners_notice_due_on = _p("owners_notice_due_on", ma.fields.Date, allow_none=True)
    owners_notice_id = _p("owners_notice_id", ma.fields.Integer, allow_none=True)
    owners_told_at = _p("owners_told_at", UtcDateTime, allow_none=True)
    precheck_comment = _p("precheck_comment", allow_none=True)
    prechecked_at = _p("prechecked_at", UtcDateTime, allow_none=True)
    acceptance_note = _p("acceptance_note", allow_none=True)
    accepted_at = _p("accepted_at", UtcDateTime, allow_none=True)
    created_at = _p("created_at", UtcDateTime)
    submitted_at = _p("submitted_at", UtcDateTime, allow_none=True)
    authorised_at = _p("authorised_at", UtcDateTime, allow_none=True)
    started_at = _p("started_at", UtcDateTime, allow_none=True)
    paid_at = _p("paid_at", UtcDateTime, allow_none=True)
    prechecked_by_name = ma.fields.String(allow_none=True)
    accepted_by_name = ma.fields.String(allow_none=True)
    buildings = ma.fields.List(ma.fields.Nested(RepairProjectBuildingSchema))
    bearing_unit_count = ma.fields.Integer()
    bearing_area_dm2 = ma.fields.Integer()
    quotes = ma.fields.List(ma.fields.Nested(RepairQuoteSchema))
    quotes_required = ma.fields.Integer()
    motion = ma.fields.Nested(RepairMotionRefSchema, allow_none=True)
    sign_offs = ma.fields.List(ma.fields.Nested(RepairSignOffSchema))
    documents = ma.fields.List(ma.fields.Nested(RepairDocumentSchema))
    payments = ma.fields.List(ma.fields.Nested(RepairPaymentSchema))
    rating = ma.fields.Nested(RepairRatingSummarySchema)
    events = ma.fields.List(ma.fields.Nested(RepairEventSchema))
    actions = ma.fields.List(ma.fields.String())


class RepairRatingSchema(ma.Schema):
    score = ma.fields.Integer()
    comment = ma.fields.String()
    created_at = UtcDateTime()
