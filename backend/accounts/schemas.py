"""Request and response shapes for login, me and the WeCom binding. Names and phones are
masked."""

import marshmallow as ma

from backend.access.roles import ROLE_LABELS
from backend.accounts.naming import UNNAMED
from backend.common.schemas import BaseSchema, UtcDateTime


class WeChatLoginArgs(BaseSchema):
    code = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=128, error="登录码长度不正确")
    )


class RefreshArgs(BaseSchema):
    refresh_token = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=256, error="登录凭证无效")
    )


class UserBriefSchema(ma.Schema):
    id = ma.fields.Integer()
    # The signed-in person's own name (unmasked), not the WeChat nickname "微信用户".
    display_name = ma.fields.Function(lambda user: user.real_name or UNNAMED)


class SessionSchema(ma.Schema):
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    expires_in = ma.fields.Integer(metadata={"description": "访问令牌有效秒数"})
    user = ma.fields.Nested(UserBriefSchema)


class MembershipSchema(ma.Schema):
    role = ma.fields.String()
    role_label = ma.fields.Function(lambda m: ROLE_LABELS.get(m["role"], m["role"]))
    scope_kind = ma.fields.String()
    scope_id = ma.fields.Integer()
    scope_name = ma.fields.String()
    estate_id = ma.fields.Integer(allow_none=True)


class WecomBindingSchema(ma.Schema):
    bound = ma.fields.Boolean()
    bound_at = UtcDateTime(allow_none=True)
    wecom_userid_hint = ma.fields.String(
        allow_none=True, metadata={"description": "企业微信账号末尾几位，其余以 •••• 代替"}
    )


class WecomBindingCodeSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "6 位绑定码，10 分钟内有效"})
    expires_at = UtcDateTime()
    instruction = ma.fields.Function(
        lambda issued: f"请在企业微信“邻里”应用中发送：绑定 {issued['code']}"
    )
