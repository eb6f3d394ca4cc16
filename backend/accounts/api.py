"""Login, refresh and the WeCom binding for votes by chat (me and claims: backend.claims)."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts import login, schemas, throttle, wecom
from backend.accounts.auth import current_user, login_required
from backend.extensions import limiter

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="登录与业主认证")


def _wechat_login_limit():
    return current_app.config["WECHAT_LOGIN_RATE_LIMIT"]


def _refresh_limit():
    return current_app.config["REFRESH_RATE_LIMIT"]


def _address_ceiling():
    return current_app.config["WECHAT_LOGIN_ADDRESS_RATE_LIMIT"]


# Keyed on who logs in, not where from: owners' phones share carrier addresses (CGNAT). Per
# address only a high ceiling, counted separately for login and refresh.
@blp.route("/auth/wechat-login")
class WeChatLogin(MethodView):
    decorators = [
        limiter.limit(
            _wechat_login_limit, key_func=throttle.wechat_login_key, scope="wechat-login"
        ),
        limiter.limit(
            _address_ceiling, key_func=throttle.address_key, scope="wechat-login-address"
        ),
    ]

    @blp.doc(security=[])
    @blp.arguments(schemas.WeChatLoginArgs)
    @blp.response(200, schemas.SessionSchema)
    def post(self, args):
        """Exchange wx.login()'s code for an access token and a refresh token."""
        return login.wechat_login(args["code"])


@blp.route("/auth/refresh")
class Refresh(MethodView):
    decorators = [
        limiter.limit(_refresh_limit, key_func=throttle.refresh_key, scope="refresh"),
        limiter.limit(_address_ceiling, key_func=throttle.address_key, scope="refresh-address"),
    ]

    @blp.doc(security=[])
    @blp.arguments(schemas.RefreshArgs)
    @blp.response(200, schemas.SessionSchema)
    def post(self, args):
        """Trade a refresh token for new tokens (the old one stops working)."""
        return login.refresh_session(args["refresh_token"])


@blp.route("/me/wecom-binding")
class MyWecomBinding(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.WecomBindingSchema)
    def get(self):
        """Whether my WeCom (企业微信) identity is bound, so votes sent there count."""
        return wecom.binding_of(current_user())

    @blp.response(201, schemas.WecomBindingCodeSchema)
    def post(self):
        """A 6-digit code to send to the Linli WeCom app as "绑定 <code>" (verified owners)."""
        code, expires_at = wecom.issue_code(current_user())
        return {"code": code, "expires_at": expires_at}

    @blp.response(204)
    def delete(self):
        """Unbind my WeCom identity (and drop any pending code)."""
        wecom.unbind(current_user())
