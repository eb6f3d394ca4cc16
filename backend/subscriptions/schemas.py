"""Subscribe consents: the moments' template ids out, WeChat's answer in."""

import marshmallow as ma

from backend.common.schemas import BaseSchema
from backend.subscriptions.kinds import MAX_TEMPLATES_PER_ASK, MOMENTS
from backend.subscriptions.services import ANSWERS

MOMENT = ma.validate.OneOf(list(MOMENTS), error="未知的订阅场景")


class ConsentAnswerArgs(BaseSchema):
    moment = ma.fields.String(required=True, validate=MOMENT)
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(1, 128, error="模板编号长度不正确")),
        values=ma.fields.String(validate=ma.validate.OneOf(ANSWERS, error="未知的授权结果")),
        required=True,
        validate=ma.validate.Length(
            max=MAX_TEMPLATES_PER_ASK, error=f"一次最多 {MAX_TEMPLATES_PER_ASK} 个模板"
        ),
        metadata={
            "description": "wx.requestSubscribeMessage 的结果：模板编号 → accept/reject/ban/filter"
        },
    )


class MomentsSchema(ma.Schema):
    moments = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "场景 → 该场景请求授权的模板编号（已被封禁的不再请求）"},
    )
