"""Group chat shapes: the address goes in, only its masked hint comes out."""

import marshmallow as ma

from backend.common.schemas import BaseSchema, JsonBoolean, UtcDateTime
from backend.group_chats.models import CHANNEL_LABELS, ChannelKind

NAME = ma.validate.Length(min=1, max=64, error="群名称应为 1 到 64 个字")
ADDRESS = ma.validate.Length(min=1, max=300, error="地址长度不正确")


class GroupChatArgs(BaseSchema):
    name = ma.fields.String(required=True, validate=NAME)
    channel = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf([str(k) for k in ChannelKind], error="不支持的群聊类型"),
    )
    address = ma.fields.String(required=True, validate=ADDRESS, load_only=True)


class GroupChatPatchArgs(BaseSchema):
    name = ma.fields.String(validate=NAME)
    active = JsonBoolean()
    address = ma.fields.String(validate=ADDRESS, load_only=True)


class GroupChatSchema(ma.Schema):
    id = ma.fields.Integer()
    estate_id = ma.fields.Integer()
    name = ma.fields.String()
    channel = ma.fields.String()
    channel_label = ma.fields.Function(lambda g: CHANNEL_LABELS.get(g.channel, g.channel))
    address_hint = ma.fields.String(metadata={"description": "地址末 4 位；完整地址从不返回"})
    active = ma.fields.Boolean()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class GroupChatListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GroupChatSchema))
