"""The bearer-token guard for API views, and the current user."""

from functools import wraps

from flask import current_app, g, request

from backend.accounts.models import User
from backend.accounts.signed_in import user_with_memberships
from backend.accounts.tokens import read_access_token
from backend.errors import Unauthorized


def _user_from_header() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    user_id, version = read_access_token(token.strip(), current_app.config["JWT_SECRET"])
    user = user_with_memberships(user_id)
    # A token older than the user's last replay or deactivation is refused before it expires.
    if user is None or not user.is_active or version != user.token_version:
        raise Unauthorized("登录凭证无效，请重新登录", code="invalid_token")
    return user


def login_required(view):
    """Reject the request with 401 unless it carries a valid access token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.current_user = _user_from_header()
        return view(*args, **kwargs)

    return wrapper


def current_user() -> User:
    return g.current_user
