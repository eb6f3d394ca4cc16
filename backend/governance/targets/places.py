"""The levels a dashboard drills through (county → township → community → estate), and
which of them a staff user may open: a place is visible through a staff membership on it or
on a level above it. Anything else is NotFound (404), as everywhere in Linli."""

from dataclasses import dataclass

from sqlalchemy import select

from backend.access.models import Membership
from backend.access.roles import STAFF_ROLES, ScopeKind
from backend.accounts.models import User
from backend.errors import NotFound
from backend.extensions import db
from backend.places.models import Community, County, Estate, Township

KINDS = ("county", "township", "community", "estate")
CHILD_KIND = {"county": "township", "township": "community", "community": "estate"}
KIND_LABELS = {
    "county": "县（市、区）",
    "township": "街道（乡镇）",
    "community": "社区",
    "estate": "小区",
}
MODELS = {"county": County, "township": Township, "community": Community, "estate": Estate}
PLACE_NOT_FOUND = "未找到该地区，或您无权查看"


@dataclass(frozen=True)
class Place:
    kind: str
    id: int
    name: str
    # (kind, id, name) of each level above, the county first.
    trail: tuple[tuple[str, int, str], ...] = ()

    @property
    def scope(self) -> tuple[str, int]:
        return (self.kind, self.id)

    @property
    def child_kind(self) -> str | None:
        return CHILD_KIND.get(self.kind)

    @property
    def ids(self) -> dict[str, int]:
        """The id of this place and of every level above it, by kind."""
        return {kind: place_id for kind, place_id, _ in self.trail} | {self.kind: self.id}


def _load(kind: str, place_id: int) -> Place | None:
    if kind == "county":
        county = db.session.get(County, place_id)
        return county and Place("county", county.id, county.name)
    if kind == "township":
        row = db.session.execute(
            select(Township, County)
            .join(County, County.id == Township.county_id)
            .where(Township.id == place_id)
        ).first()
        return row and Place(
            "township", row[0].id, row[0].name, (("county", row[1].id, row[1].name),)
        )
    if kind == "community":
        row = db.session.execute(
            select(Community, Township, County)
            .join(Township, Township.id == Community.township_id)
            .join(County, County.id == Township.county_id)
            .where(Community.id == place_id)
        ).first()
        return row and Place(
            "community",
            row[0].id,
            row[0].name,
            (("county", row[2].id, row[2].name), ("township", row[1].id, row[1].name)),
        )
    if kind == "estate":
        row = db.session.execute(
            select(Estate, Community, Township, County)
            .join(Community, Community.id == Estate.community_id)
            .join(Township, Township.id == Estate.township_id)
            .join(County, County.id == Estate.county_id)
            .where(Estate.id == place_id)
        ).first()
        return row and Place(
            "estate",
            row[0].id,
            row[0].name,
            (
                ("county", row[3].id, row[3].name),
                ("township", row[2].id, row[2].name),
                ("community", row[1].id, row[1].name),
            ),
        )
    return None


def _staff_scopes(user: User) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(Membership.scope_kind, Membership.scope_id).where(
            Membership.user_id == user.id,
            Membership.role.in_(STAFF_ROLES),
            Membership.scope_kind.in_([ScopeKind.COUNTY, ScopeKind.TOWNSHIP, ScopeKind.COMMUNITY]),
        )
    )
    return [(str(kind), scope_id) for kind, scope_id in rows]


def place_for(user: User, kind: str, place_id: int) -> Place:
    """The place, if one of the user's staff memberships covers it.

    :raises NotFound: unknown kind or place, or outside the user's scope.
    """
    place = _load(kind, place_id) if kind in KINDS else None
    if place is None:
        raise NotFound(PLACE_NOT_FOUND)
    ids = place.ids
    if not any(ids.get(scope_kind) == scope_id for scope_kind, scope_id in _staff_scopes(user)):
        raise NotFound(PLACE_NOT_FOUND)
    return place


def county_id(place: Place) -> int:
    """The id of the county the place lies in."""
    return place.ids["county"]


def home_place(user: User) -> Place:
    """The widest place the user supervises: the county for a county officer, and so on.

    :raises NotFound: the user supervises no place.
    """
    scopes = _staff_scopes(user)
    if not scopes:
        raise NotFound(PLACE_NOT_FOUND)
    kind, place_id = min(scopes, key=lambda scope: (KINDS.index(scope[0]), scope[1]))
    return place_for(user, kind, place_id)


def children_query(place: Place):
    """A SELECT of (id, name) of the places one level down, by name; None for an estate."""
    kind = place.child_kind
    if kind is None:
        return None
    model = MODELS[kind]
    parent = {"township": Township.county_id, "community": Community.township_id}.get(kind)
    parent = parent if parent is not None else Estate.community_id
    return select(model.id, model.name).where(parent == place.id).order_by(model.name, model.id)
