"""Subscribe messages: what the mini-program asks consent for, and WeChat's answer."""

from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.subscriptions import schemas, services

blp = Blueprint("subscriptions", __name__, url_prefix="/api/v1", description="订阅消息")


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.MomentsSchema)
    def get(self):
        """The template ids each moment asks me for (none I have banned)."""
        return {"moments": services.moments_for(current_user())}

    @blp.arguments(schemas.ConsentAnswerArgs)
    @blp.response(200, schemas.MomentsSchema)
    def post(self, args):
        """Record WeChat's answer to one wx.requestSubscribeMessage: one message per accept."""
        return {"moments": services.record_answers(current_user(), args["moment"], args["answers"])}
