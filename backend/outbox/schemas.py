"""Shapes of the staff API's delivery figures (outbox rows by status)."""

import marshmallow as ma

from backend.common.ids import MAX_ID
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema
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
