"""Arguments and responses of the credit-penalty API."""

import marshmallow as ma

from backend.common.ids import IdField
from backend.common.masking import mask_name
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, BoundedDate, UtcDateTime, text_field
from backend.governance.credit.models import KIND_LABELS, MAX_POINTS

REASON_MAX, REVOKE_REASON_MAX, MANAGER_NAME_MAX = 500, 200, 32


class PenaltyArgs(BaseSchema):
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            list(KIND_LABELS), error="惩戒类型应为约谈、通报批评、信用扣分、项目经理清退或清出项目"
        ),
    )
    points = ma.fields.Integer(
        strict=True,
        load_default=None,
        validate=ma.validate.Range(0, MAX_POINTS, error=f"扣分分值应为 1–{MAX_POINTS} 的整数"),
    )
    reason = text_field("惩戒事由", REASON_MAX)
    decided_on = BoundedDate(required=True)
    estate_id = IdField(load_default=None)
    manager_user_id = IdField(load_default=None)
    manager_name = text_field("项目经理姓名", MANAGER_NAME_MAX, required=False)


class RevokeArgs(BaseSchema):
    reason = text_field("撤销原因", REVOKE_REASON_MAX)


class CompanySearchArgs(PageArgs, BaseSchema):
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=64, error="搜索内容不能超过 64 个字"),
    )


class CompanySummarySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    credit_code = ma.fields.String(allow_none=True)
    score = ma.fields.Integer()
    penalty_count = ma.fields.Integer(metadata={"description": "有效的惩戒记录数（不含已撤销）"})


class PublicPenaltySchema(ma.Schema):
    """A penalty as the public credit page shows it: no evidence, the manager's name masked."""

    id = ma.fields.Integer()
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    decided_on = ma.fields.Date()
    reason = ma.fields.String()
    points = ma.fields.Integer()
    estate_name = ma.fields.Function(lambda p: p.estate.name if p.estate else None)
    manager_name = ma.fields.Function(lambda p: mask_name(p.manager_name))
    revoked = ma.fields.Function(lambda p: p.revoked_at is not None)
    status_label = ma.fields.Function(lambda p: "已撤销" if p.revoked_at else "有效")


class CreditSchema(ma.Schema):
    company_id = ma.fields.Integer()
    name = ma.fields.String()
    credit_code = ma.fields.String(allow_none=True)
    score = ma.fields.Integer()
    base_score = ma.fields.Integer()
    window_days = ma.fields.Integer(metadata={"description": "扣分计入信用分的天数"})
    penalties = ma.fields.List(ma.fields.Nested(PublicPenaltySchema))


class PenaltySchema(PublicPenaltySchema):
    """A penalty as its recorder reads it back."""

    property_company_id = ma.fields.Integer()
    estate_id = ma.fields.Integer(allow_none=True)
    manager_name = ma.fields.String(allow_none=True)
    manager_user_id = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)
    revoke_reason = ma.fields.String(allow_none=True)
    evidence_count = ma.fields.Function(lambda p: len(p.evidence))
