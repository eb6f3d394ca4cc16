"""The places a notice author may post to, for the mini-program's audience chooser: each place
of one kind (estate, community, township, county) that one of the author's roles reaches, with
how many estates a notice there reaches. Posting checks the same rule (services.publish)."""

from sqlalchemy import Select, func, literal, or_, select

from backend.access.models import Membership
from backend.access.roles import NOTICE_AUTHOR_ROLES, ScopeKind
from backend.accounts.models import User
from backend.common.pagination import Page, paginate_rows
from backend.places.models import Community, County, Estate, Township

KINDS = (ScopeKind.ESTATE, ScopeKind.COMMUNITY, ScopeKind.TOWNSHIP, ScopeKind.COUNTY)


def _held(user: User, kind: ScopeKind) -> Select:
    """Ids of the places of ``kind`` where the user holds a role that posts notices."""
    return select(Membership.scope_id).where(
        Membership.user_id == user.id,
        Membership.scope_kind == kind,
        Membership.role.in_(NOTICE_AUTHOR_ROLES),
    )


def _estates_in(column) -> Select:
    return select(func.count()).where(column).scalar_subquery()


def _query(user: User, kind: ScopeKind) -> Select:
    """A SELECT of (id, name, estate_count) of the places of ``kind`` the user may post to."""
    held = {k: _held(user, k) for k in KINDS}
    if kind == ScopeKind.ESTATE:
        return select(Estate.id, Estate.name, literal(1).label("estate_count")).where(
            or_(
                Estate.id.in_(held[ScopeKind.ESTATE]),
                Estate.community_id.in_(held[ScopeKind.COMMUNITY]),
                Estate.township_id.in_(held[ScopeKind.TOWNSHIP]),
                Estate.county_id.in_(held[ScopeKind.COUNTY]),
            )
        )
    if kind == ScopeKind.COMMUNITY:
        count = _estates_in(Estate.community_id == Community.id)
        return (
            select(Community.id, Community.name, count.label("estate_count"))
            .join(Township, Township.id == Community.township_id)
            .where(
                or_(
                    Community.id.in_(held[ScopeKind.COMMUNITY]),
                    Community.township_id.in_(held[ScopeKind.TOWNSHIP]),
                    Township.county_id.in_(held[ScopeKind.COUNTY]),
                )
            )
        )
    if kind == ScopeKind.TOWNSHIP:
        count = _estates_in(Estate.township_id == Township.id)
        return select(Township.id, Township.name, count.label("estate_count")).where(
            or_(
                Township.id.in_(held[ScopeKind.TOWNSHIP]),
                Township.county_id.in_(held[ScopeKind.COUNTY]),
            )
        )
    count = _estates_in(Estate.county_id == County.id)
    return select(County.id, County.name, count.label("estate_count")).where(
        County.id.in_(held[ScopeKind.COUNTY])
    )


def audiences(user: User, kind: str, q: str | None, page: int, page_size: int) -> Page:
    """One page of the places of ``kind`` the user may post notices to, by name, each with
    the number of estates a notice there reaches (none for a user who posts nowhere)."""
    kind = ScopeKind(kind)
    query = _query(user, kind)
    name = query.selected_columns.name
    if q:
        query = query.where(name.contains(q.strip(), autoescape=True))
    result = paginate_rows(query.order_by(name, query.selected_columns.id), page, page_size)
    result.items = [
        {
            "kind": str(kind),
            "id": row.id,
            "name": row.name,
            "label": row.name if kind == ScopeKind.ESTATE else f"{row.name}全体小区",
            "estate_count": int(row.estate_count),
        }
        for row in result.items
    ]
    return result
