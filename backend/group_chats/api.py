"""An estate's supervision group chats (committee and officers)."""

import io

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common.schemas import FileUploadSchema
from backend.group_chats import schemas, services

blp = Blueprint("group_chats", __name__, url_prefix="/api/v1", description="监督群")
PNG_RESPONSE = {"type": "string", "format": "binary"}


@blp.route("/estates/<int:estate_id>/group-chats")
class EstateGroupChats(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.GroupChatListSchema)
    def get(self, estate_id):
        """The estate's group chats (addresses masked)."""
        return {"items": services.list_for_estate(current_user(), estate_id)}

    @blp.arguments(schemas.GroupChatArgs)
    @blp.response(201, schemas.GroupChatSchema)
    def post(self, args, estate_id):
        """Register a group chat: a WeCom robot webhook (URL or key) or an app chat id, with
        its profile (an owners' external group unless said otherwise)."""
        return services.register(current_user(), estate_id, **args)


@blp.route("/group-chats/<int:group_id>")
class GroupChatItem(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.GroupChatPatchArgs)
    @blp.response(200, schemas.GroupChatSchema)
    def patch(self, args, group_id):
        """Rename, switch on/off, replace the address, change the profile, or record the member
        count (stamped with the time it is recorded)."""
        return services.update(current_user(), group_id, **args)


@blp.route("/group-chats/<int:group_id>/join-qr")
class GroupChatJoinQr(MethodView):
    decorators = [login_required]

    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(200, schemas.GroupChatSchema)
    def post(self, files, group_id):
        """Upload the group's join QR code (JPG or PNG, at most 5 MB) as WeCom shows it; it
        replaces the one before."""
        upload = files["file"]
        return services.set_join_qr(current_user(), group_id, upload.filename, upload.read())


@blp.route("/group-chats/<int:group_id>/poster.png")
class GroupChatPoster(MethodView):
    decorators = [login_required]

    @blp.response(200, PNG_RESPONSE, content_type="image/png")
    def get(self, group_id):
        """The poster owners scan to join the group (PNG, A4 at 150 dpi); 409 before a join
        QR code is uploaded."""
        png, name = services.poster_png(current_user(), group_id)
        return send_file(io.BytesIO(png), mimetype="image/png", download_name=name, max_age=0)
