"""Where a scope (a kind of place and its id) sits in the place hierarchy: its estate, its
readable name, the places above it and the estates within it."""

from sqlalchemy import select

from backend.access.roles import ScopeKind
from backend.errors import NotFound
from backend.extensions import db
from backend.places.models import Building, Community, County, Estate, Township, Unit

_SCOPE_MODELS = {
    ScopeKind.UNIT: Unit,
    ScopeKind.ESTATE: Estate,
    ScopeKind.COMMUNITY: Community,
    ScopeKind.TOWNSHIP: Township,
    ScopeKind.COUNTY: County,
}


def estate_id_of_scope(kind: ScopeKind, scope_id: int) -> int | None:
    """The estate a unit or estate scope lies in (None for wider scopes).

    :raises NotFound: no place of that kind with that id.
    """
    place = db.session.get(_SCOPE_MODELS[kind], scope_id)
    if place is None:
        raise NotFound("该地点不存在", fields={"scope_id": ["不存在"]})
    if kind == ScopeKind.UNIT:
        return place.estate_id
    return place.id if kind == ScopeKind.ESTATE else None


def scope_names(places: list[tuple[ScopeKind, int]]) -> dict[tuple[ScopeKind, int], str]:
    """Readable names for places, one query per kind: 凤城花园 3栋1201 for a unit."""
    names = {}
    for kind in {k for k, _ in places}:
        ids = [i for k, i in places if k == kind]
        if kind == ScopeKind.UNIT:
            rows = db.session.execute(
                select(Unit.id, Estate.name, Building.name, Unit.number)
                .join(Building, Unit.building_id == Building.id)
                .join(Estate, Unit.estate_id == Estate.id)
                .where(Unit.id.in_(ids))
            )
            names.update({(kind, i): f"{e} {b}{n}" for i, e, b, n in rows})
        else:
            model = _SCOPE_MODELS[kind]
            rows = db.session.execute(select(model.id, model.name).where(model.id.in_(ids)))
            names.update({(kind, i): name for i, name in rows})
    return names


def place_lineage(kind: ScopeKind, place_id: int) -> dict[ScopeKind, int]:
    """The place and every place above it, by kind: an estate's community, township, county.

    :raises NotFound: no place of that kind with that id.
    """
    place = db.session.get(_SCOPE_MODELS[kind], place_id)
    if place is None:
        raise NotFound("该地点不存在")
    if kind == ScopeKind.ESTATE:
        return {
            ScopeKind.ESTATE: place.id,
            ScopeKind.COMMUNITY: place.community_id,
            ScopeKind.TOWNSHIP: place.township_id,
            ScopeKind.COUNTY: place.county_id,
        }
    if kind == ScopeKind.COMMUNITY:
        township = db.session.get(Township, place.township_id)
        return {
            ScopeKind.COMMUNITY: place.id,
            ScopeKind.TOWNSHIP: township.id,
            ScopeKind.COUNTY: township.county_id,
        }
    if kind == ScopeKind.TOWNSHIP:
        return {ScopeKind.TOWNSHIP: place.id, ScopeKind.COUNTY: place.county_id}
    return {ScopeKind.COUNTY: place.id}


def estates_within(kind: ScopeKind, place_id: int):
    """A SELECT of the ids of every estate in a place (the estate itself for an estate)."""
    column = {
        ScopeKind.ESTATE: Estate.id,
        ScopeKind.COMMUNITY: Estate.community_id,
        ScopeKind.TOWNSHIP: Estate.township_id,
        ScopeKind.COUNTY: Estate.county_id,
    }[kind]
    return select(Estate.id).where(column == place_id)
