"""Request and response shapes for tickets."""

import marshmallow as ma
from webargs.fields import DelimitedList

from backend.common.clock import as_utc
from backend.common.ids import MAX_ID, IdField
from backend.common.masking import mask_name
from backend.common.pagination import PageArgs
from backend.common.schemas import (
    BaseSchema,
    BoundedDate,
    UtcDateTime,
    coordinate_field,
    text_field,
)
from backend.tickets.models import (
    CATEGORIES,
    CHANNELS,
    EVENT_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    Level,
    TicketStatus,
)
from backend.tickets.rules import STEPS

DESCRIPTION_MAX, LOCATION_MAX, NOTE_MAX, REASON_MAX, COMMENT_MAX = 1000, 100, 1000, 200, 200
TOKEN_MAX = 64


def _one_of(values, error: str):
    return ma.validate.OneOf([str(v) for v in values], error=error)


def _strict_int(lo: int, hi: int, error: str, **kwargs):
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(lo, hi, error=error), **kwargs)


# ?status=accepted,assigned,in_progress: a tab may stand for several states.
def _statuses() -> DelimitedList:
    return DelimitedList(
        ma.fields.String(validate=_one_of(TicketStatus, "未知的工单状态")),
        load_default=list,
        validate=ma.validate.Length(max=len(TicketStatus), error="状态过多"),
    )


CATEGORY = dict(validate=_one_of(CATEGORIES, "未知的问题类别"))


def _query_id(**kwargs):
    """An id in a query string, where every value is text: IdField is strict (JSON ints only)
    and would refuse ``?building_id=3`` itself."""
    return ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=MAX_ID, error="编号无效"), **kwargs
    )


class LocationArgs(BaseSchema):
    building_id = IdField(load_default=None, allow_none=True)
    location_text = text_field("位置说明", LOCATION_MAX, required=False)
    map_x = _strict_int(0, 1000, "地图坐标应在 0–1000 之间", load_default=None, allow_none=True)
    map_y = _strict_int(0, 1000, "地图坐标应在 0–1000 之间", load_default=None, allow_none=True)
    lat = coordinate_field(-90, 90, "纬度应在 -90 到 90 之间", allow_none=True)
    lng = coordinate_field(-180, 180, "经度应在 -180 到 180 之间", allow_none=True)


class TicketArgs(LocationArgs):
    category = ma.fields.String(required=True, **CATEGORY)
    description = text_field("问题描述", DESCRIPTION_MAX)
    photo_ids = ma.fields.List(IdField(), required=True)
    client_token = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, TOKEN_MAX, error="client_token 过长"),
        metadata={"description": "重试时带上同一值：同一个人同一值只建一张工单，再发返回第一张"},
    )
    channel = ma.fields.String(
        load_default=None,
        validate=_one_of(
            ("miniprogram", "group_chat", "console"), "渠道应为 group_chat 或 console"
        ),
    )


class HotlineArgs(LocationArgs):
    hotline_case_no = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Regexp(
                r"^[A-Za-z0-9-]{4,40}$", error="热线工单号应为 4–40 位字母、数字或连字符"
            ),
        ],
    )
    caller_name = text_field("来电人", 32, required=False)
    caller_phone = ma.fields.String(
        load_default="",
        validate=ma.validate.Regexp(r"^(\d{7,20})?$", error="来电号码应为 7–20 位数字"),
    )
    category = ma.fields.String(required=True, **CATEGORY)
    description = text_field("来电内容", DESCRIPTION_MAX)


class TicketListArgs(PageArgs):
    status = _statuses()
    category = ma.fields.String(load_default=None, **CATEGORY)
    mine = ma.fields.Boolean(load_default=False)


class WorkListArgs(PageArgs):
    status = _statuses()
    estate_id = _query_id(load_default=None)
    overdue = ma.fields.Boolean(load_default=False)


class NearbyArgs(BaseSchema):
    category = ma.fields.String(required=True, **CATEGORY)
    building_id = _query_id(load_default=None)
    lat = coordinate_field(-90, 90, "纬度应在 -90 到 90 之间")
    lng = coordinate_field(-180, 180, "经度应在 -180 到 180 之间")


class TicketTransitionArgs(BaseSchema):
    action = ma.fields.String(
        required=True, validate=_one_of(STEPS, "操作应为 " + "、".join(STEPS))
    )
    note = text_field("说明", NOTE_MAX, required=False)
    reason = text_field("原因", REASON_MAX, required=False)
    assignee_id = IdField(load_default=None)
    duplicate_of_id = IdField(load_default=None)
    photo_ids = ma.fields.List(IdField(), load_default=list)


class RatingArgs(BaseSchema):
    rating = _strict_int(1, 5, "评分应为 1–5 的整数", required=True)
    comment = text_field("评价", COMMENT_MAX, required=False)


class StatsArgs(BaseSchema):
    since = BoundedDate(load_default=None)
    until = BoundedDate(load_default=None)


class TimeLimitArgs(BaseSchema):
    category = ma.fields.String(required=True, **CATEGORY)
    accept_hours = _strict_int(1, 2160, "时限应在 1 到 2160 小时之间", required=True)
    reply_hours = _strict_int(1, 2160, "时限应在 1 到 2160 小时之间", required=True)


class TimeLimitsArgs(BaseSchema):
    items = ma.fields.List(
        ma.fields.Nested(TimeLimitArgs),
        required=True,
        validate=ma.validate.Length(1, len(CATEGORIES), error="请提供 1–11 个类别的时限"),
    )


# -- responses -------------------------------------------------------------------------------


class TicketPhotoSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.Function(lambda p: f"/api/v1/ticket-photos/{p.id}")
    thumb_url = ma.fields.Function(lambda p: f"/api/v1/ticket-photos/{p.id}?size=thumb")
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    size = ma.fields.Integer()


def _photo_ref(photo_id):
    if photo_id is None:
        return None
    return {
        "id": photo_id,
        "url": f"/api/v1/ticket-photos/{photo_id}",
        "thumb_url": f"/api/v1/ticket-photos/{photo_id}?size=thumb",
    }


def reporter_label(ticket) -> str:
    if ticket.reporter_id is not None and ticket.reporter_id == getattr(ticket, "viewer_id", None):
        return "我"
    if ticket.channel in ("hotline", "open311"):
        source = "热线来电" if ticket.channel == "hotline" else "外部平台"
        return f"{source} {mask_name(ticket.caller_name) or ''}".strip()
    from backend.tickets.people import person_name

    return mask_name(person_name(ticket.reporter)) or "业主"


def _location(ticket) -> dict:
    return {
        "building_id": ticket.building_id,
        "building_name": ticket.building.name if ticket.building_id else None,
        "text": ticket.location_text,
        "map_x": ticket.map_x,
        "map_y": ticket.map_y,
        "lat": ticket.lat_e6 / 1e6 if ticket.lat_e6 is not None else None,
        "lng": ticket.lng_e6 / 1e6 if ticket.lng_e6 is not None else None,
    }


def _overdue(ticket) -> bool:
    deadline = ticket.deadline
    return deadline is not None and as_utc(deadline) < ticket.now


class TicketSchema(ma.Schema):
    id = ma.fields.Integer()
    estate_id = ma.fields.Integer()
    estate_name = ma.fields.Function(lambda t: t.estate.name)
    category = ma.fields.String()
    category_label = ma.fields.Function(lambda t: CATEGORIES[t.category])
    channel = ma.fields.String()
    channel_label = ma.fields.Function(lambda t: CHANNELS[t.channel])
    status = ma.fields.String()
    status_label = ma.fields.Function(lambda t: STATUS_LABELS[TicketStatus(t.status)])
    description = ma.fields.String()
    location = ma.fields.Function(_location)
    reporter_label = ma.fields.Function(reporter_label)
    is_mine = ma.fields.Function(
        lambda t: t.reporter_id is not None and t.reporter_id == t.viewer_id
    )
    supporter_count = ma.fields.Integer()
    i_support = ma.fields.Boolean()
    photo_count = ma.fields.Integer()
    cover_photo = ma.fields.Function(lambda t: _photo_ref(t.cover_photo_id))
    escalation_level = ma.fields.Integer()
    escalation_label = ma.fields.Function(lambda t: LEVEL_LABELS[Level(t.escalation_level)])
    overdue = ma.fields.Function(_overdue)
    accept_due_at = UtcDateTime()
    reply_due_at = UtcDateTime()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    replied_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    close_reason = ma.fields.String(allow_none=True)
    rating = ma.fields.Integer(allow_none=True)
    reopen_count = ma.fields.Integer()
    hotline_case_no = ma.fields.String(allow_none=True)
    distance_m = ma.fields.Integer(dump_default=None, allow_none=True)


class TicketEventSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    kind_label = ma.fields.Function(lambda e: EVENT_LABELS.get(e.kind, e.kind))
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    # shown_label: the actor named for this reader (queries.detail_view).
    actor_label = ma.fields.Function(lambda e: getattr(e, "shown_label", e.actor_label))
    note = ma.fields.String(allow_none=True)
    photos = ma.fields.List(ma.fields.Nested(TicketPhotoSchema))
    escalation_level = ma.fields.Integer()
    created_at = UtcDateTime()


class AssigneeSchema(ma.Schema):
    id = ma.fields.Integer()
    label = ma.fields.String()


class TicketDetailSchema(TicketSchema):
    photos = ma.fields.List(ma.fields.Nested(TicketPhotoSchema))
    events = ma.fields.List(ma.fields.Nested(TicketEventSchema))
    assignee_label = ma.fields.String(attribute="assignee_name", allow_none=True)
    duplicate_of_id = ma.fields.Integer(allow_none=True)
    reject_reason = ma.fields.String(allow_none=True)
    rating_comment = ma.fields.String(allow_none=True)
    rated_at = UtcDateTime(allow_none=True)
    allowed_actions = ma.fields.List(ma.fields.String())
    can_rate = ma.fields.Boolean()
    can_reopen = ma.fields.Boolean()
    can_support = ma.fields.Boolean()
    reopen_deadline = UtcDateTime(allow_none=True)
    assignees = ma.fields.List(ma.fields.Nested(AssigneeSchema))


class NearbySchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TicketSchema))


class RatioSchema(ma.Schema):
    count = ma.fields.Integer()
    of = ma.fields.Integer()
    # A share between 0 and 1 (count ÷ of, both given exactly beside it), not money.
    rate = ma.fields.Float(allow_none=True)


class FiguresSchema(ma.Schema):
    key = ma.fields.Raw()
    label = ma.fields.String()
    total = ma.fields.Integer()
    open = ma.fields.Integer()
    closed = ma.fields.Integer()
    overdue = ma.fields.Integer()
    on_time = ma.fields.Nested(RatioSchema)
    reopened = ma.fields.Nested(RatioSchema)
    rating = ma.fields.Dict()


class StatsSchema(ma.Schema):
    by_category = ma.fields.List(ma.fields.Nested(FiguresSchema))
    total = ma.fields.Nested(FiguresSchema)
    definitions = ma.fields.Dict()


class TimeLimitSchema(ma.Schema):
    category = ma.fields.String()
    category_label = ma.fields.Function(lambda r: CATEGORIES[r["category"]])
    accept_hours = ma.fields.Integer()
    reply_hours = ma.fields.Integer()
    is_default = ma.fields.Boolean()


class TimeLimitsSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TimeLimitSchema))
