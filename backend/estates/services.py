"""Estates as people reach them: scoped estate lists, the join directory, units, registers."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.access.roles import REGISTER_ROLES
from backend.access.scope import (
    require_estate_role,
    roles_on_estate,
    sees_estate,
    visible_estates,
)
from backend.accounts.models import User
from backend.common.pagination import Page, paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import NotFound
from backend.extensions import db
from backend.places import register
from backend.places.models import Building, Community, County, Estate, Township, Unit


def _search(query, q: str | None):
    query = query.options(joinedload(Estate.community).joinedload(Community.township))
    if q:
        query = query.where(Estate.name.contains(q.strip(), autoescape=True))
    return query.order_by(Estate.name, Estate.id)


def list_my_estates(user: User, q: str | None, page: int, page_size: int) -> Page:
    """Estates within the caller's memberships, optionally filtered by name."""
    return paginate(_search(visible_estates(user), q), page, page_size)


def search_directory(q: str, page: int, page_size: int) -> Page:
    """The public directory owners search to find their estate before they belong to it:
    names and addresses only, which are public anyway."""
    return paginate(_search(select(Estate), q), page, page_size)


def estate_detail(user: User, estate_id: int) -> dict:
    """:raises NotFound: outside the caller's scope."""
    # One statement: the estate, what its schema prints of it and its unit count; the scope
    # check reads the memberships the login guard loaded.
    # count(*), not count(unit.id): the (estate_id, building_id) index covers it, no heap fetch.
    unit_count = select(func.count()).where(Unit.estate_id == Estate.id).scalar_subquery()
    row = db.session.execute(
        select(Estate, unit_count)
        .options(
            joinedload(Estate.community).joinedload(Community.township),
            joinedload(Estate.property_company),
        )
        .where(Estate.id == estate_id)
    ).first()
    if row is None or not sees_estate(user, row[0]):
        raise NotFound()
    estate, units = row
    return {"estate": estate, "unit_count": units, "my_roles": roles_on_estate(user, estate)}


def list_buildings(estate_id: int) -> list[dict]:
    """Buildings of any estate (directory level: a claimant picks a building before joining).

    :raises NotFound: no such estate.
    """
    if db.session.get(Estate, estate_id) is None:
        raise NotFound()
    rows = db.session.execute(
        select(Building, func.count(Unit.id))
        .outerjoin(Unit, Unit.building_id == Building.id)
        .where(Building.estate_id == estate_id)
        .group_by(Building.id)
        .order_by(Building.name)
    )
    return [{"id": b.id, "name": b.name, "unit_count": n} for b, n in rows]


def list_units(building_id: int, page: int, page_size: int) -> Page:
    """:raises NotFound: no such building."""
    if db.session.get(Building, building_id) is None:
        raise NotFound()
    query = select(Unit).where(Unit.building_id == building_id).order_by(Unit.floor, Unit.number)
    return paginate(query, page, page_size)


# ---------------------------------------------------------------- registers


@unit_of_work
def import_estate_register(user: User, estate_id: int, stream) -> dict:
    """Load an estate's unit register (.xlsx); all rows or nothing.

    :raises NotFound: the estate is outside the caller's scope.
    :raises Forbidden: the caller may not manage this estate's register.
    :raises ValidationFailed: a bad file or row (nothing saved).
    """
    estate = require_estate_role(user, estate_id, REGISTER_ROLES)
    rows = register.read_register(stream, with_places=False)
    counts = _upsert_units(estate, rows)
    return counts


@unit_of_work
def import_county_register(stream) -> dict:
    """Load townships, communities, estates, buildings and units from one workbook.
    Re-importing the same file changes nothing.

    :raises ValidationFailed: a bad file or row (nothing saved).
    """
    rows = register.read_register(stream, with_places=True)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "estates": 0}
    by_estate: dict[tuple, list] = {}
    for row in rows:
        key = (row.county, row.township, row.community, row.estate)
        by_estate.setdefault(key, []).append(row)
    for (county, township, community, name), estate_rows in by_estate.items():
        estate = _estate_by_names(county, township, community, name, estate_rows[0].address)
        for key, value in _upsert_units(estate, estate_rows).items():
            counts[key] += value
        counts["estates"] += 1
    return counts


def _get_or_create(model, **keys):
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys)
        db.session.add(row)
        db.session.flush()
    return row


def _estate_by_names(county, township, community, name, address) -> Estate:
    county_row = _get_or_create(County, name=county)
    township_row = _get_or_create(Township, county_id=county_row.id, name=township)
    community_row = _get_or_create(Community, township_id=township_row.id, name=community)
    estate = db.session.scalar(select(Estate).filter_by(community_id=community_row.id, name=name))
    if estate is None:
        estate = Estate(
            community_id=community_row.id,
            township_id=township_row.id,
            county_id=county_row.id,
            name=name,
            address=address,
        )
        db.session.add(estate)
        db.session.flush()
    elif address and estate.address != address:
        estate.address = address
    return estate


def _upsert_units(estate: Estate, rows) -> dict:
    """Create or update units by (building, number); one query per table, not per row."""
    buildings = {
        b.name: b
        for b in db.session.scalars(select(Building).where(Building.estate_id == estate.id))
    }
    units = {
        (u.building_id, u.number): u
        for u in db.session.scalars(select(Unit).where(Unit.estate_id == estate.id))
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        building = buildings.get(row.building)
        if building is None:
            building = buildings[row.building] = Building(estate_id=estate.id, name=row.building)
            db.session.add(building)
            db.session.flush()
        unit = units.get((building.id, row.number))
        values = {"floor": row.floor, "area_dm2": row.area_dm2, "is_developer_unsold": row.unsold}
        if row.owner_of_record is not None:
            values["owner_of_record_name"] = row.owner_of_record or None
        if unit is None:
            db.session.add(
                Unit(estate_id=estate.id, building_id=building.id, number=row.number, **values)
            )
            counts["created"] += 1
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    db.session.flush()
    return counts
