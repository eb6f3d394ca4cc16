"""Who sees which estate. Every estate-scoped lookup goes through here: outside a caller's
memberships the answer is NotFound (404), never someone else's data."""

from typing import TYPE_CHECKING

from sqlalchemy import Select, or_, select

from backend.access.models import Membership
from backend.access.roles import ScopeKind
from backend.errors import Forbidden, NotFound
from backend.extensions import db
from backend.places.models import Estate

if TYPE_CHECKING:  # accounts builds on access; a user is only read here (id, memberships)
    from backend.accounts.models import User


def _scope_ids(user_id: int, kind: ScopeKind, roles=None) -> Select:
    query = select(Membership.scope_id).where(
        Membership.user_id == user_id, Membership.scope_kind == kind
    )
    return query.where(Membership.role.in_(roles)) if roles else query


def visible_estates(user: "User", roles=None) -> Select:
    """Estates ``user`` may see (restricted to ``roles`` if given), as a SELECT of Estate."""
    member_estates = select(Membership.estate_id).where(
        Membership.user_id == user.id,
        Membership.scope_kind.in_([ScopeKind.UNIT, ScopeKind.ESTATE]),
    )
    if roles:
        member_estates = member_estates.where(Membership.role.in_(roles))
    return select(Estate).where(
        or_(
            Estate.id.in_(member_estates),
            Estate.community_id.in_(_scope_ids(user.id, ScopeKind.COMMUNITY, roles)),
            Estate.township_id.in_(_scope_ids(user.id, ScopeKind.TOWNSHIP, roles)),
            Estate.county_id.in_(_scope_ids(user.id, ScopeKind.COUNTY, roles)),
        )
    )


def sees_estate(user: "User", estate: Estate, roles=None) -> bool:
    """Whether ``estate`` is among ``visible_estates(user, roles)``, read from the memberships
    the request already loaded (the login guard loads them with the user) instead of a query."""
    held = roles_on_estate(user, estate)
    return bool(set(held) & set(roles)) if roles else bool(held)


def get_estate_for(user: "User", estate_id: int, roles=None) -> Estate:
    """The estate, if ``user`` holds one of ``roles`` (any role if None) over it.

    :raises NotFound: no such estate, or outside the user's scope.
    """
    estate = db.session.get(Estate, estate_id)
    if estate is None or not sees_estate(user, estate, roles):
        raise NotFound()
    return estate


def require_estate_role(user: "User", estate_id: int, roles) -> Estate:
    """The estate, if ``user`` holds one of ``roles`` over it.

    :raises NotFound: outside the user's scope altogether.
    :raises Forbidden: the user sees the estate but may not do this there.
    """
    estate = get_estate_for(user, estate_id)
    if not set(roles_on_estate(user, estate)) & set(roles):
        raise Forbidden()
    return estate


def roles_on_estate(user: "User", estate: Estate) -> list[str]:
    """Every role ``user`` holds that reaches ``estate`` (owner, committee, auditor, ...)."""
    places = {
        ScopeKind.COMMUNITY: estate.community_id,
        ScopeKind.TOWNSHIP: estate.township_id,
        ScopeKind.COUNTY: estate.county_id,
    }
    roles = set()
    for m in user.memberships:
        if m.estate_id == estate.id or places.get(m.scope_kind) == m.scope_id:
            roles.add(m.role)
    return sorted(roles)
