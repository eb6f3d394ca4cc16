"""Owners' votes (业主共同决定) under /api/v1: motions, documents, ballots, the eligibility
snapshot, results and their .xlsx exports."""

import io

import marshmallow as ma
from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common import storage
from backend.common.pagination import PageArgs, page_schema
from backend.common.schemas import BaseSchema, FileUploadSchema
from backend.common.uploads import download_doc
from backend.votes import exports, queries, schemas, services

blp = Blueprint("votes", __name__, url_prefix="/api/v1", description="业主共同决定（表决）")
FILE_RESPONSE = {"type": "string", "format": "binary"}


class ElectorListArgs(PageArgs, BaseSchema):
    q = ma.fields.String(
        load_default="", validate=ma.validate.Length(max=40, error="搜索内容不能超过 40 个字")
    )


@blp.route("/estates/<int:estate_id>/motions")
class EstateMotions(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.MotionListArgs, location="query")
    @blp.response(200, page_schema(schemas.MotionSchema))
    def get(self, args, estate_id):
        """The estate's motions, newest first (turnout while open, results once closed)."""
        return queries.list_for_estate(current_user(), estate_id, **args)

    @blp.arguments(schemas.MotionArgs)
    @blp.response(201, schemas.MotionSchema)
    def post(self, args, estate_id):
        """Announce a motion (committee; the community where there is no committee)."""
        user = current_user()
        motion = services.create_motion(user, estate_id, args)
        return queries.detail(user, motion.id)


@blp.route("/estates/<int:estate_id>/motion-attachments")
class AttachmentUpload(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.AttachmentNameArgs, location="form")
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, schemas.MotionAttachmentSchema)
    def post(self, form, files, estate_id):
        """Upload a document (PDF, Word, Excel, JPG, PNG) for a motion about to be announced;
        ``filename`` (a form field) names it when the file part cannot."""
        upload = files["file"]
        name = form["filename"] or upload.filename or ""
        return services.upload_attachment(current_user(), estate_id, name, upload.read())


@blp.route("/motion-attachments/<int:attachment_id>")
class AttachmentItem(MethodView):
    decorators = [login_required]

    @blp.doc(**download_doc(services.ATTACHMENT_SUFFIXES))
    def get(self, attachment_id):
        """A motion's document."""
        row = services.attachment_for(current_user(), attachment_id)
        return storage.send(row.storage_key, row.content_type, row.name)


@blp.route("/motions/<int:motion_id>")
class MotionItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.MotionSchema)
    def get(self, motion_id):
        """A motion as the caller sees it, with their own ballot."""
        return queries.detail(current_user(), motion_id)


@blp.route("/motions/<int:motion_id>/ballots")
class Ballots(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.BallotArgs)
    @blp.response(201, schemas.BallotSchema)
    def post(self, args, motion_id):
        """Cast the owner's one ballot; it is final (409 already_voted on a second try)."""
        return queries.ballot_view(services.cast_ballot(current_user(), motion_id, args["choice"]))


@blp.route("/motions/<int:motion_id>/paper-ballots")
class PaperBallots(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.PaperBallotArgs)
    @blp.response(201, schemas.BallotSchema)
    def post(self, args, motion_id):
        """Record an owner's paper ballot (organiser only)."""
        return queries.ballot_view(services.record_paper_ballot(current_user(), motion_id, **args))


@blp.route("/motions/<int:motion_id>/electors")
class Electors(MethodView):
    decorators = [login_required]

    @blp.arguments(ElectorListArgs, location="query")
    @blp.response(200, page_schema(schemas.ElectorSchema))
    def get(self, args, motion_id):
        """The eligibility snapshot and who has voted (organiser and supervisors)."""
        return queries.electors(current_user(), motion_id, **args)


@blp.route("/motions/<int:motion_id>/cancel")
class CancelMotion(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.CancelArgs)
    @blp.response(200, schemas.MotionSchema)
    def post(self, args, motion_id):
        """Withdraw a motion before voting opens."""
        user = current_user()
        services.cancel_motion(user, motion_id, args["reason"])
        return queries.detail(user, motion_id)


@blp.route("/motions/<int:motion_id>/close")
class CloseMotion(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.MotionSchema)
    def post(self, motion_id):
        """Tally now a motion whose voting time is over (the scheduler does it too)."""
        user = current_user()
        services.close_motion(user, motion_id)
        return queries.detail(user, motion_id)


@blp.route("/motions/<int:motion_id>/exports/<any(results, ballots, electors):kind>.xlsx")
class MotionExport(MethodView):
    decorators = [login_required]

    @blp.response(200, FILE_RESPONSE, content_type=exports.XLSX_TYPE)
    def get(self, motion_id, kind):
        """Results, per-unit ballots or the eligibility snapshot as .xlsx."""
        data, name = exports.export(current_user(), motion_id, kind)
        return send_file(
            io.BytesIO(data), mimetype=exports.XLSX_TYPE, download_name=name, max_age=0
        )


@blp.route("/me/ballots")
class MyBallots(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.MyBallotSchema))
    def get(self, args, **_):
        """The caller's ballots (and co-owners' ballots for the same units), newest first."""
        return queries.ballots_of(current_user(), **args)
