"""Request and response shapes for claims and for me (which lists my claims). Names and
phones are masked in lists; a person reads their own unmasked, and a verifier reads one
claim's in full (claims.services.claim_detail records it)."""

import marshmallow as ma

from backend.accounts.schemas import MembershipSchema
from backend.common.ids import IdField
from backend.common.masking import mask_name, mask_phone
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, UtcDateTime

CLAIM_STATUS_LABELS = {"pending": "待审核", "verified": "已认证", "rejected": "已驳回"}
PHONE = ma.validate.Regexp(r"^1[3-9]\d{9}$", error="请输入 11 位手机号码")


class ClaimSchema(ma.Schema):
    id = ma.fields.Integer()
    estate_id = ma.fields.Integer()
    estate_name = ma.fields.String(attribute="estate.name")
    unit_id = ma.fields.Integer()
    unit_label = ma.fields.String(attribute="unit.label")
    area_dm2 = ma.fields.Integer(attribute="unit.area_dm2")
    real_name = ma.fields.Function(lambda c: mask_name(c.real_name))
    phone = ma.fields.Function(lambda c: mask_phone(c.phone))
    status = ma.fields.String()
    status_label = ma.fields.Function(lambda c: CLAIM_STATUS_LABELS[c.status])
    reason = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)


MATCH_LABELS = {"match": "匹配", "mismatch": "不匹配", "unregistered": "未登记"}


class OwnClaimSchema(ClaimSchema):
    """A claim as its claimant reads it: their own name and phone, unmasked."""

    real_name = ma.fields.String()
    phone = ma.fields.String()


class ClaimDetailSchema(OwnClaimSchema):
    """One claim in full, for its estate's verifiers (each read is recorded) or its
    claimant; the comparison with the owner of record is for verifiers only (null to the
    claimant), and the recorded name itself is never sent."""

    building_name = ma.fields.String(attribute="unit.building.name")
    unit_number = ma.fields.String(attribute="unit.number")
    owner_of_record_match = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "实名与房屋清册产权人是否一致：match / mismatch / unregistered；"
            "申请人本人查看时为 null"
        },
    )
    owner_of_record_match_label = ma.fields.Function(
        lambda c: MATCH_LABELS.get(c.owner_of_record_match), allow_none=True
    )


class MeSchema(ma.Schema):
    """My own page: a person always sees their own details unmasked (DESIGN.md)."""

    id = ma.fields.Integer()
    display_name = ma.fields.String()
    real_name = ma.fields.Function(lambda me: me["user"].real_name, allow_none=True)
    phone = ma.fields.Function(lambda me: me["user"].phone, allow_none=True)
    memberships = ma.fields.List(ma.fields.Nested(MembershipSchema))
    claims = ma.fields.List(ma.fields.Nested(OwnClaimSchema))


class ClaimCreateArgs(BaseSchema):
    unit_id = IdField(required=True)
    real_name = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=2, max=32, error="请填写 2 到 32 个字的真实姓名"),
    )
    phone = ma.fields.String(required=True, validate=PHONE)


class ClaimListArgs(PageArgs, BaseSchema):
    status = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(
            list(CLAIM_STATUS_LABELS), error="状态应为待审核、已认证或已驳回"
        ),
    )


class RejectArgs(BaseSchema):
    reason = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=2, max=200, error="请填写 2 到 200 字的驳回理由"),
    )
