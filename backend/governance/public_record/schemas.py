"""Arguments and responses of an estate's public record."""

import marshmallow as ma

from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, UtcDateTime
from backend.governance.credit.figures import today
from backend.governance.public_record.lists import STATUSES
from backend.tickets.models import CATEGORIES


class RosterMemberSchema(ma.Schema):
    name = ma.fields.String(
        metadata={"description": "业委会、工作人员和本人看到全名，其他人看到“张*”"}
    )
    role = ma.fields.String(metadata={"description": "chair | vice_chair | member"})
    role_label = ma.fields.String()
    is_party_member = ma.fields.Boolean()


class RosterSchema(ma.Schema):
    formed_on = ma.fields.Date()
    term_ends_on = ma.fields.Date()
    lapsed = ma.fields.Boolean(metadata={"description": "任期已届满未换届"})
    is_party_led = ma.fields.Boolean()
    members = ma.fields.List(ma.fields.Nested(RosterMemberSchema))


class RecordManagerSchema(ma.Schema):
    name = ma.fields.String()


class RecordCompanySchema(ma.Schema):
    id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String(allow_none=True)
    score = ma.fields.Integer(allow_none=True, metadata={"description": "企业信用分"})
    managers = ma.fields.List(ma.fields.Nested(RecordManagerSchema))


class RecordAppealSchema(ma.Schema):
    id = ma.fields.Integer()
    reason = ma.fields.String()
    status = ma.fields.String()
    status_label = ma.fields.String()
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)


class RecordRatingSchema(ma.Schema):
    id = ma.fields.Integer()
    year = ma.fields.Integer()
    stars = ma.fields.Integer(metadata={"description": "0 = 未评星"})
    total = ma.fields.Integer()
    confirmed_at = UtcDateTime()
    appeal_deadline = UtcDateTime()
    can_appeal = ma.fields.Boolean(metadata={"description": "我现在可以对它申诉"})
    appeals = ma.fields.List(ma.fields.Nested(RecordAppealSchema))


class PublicRecordSchema(ma.Schema):
    estate_id = ma.fields.Integer()
    estate_name = ma.fields.String()
    committee = ma.fields.Nested(RosterSchema, allow_none=True)
    company = ma.fields.Nested(RecordCompanySchema)
    rating = ma.fields.Nested(RecordRatingSchema, allow_none=True)
    problems_open = ma.fields.Integer()
    problems_overdue = ma.fields.Integer()
    problems_closed_out = ma.fields.Integer()
    decisions = ma.fields.Integer(metadata={"description": "联席会议涉及本小区的决议数"})


class ProblemListArgs(PageArgs, BaseSchema):
    status = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(STATUSES, error="状态应为整改中或已销号"),
    )


class RecordProblemSchema(ma.Schema):
    id = ma.fields.Integer()
    category = ma.fields.String()
    category_label = ma.fields.Function(lambda p: CATEGORIES.get(p.category, "其他"))
    title = ma.fields.String()
    description = ma.fields.String()
    plan = ma.fields.String()
    deadline = ma.fields.Date()
    status = ma.fields.String()
    status_label = ma.fields.String()
    overdue = ma.fields.Function(lambda p: p.status == "open" and p.deadline < today())
    created_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)
    close_note = ma.fields.String(allow_none=True)
    photo_urls = ma.fields.Function(
        lambda p: [f"/api/v1/estates/{p.estate_id}/problem-photos/{e.id}" for e in p.evidence],
        metadata={"description": "销号照片（整改后），需登录"},
    )


class DecisionMinutesSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    size = ma.fields.Integer()
    content_type = ma.fields.String()
    url = ma.fields.String(metadata={"description": "纪要下载地址（需登录）"})


class DecisionSchema(ma.Schema):
    id = ma.fields.Integer()
    meeting_id = ma.fields.Integer()
    held_on = ma.fields.Date()
    topic = ma.fields.String()
    title = ma.fields.String()
    decision = ma.fields.String()
    owner = ma.fields.String(metadata={"description": "责任方"})
    deadline = ma.fields.Date(allow_none=True)
    done = ma.fields.Boolean()
    done_at = UtcDateTime(allow_none=True)
    is_dispute = ma.fields.Boolean()
    dispute_resolved = ma.fields.Boolean()
    minutes = ma.fields.List(ma.fields.Nested(DecisionMinutesSchema))

    @ma.pre_dump
    def _flatten(self, row, **kwargs):
        item, meeting = row["item"], row["meeting"]
        fields = ("id", "title", "decision", "owner", "deadline", "done_at", "is_dispute")
        return {
            **{k: getattr(item, k) for k in fields},
            "dispute_resolved": item.dispute_resolved,
            "done": item.done_at is not None,
            "meeting_id": meeting.id,
            "held_on": meeting.held_on,
            "topic": meeting.topic,
            "minutes": [
                {
                    "id": m.id,
                    "name": m.name,
                    "size": m.size,
                    "content_type": m.content_type,
                    "url": f"/api/v1/estates/{item.estate_id}/meeting-minutes/{m.id}",
                }
                for m in row["minutes"]
            ],
        }
