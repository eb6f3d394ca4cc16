"""Login, tokens, roles and owners' claims. Each public function is one transaction."""

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from backend.access.lineage import estate_id_of_scope, scope_names
from backend.access.models import Membership
from backend.access.roles import SCOPE_OF_ROLE, STAFF_ROLES, Role, ScopeKind
from backend.accounts.models import RefreshToken, User
from backend.accounts.naming import shown_name
from backend.common.clock import utcnow
from backend.common.schemas import CONTROL_CHARS
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Unauthorized, ValidationFailed
from backend.extensions import db

REAL_NAME_MAX = 32
REAL_NAME_ERROR = "请填写 2 到 32 个字的真实姓名"


def revoke_api_tokens(user_id: int) -> None:
    """Revoke every refresh token of the user and refuse every access token issued so far
    (they carry the old ``token_version``). Adds to the caller's transaction."""
    db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    # The increment in SQL: two revocations at once both count.
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(token_version=User.token_version + 1)
        .execution_options(synchronize_session="fetch")
    )


# ---------------------------------------------------------------- staff (console)


def hash_password(password: str) -> str:
    """The password's hash at the configured cost (LINLI_PASSWORD_HASH_METHOD)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@unit_of_work
def create_staff(
    username: str,
    password: str,
    role: str,
    scope_kind: str,
    scope_id: int,
    real_name: str | None = None,
) -> User:
    """Create a console user with a hashed password, their real name and one role.

    :raises Conflict: username taken.
    :raises ValidationFailed: not a staff role, the wrong kind of place, or no real name.
    """
    if role not in STAFF_ROLES:
        raise ValidationFailed("控制台账号只能授予监管角色", fields={"role": ["不是监管角色"]})
    if len(password) < 8:
        raise ValidationFailed("密码至少 8 位", fields={"password": ["密码至少 8 位"]})
    if db.session.scalar(select(User).where(User.username == username)):
        raise Conflict("该用户名已存在")
    user = User(username=username, display_name=username, password_hash=hash_password(password))
    take_real_name(user, real_name)
    db.session.add(user)
    db.session.flush()
    add_membership(user, role, scope_kind, scope_id)
    return user


def authenticate_staff(username: str, password: str) -> User:
    """:raises Unauthorized: wrong username or password (one message for both)."""
    if CONTROL_CHARS.search(username):
        raise Unauthorized("用户名或密码错误", code="bad_credentials")
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.password_hash or not user.is_active:
        # Hash anyway so a missing user takes as long as a wrong password.
        check_password_hash(hash_password("x"), password)
        raise Unauthorized("用户名或密码错误", code="bad_credentials")
    if not check_password_hash(user.password_hash, password):
        raise Unauthorized("用户名或密码错误", code="bad_credentials")
    return user


# ---------------------------------------------------------------- roles


@unit_of_work
def grant(
    openid: str, role: str, scope_kind: str, scope_id: int, real_name: str | None = None
) -> Membership:
    """Give the mini-program user ``openid`` a role on a place (created on first grant),
    recording their real name if given.

    :raises ValidationFailed: unknown role, wrong kind of place for it, or no real name on
        record for a role that acts in a workflow.
    :raises NotFound: no such place.
    """
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid, display_name="微信用户")
        db.session.add(user)
    take_real_name(user, real_name)
    db.session.flush()
    return add_membership(user, role, scope_kind, scope_id)


def take_real_name(user: User, real_name: str | None) -> None:
    """Record ``real_name`` on ``user`` when given (trimmed, 2 to 32 characters).

    :raises ValidationFailed: a name too short, too long or with control characters.
    """
    if real_name is None:
        return
    real_name = real_name.strip()
    if not 2 <= len(real_name) <= REAL_NAME_MAX or CONTROL_CHARS.search(real_name):
        raise ValidationFailed("请填写真实姓名", fields={"real_name": [REAL_NAME_ERROR]})
    user.real_name = real_name


def add_membership(user: User, role: str, scope_kind: str, scope_id: int) -> Membership:
    """Give ``user`` a role on a place (the one they have, if already held); flushes only.

    :raises ValidationFailed: unknown role or wrong kind of place for it.
    :raises NotFound: no such place.
    """
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed("未知角色", fields={"role": [f"可选：{', '.join(Role)}"]}) from None
    # Whoever acts in a workflow is named in its trail (DESIGN.md "People and trails");
    # an owner's name comes with the claim that made them one.
    if role != Role.OWNER and not user.real_name:
        raise ValidationFailed(
            "授予该角色前请先登记真实姓名", fields={"real_name": [REAL_NAME_ERROR]}
        )
    if SCOPE_OF_ROLE[role] != scope_kind:
        raise ValidationFailed(
            "角色与范围不匹配",
            fields={"scope_kind": [f"{role.value} 只能授予在 {SCOPE_OF_ROLE[role].value} 上"]},
        )
    estate_id = estate_id_of_scope(ScopeKind(scope_kind), scope_id)
    existing = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.role == role,
            Membership.scope_kind == scope_kind,
            Membership.scope_id == scope_id,
        )
    )
    if existing:
        return existing
    membership = Membership(
        user=user, role=role, scope_kind=scope_kind, scope_id=scope_id, estate_id=estate_id
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def profile(user: User) -> dict:
    """The caller's own page without claims (backend.claims adds them): roles with place
    names."""
    names = scope_names([(ScopeKind(m.scope_kind), m.scope_id) for m in user.memberships])
    memberships = [
        {
            "role": m.role,
            "scope_kind": m.scope_kind,
            "scope_id": m.scope_id,
            "scope_name": names.get((m.scope_kind, m.scope_id), ""),
            "estate_id": m.estate_id,
        }
        for m in user.memberships
    ]
    return {
        "id": user.id,
        # My own name as I see it (unmasked), not the WeChat nickname "微信用户".
        "display_name": shown_name(user, user, None),
        "user": user,
        "memberships": memberships,
    }
