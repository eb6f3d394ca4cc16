"""The levels a dashboard drills through (county → township → community → estate), and
which of them a staff user may open: a place is visible through a staff membership on it or
on a level above it. Anything else is NotFound (404), as everywhere in Linli."""

import functools
from dataclasses import dataclass

from sqlalchemy import bindparam, select

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
_KIND_OF = {model: kind for kind, model in MODELS.items()}
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


# The (id, name) columns of the place and each level above it, the place first, and the
# joins that reach them: ids and names only, not four ORM entities per page.
_TRAILS = {
    "township": ((Township, County), (County.id == Township.county_id,)),
    "community": (
        (Community, Township, County),
        (Township.id == Community.township_id, County.id == Township.county_id),
    ),
    "estate": (
        (Estate, Community, Township, County),
        (
            Community.id == Estate.community_id,
            Township.id == Estate.township_id,
            County.id == Estate.county_id,
        ),
    ),
}


@functools.cache
def _trail_query(kind: str):
    # Built once per process: building it and its cache key cost as much as running it.
    models, joins = _TRAILS[kind]
    query = select(*(column for model in models for column in (model.id, model.name)))
    for model, on in zip(models[1:], joins, strict=True):
        query = query.join(model, on)
    return query.where(models[0].id == bindparam("place_id"))


def _load(kind: str, place_id: int) -> Place | None:
    if kind == "county":
        county = db.session.get(County, place_id)
        return county and Place("county", county.id, county.name)
    models, _ = _TRAILS[kind]
    # Plain columns through the session's connection (same transaction): the ORM's execution
    # path costs more than the query on every page.
    row = db.session.connection().execute(_trail_query(kind), {"place_id": place_id}).first()
    if row is None:
        return None
    above = [(_KIND_OF[model], row[2 * i], row[2 * i + 1]) for i, model in enumerate(models)]
    return Place(kind, row[0], row[1], tuple(reversed(above[1:])))  # the county first


def _staff_scopes(user: User) -> list[tuple[str, int]]:
    # From the user's memberships as loaded with the user for this request (the console's
    # sign-in check joins them): reading them again was a second round trip per page.
    scope_kinds = (ScopeKind.COUNTY, ScopeKind.TOWNSHIP, ScopeKind.COMMUNITY)
    return [
        (str(m.scope_kind), m.scope_id)
        for m in user.memberships
        if m.role in STAFF_ROLES and m.scope_kind in scope_kinds
    ]


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
