"""Request and response shapes for notices."""

import marshmallow as ma

from backend.access.roles import ROLE_LABELS
from backend.common.ids import IdField
from backend.common.pagination import PageArgs
from backend.common.schemas import BaseSchema, JsonBoolean, UtcDateTime, text_field
from backend.common.text import excerpt
from backend.notices.services import AUDIENCE_KINDS

TITLE_MAX, BODY_MAX, REASON_MAX = 60, 5000, 200


class NoticeArgs(BaseSchema):
    audience_kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            [str(k) for k in AUDIENCE_KINDS], error="发布范围应为小区、社区、街道或县"
        ),
    )
    audience_id = IdField(required=True)
    title = text_field("标题", TITLE_MAX)
    body = text_field("正文", BODY_MAX)
    pinned = JsonBoolean(load_default=False)
    attachment_ids = ma.fields.List(
        IdField(), load_default=list, validate=ma.validate.Length(max=9, error="最多 9 个附件")
    )
    client_token = ma.fields.String(
        load_default=None,
        validate=ma.validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$", error="client_token 格式不正确"),
        metadata={"description": "8–64 位字母、数字、_ 或 -；再发同一值返回第一次发布的通知"},
    )


class AudienceArgs(PageArgs, BaseSchema):
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            [str(k) for k in AUDIENCE_KINDS], error="发布范围应为小区、社区、街道或县"
        ),
    )
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=64, error="搜索内容不能超过 64 个字"),
    )


class AudienceSchema(ma.Schema):
    kind = ma.fields.String()
    id = ma.fields.Integer()
    name = ma.fields.String()
    label = ma.fields.String(metadata={"description": "业主看到的发布范围，如“凤城镇全体小区”"})
    estate_count = ma.fields.Integer(metadata={"description": "发布到此处将送达的小区数"})


class AttachmentNameArgs(BaseSchema):
    # wx.uploadFile names the part after its temporary file (tmp_…pdf): the person's own
    # file name comes as a form field.
    filename = ma.fields.String(
        load_default=None, validate=ma.validate.Length(max=200, error="文件名不能超过 200 个字")
    )


class WithdrawArgs(BaseSchema):
    reason = text_field("撤回原因", REASON_MAX)


class AttachmentSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    size = ma.fields.Integer(metadata={"description": "字节数"})
    content_type = ma.fields.String()
    url = ma.fields.Function(
        lambda a: f"/api/v1/notices/{a.notice_id}/attachments/{a.id}" if a.notice_id else None
    )


class NoticeSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    excerpt = ma.fields.Function(lambda n: excerpt(n.body, 80))
    author_label = ma.fields.String()
    author_role = ma.fields.String()
    author_role_label = ma.fields.Function(lambda n: ROLE_LABELS.get(n.author_role, ""))
    audience_kind = ma.fields.String()
    audience_label = ma.fields.String()
    pinned = ma.fields.Boolean()
    published_at = UtcDateTime()
    withdrawn = ma.fields.Boolean()
    withdrawn_at = UtcDateTime(allow_none=True)
    is_read = ma.fields.Boolean()
    attachment_count = ma.fields.Integer()


class NoticeDetailSchema(NoticeSummarySchema):
    body = ma.fields.String()
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    withdraw_reason = ma.fields.String(allow_none=True)
    can_withdraw = ma.fields.Boolean()
    author_name = ma.fields.String(
        metadata={"description": "发布人实名：业委会与监管人员可见全名，业主看到张*"}
    )
