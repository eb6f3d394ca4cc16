"""Group chat shapes: the address goes in, only its masked hint comes out."""

import marshmallow as ma

from backend.common.schemas import BaseSchema, JsonBoolean, UtcDateTime
from backend.group_chats.models import CHANNEL_LABELS, PROFILE_LABELS, ChannelKind, GroupProfile

NAME = ma.validate.Length(min=1, max=64, error="群名称应为 1 到 64 个字")
ADDRESS = ma.validate.Length(min=1, max=300, error="地址长度不正确")
PROFILE = ma.validate.OneOf([str(p) for p in GroupProfile], error="请选择群类型：内部群或外部群")
# A WeCom group holds at most 2,000 members (an external group 500 of them from personal WeChat).
MAX_MEMBERS = 2000
MEMBERS = ma.validate.Range(min=0, max=MAX_MEMBERS, error=f"群人数应在 0 到 {MAX_MEMBERS} 之间")


class GroupChatArgs(BaseSchema):
    name = ma.fields.String(required=True, validate=NAME)
    channel = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([str(k) for k in ChannelKind], error="不支持的群聊类型"),
    )
    address = ma.fields.String(required=True, validate=ADDRESS, load_only=True)
    # Unsaid, a robot group is external (客户群): it gets the message types every member can
    # see, so nobody on personal WeChat is sent a card they cannot open. An app chat holds
    # the company's members only, so it is internal.
    profile = ma.fields.String(
        load_default=None,
        validate=PROFILE,
        metadata={
            "description": "internal 内部群（仅企业微信成员）；external 外部群（含个人微信业主）。"
            "不填时群机器人为 external，应用群聊为 internal（应用群聊不能是外部群）"
        },
    )


class GroupChatPatchArgs(BaseSchema):
    name = ma.fields.String(validate=NAME)
    active = JsonBoolean()
    address = ma.fields.String(validate=ADDRESS, load_only=True)
    profile = ma.fields.String(validate=PROFILE)
    member_count = ma.fields.Integer(
        validate=MEMBERS,
        strict=True,
        metadata={"description": "从群里读到的当前人数；记录时间为提交之时"},
    )


class GroupChatSchema(ma.Schema):
    id = ma.fields.Integer()
    estate_id = ma.fields.Integer()
    name = ma.fields.String()
    channel = ma.fields.String()
    channel_label = ma.fields.Function(lambda g: CHANNEL_LABELS.get(g.channel, g.channel))
    profile = ma.fields.String()
    profile_label = ma.fields.Function(lambda g: PROFILE_LABELS.get(g.profile, g.profile))
    address_hint = ma.fields.String(metadata={"description": "地址末 4 位；完整地址从不返回"})
    active = ma.fields.Boolean()
    member_count = ma.fields.Integer(allow_none=True)
    member_count_recorded_at = UtcDateTime(allow_none=True)
    has_join_qr = ma.fields.Boolean(metadata={"description": "已上传入群二维码（可生成海报）"})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class GroupChatListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GroupChatSchema))
