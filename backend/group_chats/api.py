"""An estate's supervision group chats (committee and officers)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.group_chats import schemas, services

blp = Blueprint("group_chats", __name__, url_prefix="/api/v1", description="监督群")


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
        """Register a group chat: a WeCom robot webhook (URL or key) or an app chat id."""
        return services.register(current_user(), estate_id, **args)


@blp.route("/group-chats/<int:group_id>")
class GroupChatItem(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.GroupChatPatchArgs)
    @blp.response(200, schemas.GroupChatSchema)
    def patch(self, args, group_id):
        """Rename, switch on/off, or replace the address."""
        return services.update(current_user(), group_id, **args)
