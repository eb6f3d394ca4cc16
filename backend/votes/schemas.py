"""Arguments and responses of the votes API."""

import marshmallow as ma

from backend.common.ids import IdField
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, BoundedDateTime, UtcDateTime, text_field
from backend.votes.models import CHOICE_LABELS, STATUS_LABELS
from backend.votes.rules import MATTERS

TITLE_MAX, BODY_MAX, REASON_MAX, NOTE_MAX = 100, 10_000, 200, 200


def _aware_time(label: str) -> BoundedDateTime:
    return BoundedDateTime(
        required=True,
        error_messages={
            "invalid": f"{label}格式应为 2026-12-20T09:00:00+08:00",
            "invalid_awareness": f"{label}须带时区，如 +08:00",
        },
    )


def _choice() -> ma.fields.String:
    return ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(list(CHOICE_LABELS), error="请选择赞成、反对或弃权"),
    )


class MotionArgs(BaseSchema):
    matter = ma.fields.String(
        required=True, validate=ma.validate.OneOf(list(MATTERS), error="表决事项类型无效")
    )
    title = text_field("标题", TITLE_MAX)
    body = text_field("表决内容", BODY_MAX)
    opens_at = _aware_time("投票开始时间")
    closes_at = _aware_time("投票结束时间")
    attachment_ids = ma.fields.List(
        IdField(), load_default=list, validate=ma.validate.Length(max=9, error="最多 9 个附件")
    )
    # Art. 278 (5): a use of the fund is voted by the owners of the buildings bearing the cost.
    building_ids = ma.fields.List(
        IdField(),
        load_default=list,
        validate=ma.validate.Length(max=200, error="最多 200 个楼栋"),
        metadata={"description": "only units in these buildings vote (use_maintenance_fund)"},
    )


class MotionListArgs(PageArgs, BaseSchema):
    status = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(
            list(STATUS_LABELS), error="状态应为公示中、投票中、已结束或已取消"
        ),
    )


class BallotArgs(BaseSchema):
    choice = _choice()


class PaperBallotArgs(BaseSchema):
    elector_id = IdField(required=True)
    choice = _choice()
    note = text_field("备注", NOTE_MAX, required=False)


class CancelArgs(BaseSchema):
    reason = text_field("取消原因", REASON_MAX)


class MotionAttachmentSchema(ma.Schema):
    id = ma.fields.Integer()
    filename = ma.fields.String(attribute="name")
    content_type = ma.fields.String()
    size = ma.fields.Integer(metadata={"description": "字节数"})
    url = ma.fields.Function(lambda a: f"/api/v1/motion-attachments/{a.id}")


class CountSchema(ma.Schema):
    owners = ma.fields.Integer()
    area_dm2 = ma.fields.Integer(metadata={"description": "面积，单位 0.01 平方米"})


class TurnoutSchema(ma.Schema):
    owners_total = ma.fields.Integer()
    owners_voted = ma.fields.Integer()
    area_total_dm2 = ma.fields.Integer()
    area_voted_dm2 = ma.fields.Integer()


class ResultSchema(ma.Schema):
    quorum_met = ma.fields.Boolean()
    passed = ma.fields.Boolean()
    outcome = ma.fields.String()
    outcome_label = ma.fields.String()
    total = ma.fields.Nested(CountSchema)
    participating = ma.fields.Nested(CountSchema)
    yes = ma.fields.Nested(CountSchema)
    no = ma.fields.Nested(CountSchema)
    abstain = ma.fields.Nested(CountSchema)


class BallotSchema(ma.Schema):
    choice = ma.fields.String()
    choice_label = ma.fields.String()
    cast_at = UtcDateTime()
    channel = ma.fields.String()
    channel_label = ma.fields.String()


class _MotionBase(ma.Schema):
    """Columns of the motion (from ``data["motion"]``) next to the caller-specific extras."""

    id = ma.fields.Integer()
    estate_id = ma.fields.Integer()
    estate_name = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.String()
    status_label = ma.fields.String()
    closes_at = UtcDateTime()

    @ma.pre_dump
    def _flatten(self, data, **kwargs):
        motion = data["motion"]
        columns = {c.key: getattr(motion, c.key) for c in motion.__table__.columns}
        return {**columns, "attachments": motion.attachments, **data}


class MotionSchema(_MotionBase):
    matter = ma.fields.String()
    building_ids = ma.fields.List(
        ma.fields.Integer(),
        allow_none=True,
        metadata={"description": "the buildings whose owners vote; null: the whole estate"},
    )
    matter_label = ma.fields.String()
    threshold = ma.fields.String()
    threshold_label = ma.fields.String()
    body = ma.fields.String()
    announced_at = UtcDateTime()
    opens_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)
    cancel_reason = ma.fields.String(allow_none=True)
    organiser_label = ma.fields.String()
    attachments = ma.fields.List(ma.fields.Nested(MotionAttachmentSchema))
    turnout = ma.fields.Nested(TurnoutSchema, allow_none=True)
    result = ma.fields.Nested(ResultSchema, allow_none=True)
    my_ballot = ma.fields.Nested(BallotSchema, allow_none=True)
    can_vote = ma.fields.Boolean()
    vote_block_reason = ma.fields.String(allow_none=True)
    can_manage = ma.fields.Boolean(metadata={"description": "may export, see the roll, close"})
    can_organise = ma.fields.Boolean(
        metadata={"description": "may cancel and record paper ballots (the organiser)"}
    )


class _BallotMotionSchema(_MotionBase):
    outcome_label = ma.fields.String(allow_none=True)


class MyBallotSchema(BallotSchema):
    motion = ma.fields.Nested(_BallotMotionSchema)


class ElectorSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    label = ma.fields.String()
    area_dm2 = ma.fields.Integer()
    unit_count = ma.fields.Integer()
    unit_labels = ma.fields.List(ma.fields.String(), metadata={"description": "at most 20"})
    voted = ma.fields.Boolean()


class AttachmentNameArgs(BaseSchema):
    # wx.uploadFile names the part after its temporary file (tmp_…pdf): the person's own
    # file name comes as a form field.
    filename = ma.fields.String(
        load_default=None, validate=ma.validate.Length(max=200, error="文件名不能超过 200 个字")
    )
