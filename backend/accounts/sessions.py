"""When console sessions and API tokens end: the versions on ``User`` that end all of a
user's sessions at once, the console's idle and absolute timeouts, password changes and
deactivation. Each public function that writes is one transaction.

A console session lives in Flask's signed cookie, so the server cannot delete it; it can only
stop accepting it. The cookie carries the user's ``session_version`` from sign-in, and raising
the number refuses every cookie issued before. Access tokens carry ``token_version`` the same
way. No server-side session store is needed, so nothing is kept in process memory.
"""

from collections.abc import Mapping

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from backend.access.models import Membership
from backend.access.roles import STAFF_ROLES, Role, ScopeKind
from backend.accounts import throttle
from backend.accounts.models import User
from backend.accounts.services import hash_password, revoke_api_tokens
from backend.accounts.signed_in import user_with_memberships
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.places.models import Community, Township

# Keys of the console session (Flask's signed cookie).
USER_KEY, VERSION_KEY, SIGNED_IN_KEY, SEEN_KEY = (
    "staff_user_id",
    "staff_version",
    "signed_in_at",
    "seen_at",
)
# Writing the last-seen time on every request would send a new cookie with every page; once a
# minute is precise enough for an idle timeout counted in minutes.
SEEN_REFRESH_SECONDS = 60
PASSWORD_MIN = 8


def _now() -> int:
    return int(utcnow().timestamp())


# ---------------------------------------------------------------- console sessions


def console_session_values(user: User) -> dict:
    """What a new console session stores: who, the user's session version, when."""
    now = _now()
    return {USER_KEY: user.id, VERSION_KEY: user.session_version, SIGNED_IN_KEY: now, SEEN_KEY: now}


def console_user(stored: Mapping) -> tuple[User | None, dict]:
    """The staff member a console session belongs to, or None when it has ended (signed
    out elsewhere, password changed, deactivated, idle too long, open too long); and the
    values to write back into the session (a fresh last-seen time, at most once a minute)."""
    user_id, version = stored.get(USER_KEY), stored.get(VERSION_KEY)
    signed_in, seen = stored.get(SIGNED_IN_KEY), stored.get(SEEN_KEY)
    if not all(isinstance(v, int) for v in (user_id, version, signed_in, seen)):
        return None, {}
    cfg, now = current_app.config, _now()
    if now - signed_in >= cfg["CONSOLE_MAX_HOURS"] * 3600:
        return None, {}
    if now - seen >= cfg["CONSOLE_IDLE_MINUTES"] * 60:
        return None, {}
    user = user_with_memberships(user_id)
    if user is None or not user.is_active or not user.password_hash:
        return None, {}
    if version != user.session_version:
        return None, {}
    return user, ({SEEN_KEY: now} if now - seen >= SEEN_REFRESH_SECONDS else {})


@unit_of_work
def end_console_sessions(user_id: int) -> None:
    """Sign the user out of the console everywhere (every cookie issued so far is refused)."""
    _bump(user_id, session_version=User.session_version + 1)


@unit_of_work
def change_password(user: User, current: str, new: str, confirm: str) -> int:
    """Change one's own console password; every other console session of the user ends.
    Returns the new session version, for the session the change was made in.

    :raises ValidationFailed: wrong current password, new one too short or not confirmed.
    """
    errors = {}
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        errors["current_password"] = ["当前密码不正确"]
    if len(new) < PASSWORD_MIN:
        errors["new_password"] = [f"新密码至少 {PASSWORD_MIN} 位"]
    elif new != confirm:
        errors["confirm_password"] = ["两次输入的新密码不一致"]
    if errors:
        raise ValidationFailed("密码未修改，请按提示修改", fields=errors)
    user.password_hash = hash_password(new)
    _bump(user.id, session_version=User.session_version + 1)
    return user.session_version


def _bump(user_id: int, **values) -> None:
    # One UPDATE with the increment in SQL: two bumps at once both count.
    db.session.execute(
        update(User).where(User.id == user_id).values(**values),
        execution_options={"synchronize_session": "fetch"},
    )


# ---------------------------------------------------------------- deactivation


def find_user(username: str | None = None, user_id: int | None = None) -> User:
    """A user by console username or by id.

    :raises NotFound: no such user.
    """
    if user_id is not None:
        user = db.session.get(User, user_id)
    else:
        user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("没有这个用户", code="user_not_found")
    return user


@unit_of_work
def deactivate(user: User) -> User:
    """Deactivate a user: no more sign-ins or logins, and every console session and API
    token of theirs ends now."""
    user.is_active = False
    revoke_api_tokens(user.id)
    _bump(user.id, session_version=User.session_version + 1)
    return user


@unit_of_work
def reactivate(user: User) -> User:
    """Let a deactivated user sign in again (sessions ended by the deactivation stay ended)."""
    user.is_active = True
    return user


# ---------------------------------------------------------------- the admin's staff list


def _admin_counties(admin: User) -> list[int]:
    return [
        m.scope_id
        for m in admin.memberships
        if m.role == Role.ADMIN and m.scope_kind == ScopeKind.COUNTY
    ]


def manages_accounts(user: User) -> bool:
    """Whether the user is a county's admin (the console shows them the staff list)."""
    return bool(_admin_counties(user))


def _staff_in(counties: list[int]):
    """A SELECT of the ids of console users holding a staff role inside the counties."""
    townships = select(Township.id).where(Township.county_id.in_(counties))
    communities = select(Community.id).where(Community.township_id.in_(townships))
    return (
        select(Membership.user_id)
        .where(Membership.role.in_(list(STAFF_ROLES)))
        .where(
            ((Membership.scope_kind == ScopeKind.COUNTY) & Membership.scope_id.in_(counties))
            | ((Membership.scope_kind == ScopeKind.TOWNSHIP) & Membership.scope_id.in_(townships))
            | (
                (Membership.scope_kind == ScopeKind.COMMUNITY)
                & Membership.scope_id.in_(communities)
            )
        )
    )


def staff_for_admin(admin: User) -> list[User]:
    """The console users an admin manages: staff of the admin's counties, by username.

    :raises Forbidden: the user is no county's admin.
    """
    counties = _admin_counties(admin)
    if not counties:
        raise Forbidden("只有系统管理员可以管理账号")
    return list(
        db.session.scalars(
            select(User)
            .where(User.username.is_not(None), User.id.in_(_staff_in(counties)))
            .order_by(User.username)
        )
    )


def staff_member_for_admin(admin: User, user_id: int) -> User:
    """One console user the admin manages.

    :raises Forbidden: the user is no county's admin.
    :raises NotFound: not a staff member of the admin's counties.
    """
    counties = _admin_counties(admin)
    if not counties:
        raise Forbidden("只有系统管理员可以管理账号")
    user = db.session.scalar(
        select(User).where(
            User.id == user_id, User.username.is_not(None), User.id.in_(_staff_in(counties))
        )
    )
    if user is None:
        raise NotFound("没有这个账号，或它不在您管理的范围内", code="user_not_found")
    return user


@unit_of_work
def set_active_by_admin(admin: User, user_id: int, active: bool) -> User:
    """An admin deactivates or reactivates a staff member of their counties.

    :raises Forbidden: not an admin. :raises NotFound: outside the admin's counties.
    :raises Conflict: an admin deactivating their own account (nobody would be left to undo it).
    """
    user = staff_member_for_admin(admin, user_id)
    if not active and user.id == admin.id:
        raise Conflict("不能停用自己的账号", code="cannot_deactivate_self")
    return deactivate(user) if not active else reactivate(user)


def unlock_by_admin(admin: User, user_id: int) -> User:
    """An admin lifts the lock of a staff member of their counties.

    :raises Forbidden: not an admin. :raises NotFound: outside the admin's counties.
    """
    user = staff_member_for_admin(admin, user_id)
    throttle.unlock(user.username)
    return user
