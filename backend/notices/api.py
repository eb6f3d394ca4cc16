"""Notices: post, list per estate, read, withdraw, attachments."""

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common import storage
from backend.common.pagination import PageArgs, page_schema
from backend.common.schemas import FileUploadSchema
from backend.common.uploads import download_doc
from backend.notices import audiences, schemas, services

blp = Blueprint("notices", __name__, url_prefix="/api/v1", description="公告")


@blp.route("/notices")
class Notices(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.NoticeArgs)
    @blp.response(201, schemas.NoticeDetailSchema)
    def post(self, args):
        """Post a notice to an estate, or to every estate of a community, township or county."""
        return services.publish_and_read(current_user(), **args)


@blp.route("/notices/audiences")
class NoticeAudiences(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.AudienceArgs, location="query")
    @blp.response(200, page_schema(schemas.AudienceSchema))
    def get(self, args):
        """Places of one kind I may post notices to, each with how many estates it reaches."""
        return audiences.audiences(current_user(), **args)


@blp.route("/estates/<int:estate_id>/notices")
class EstateNotices(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.NoticeSummarySchema))
    def get(self, args, estate_id):
        """The estate's notices: pinned first, then newest; each says whether I read it."""
        return services.list_for_estate(current_user(), estate_id, **args)


@blp.route("/notices/<int:notice_id>")
class NoticeItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.NoticeDetailSchema)
    def get(self, notice_id):
        """One notice in full (marks it read for me)."""
        return services.read(current_user(), notice_id)


@blp.route("/notices/<int:notice_id>/withdraw")
class NoticeWithdraw(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.WithdrawArgs)
    @blp.response(200, schemas.NoticeDetailSchema)
    def post(self, args, notice_id):
        """Withdraw my notice: kept and marked withdrawn; the groups are told."""
        return services.withdraw(current_user(), notice_id, args["reason"])


@blp.route("/notices/attachments")
class AttachmentUpload(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.AttachmentNameArgs, location="form")
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, schemas.AttachmentSchema)
    def post(self, form, files):
        """Upload a file (PDF, Word, Excel, JPG, PNG) to attach to the notice I am writing;
        ``filename`` (a form field) names it when the file part cannot."""
        upload = files["file"]
        name = form["filename"] or upload.filename or ""
        return services.upload_attachment(current_user(), name, upload.read())


@blp.route("/notices/<int:notice_id>/attachments/<int:attachment_id>")
class AttachmentDownload(MethodView):
    decorators = [login_required]

    @blp.doc(**download_doc(services.ATTACHMENT_SUFFIXES))
    def get(self, notice_id, attachment_id):
        """Download an attachment of a notice I may read."""
        row = services.attachment(current_user(), notice_id, attachment_id)
        return storage.send(row.storage_key, row.content_type, row.name)
