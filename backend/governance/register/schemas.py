"""Arguments of the estate register's forms (the console loads them through these)."""

import marshmallow as ma

from backend.common.ids import IdField
from backend.common.schemas import BaseSchema, BoundedDate, text_field
from backend.governance.register.models import MEMBER_ROLE_LABELS

DATE_ERROR = "日期格式应为 2026-10-05"
NAME_MAX, REASON_MAX, NOTE_MAX, BRANCH_NAME_MAX = 32, 200, 500, 64
TEAM_MAX_MEMBERS = 100_000
JOINT_MAX_ESTATES = 50


def date_field(required: bool = True) -> BoundedDate:
    if required:
        return BoundedDate(
            required=True,
            error_messages={"invalid": DATE_ERROR, "required": "请填写日期"},
        )
    return BoundedDate(load_default=None, error_messages={"invalid": DATE_ERROR})


def phone_field() -> ma.fields.String:
    return ma.fields.String(
        load_default="",
        validate=ma.validate.Regexp(
            r"^([0-9][0-9 -]{4,18}[0-9])?$", error="电话应为 6–20 位数字（可含空格或短横线）"
        ),
    )


def flag_field() -> ma.fields.Boolean:
    return ma.fields.Boolean(load_default=False, error_messages={"invalid": "应为是或否"})


class MemberArgs(BaseSchema):
    name = text_field("姓名", NAME_MAX)
    phone = phone_field()
    role = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(list(MEMBER_ROLE_LABELS), error="职务应为主任、副主任或委员"),
    )
    is_party_member = flag_field()
    is_branch_secretary = flag_field()
    joined_on = date_field()
    user_id = IdField(load_default=None)
    candidate_id = IdField(load_default=None)


class CommitteeArgs(BaseSchema):
    """A new term: its filing date, optional term end, and its chair."""

    formed_on = date_field()
    term_ends_on = date_field(required=False)
    reason = text_field("上届结束原因", REASON_MAX, required=False)
    chair_name = text_field("主任姓名", NAME_MAX)
    chair_phone = phone_field()
    chair_is_party_member = flag_field()
    chair_is_branch_secretary = flag_field()
    chair_candidate_id = IdField(load_default=None)
    replaces_id = IdField(load_default=None)


class EndArgs(BaseSchema):
    on = date_field()
    reason = text_field("原因", REASON_MAX)


class LeaveArgs(BaseSchema):
    left_on = date_field()


class BranchArgs(BaseSchema):
    name = text_field("党支部名称", BRANCH_NAME_MAX)
    secretary_name = text_field("书记姓名", NAME_MAX, required=False)
    established_on = date_field()
    estate_ids = ma.fields.List(
        IdField(),
        load_default=list,
        validate=ma.validate.Length(
            max=JOINT_MAX_ESTATES, error=f"联合党支部最多覆盖 {JOINT_MAX_ESTATES} 个小区"
        ),
    )


class DissolveBranchArgs(BaseSchema):
    dissolved_on = date_field()


class TeamArgs(BaseSchema):
    name = text_field("队伍名称", BRANCH_NAME_MAX)
    leader_name = text_field("负责人姓名", NAME_MAX)
    leader_phone = phone_field()
    member_count = ma.fields.Integer(
        strict=True,
        required=True,
        validate=ma.validate.Range(0, TEAM_MAX_MEMBERS, error=f"人数应为 0–{TEAM_MAX_MEMBERS}"),
        error_messages={"invalid": "人数应为整数", "required": "请填写人数"},
    )
    founded_on = date_field()


class CandidateArgs(BaseSchema):
    name = text_field("姓名", NAME_MAX)
    phone = phone_field()
    estate_id = IdField(required=True, error_messages={"required": "请选择所住小区"})
    is_party_member = flag_field()
    note = text_field("备注", NOTE_MAX, required=False)


class CompanyArgs(BaseSchema):
    property_company_id = IdField(load_default=None)
