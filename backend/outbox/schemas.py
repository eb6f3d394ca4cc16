"""Shapes of the staff API's delivery figures (outbox rows by status)."""

import marshmallow as ma

from backend.common.ids import MAX_ID
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, UtcDateTime
from backend.group_chats.schemas import GroupChatSchema
from backend.outbox.models import STATUS_LABELS


class StatusCountArgs(PageArgs, BaseSchema):
    estate_id = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=1, max=MAX_ID, error="编号无效"),
        metadata={"description": "只看这一个小区（不在我的范围内则 404）"},
    )


class StatusCountsSchema(ma.Schema):
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={
            "description": "每种状态的消息条数："
            + "，".join(f"{status} {label}" for status, label in STATUS_LABELS.items())
        },
    )
    unsent = ma.fields.Integer(metadata={"description": "尚待发送（待发送、发送中、重试中）"})
    total = ma.fields.Integer()


class EstateStatusCountsSchema(StatusCountsSchema):
    estate_id = ma.fields.Integer(attribute="estate.id")
    estate_name = ma.fields.String(attribute="estate.name")
    community_name = ma.fields.String(attribute="estate.community.name")
    township_name = ma.fields.String(attribute="estate.community.township.name")


class StatusCountPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EstateStatusCountsSchema))
    page = ma.fields.Integer()
    page_size = ma.fields.Integer()
    total = ma.fields.Integer(metadata={"description": "小区数"})
    overall = ma.fields.Nested(
        StatusCountsSchema,
        metadata={"description": "我范围内全部小区合计；unsent 为 0 即已全部发出"},
    )


class TestMessageSchema(ma.Schema):
    id = ma.fields.Integer()
    group_chat_id = ma.fields.Integer()
    status = ma.fields.String()
    status_label = ma.fields.Function(lambda row: STATUS_LABELS.get(row.status, row.status))
    last_error = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()
    sent_at = UtcDateTime(allow_none=True)


MEMBER_SOURCES = {"recorded": "人工记录", "bound_owners": "已绑定企业微信的业主数"}


class GroupLivenessSchema(ma.Schema):
    group = ma.fields.Nested(GroupChatSchema)
    delivered_30d = ma.fields.Integer(
        attribute="delivered",
        metadata={"description": "最近 30 天送达本群的消息条数（测试消息不计）"},
    )
    members = ma.fields.Integer(allow_none=True)
    members_source = ma.fields.String(metadata={"description": "recorded 或 bound_owners"})
    members_source_label = ma.fields.Function(lambda item: MEMBER_SOURCES[item.members_source])
    last_activity_at = UtcDateTime(
        allow_none=True, metadata={"description": "最近一条送达本群的消息（含测试消息）"}
    )
    is_active = ma.fields.Boolean(metadata={"description": "已启用且最近 30 天有消息送达"})
    last_test = ma.fields.Nested(TestMessageSchema, allow_none=True)


class EstateLivenessSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GroupLivenessSchema))
    estate_active = ma.fields.Boolean(metadata={"description": "至少一个群处于活跃状态"})
    window_days = ma.fields.Integer()
