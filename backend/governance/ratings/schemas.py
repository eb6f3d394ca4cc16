"""Arguments and responses of the star-rating API."""

import marshmallow as ma

from backend.common.schemas import BaseSchema, UtcDateTime, text_field
from backend.governance.ratings.appeals import REASON_MAX


class AppealArgs(BaseSchema):
    reason = text_field("申诉理由", REASON_MAX)


class AppealSchema(ma.Schema):
    id = ma.fields.Integer()
    rating_id = ma.fields.Integer()
    estate_id = ma.fields.Integer()
    reason = ma.fields.String()
    status = ma.fields.String()
    status_label = ma.fields.String()
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)


class CriterionScoreSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    max_points = ma.fields.Integer()
    source = ma.fields.String()
    points = ma.fields.Integer(allow_none=True)
    basis = ma.fields.String(
        metadata={"description": "自动取数的依据，如“按时办结 8 / 已反馈 10 件”"}
    )


class RatingSchema(ma.Schema):
    id = ma.fields.Integer()
    year = ma.fields.Integer()
    total = ma.fields.Integer()
    stars = ma.fields.Integer(metadata={"description": "0 = 未评星（总分低于第一档）"})
    five_star_review = ma.fields.String(
        allow_none=True, metadata={"description": "pending | granted | declined | null"}
    )
    confirmed_at = UtcDateTime()
    appeal_deadline = UtcDateTime()
    open_appeal_id = ma.fields.Integer(allow_none=True)
    criteria = ma.fields.List(ma.fields.Nested(CriterionScoreSchema))


class EstateRatingsSchema(ma.Schema):
    estate_id = ma.fields.Integer()
    estate_name = ma.fields.String()
    ratings = ma.fields.List(ma.fields.Nested(RatingSchema))
