"""Arguments of recording a joint meeting (the console's form goes through these)."""

import marshmallow as ma

from backend.common.ids import IdField
from backend.common.schemas import BaseSchema, BoundedDate, text_field
from backend.governance.meetings.models import PARTY_LABELS

LOCATION_MAX, TOPIC_MAX, NAME_MAX, POST_MAX = 100, 200, 32, 32
TITLE_MAX, DECISION_MAX, OWNER_MAX = 200, 1000, 64
MAX_ATTENDEES, MAX_ITEMS = 40, 30


class AttendeeArgs(BaseSchema):
    party = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            list(PARTY_LABELS),
            error="请选择参会方：社区党组织、小区党支部、物业服务企业或业主委员会",
        ),
    )
    name = text_field("参会人姓名", NAME_MAX)
    post = text_field("职务", POST_MAX, required=False)
    estate_id = IdField(load_default=None)


class AgendaItemArgs(BaseSchema):
    title = text_field("议题", TITLE_MAX)
    estate_id = IdField(load_default=None)
    ticket_id = IdField(load_default=None)
    problem_item_id = IdField(load_default=None)
    is_dispute = ma.fields.Boolean(load_default=False)
    dispute_resolved = ma.fields.Boolean(load_default=False)
    decision = text_field("决议", DECISION_MAX, required=False)
    owner = text_field("责任方", OWNER_MAX, required=False)
    deadline = BoundedDate(load_default=None)


class MeetingArgs(BaseSchema):
    community_id = IdField(required=True)
    held_on = BoundedDate(required=True)
    location = text_field("会议地点", LOCATION_MAX)
    topic = text_field("会议主题", TOPIC_MAX)
    attendees = ma.fields.List(
        ma.fields.Nested(AttendeeArgs),
        required=True,
        validate=ma.validate.Length(1, MAX_ATTENDEES, error=f"请登记 1–{MAX_ATTENDEES} 名参会人员"),
    )
    items = ma.fields.List(
        ma.fields.Nested(AgendaItemArgs),
        required=True,
        validate=ma.validate.Length(1, MAX_ITEMS, error=f"请登记 1–{MAX_ITEMS} 个议题"),
    )
