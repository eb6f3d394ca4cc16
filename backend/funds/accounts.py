"""Reading the fund: the estate's balance, each building's share, each unit's balance (a unit's
share is by area: every movement is split over units as it is booked), the movements, and the
chain's verification. Owners see their buildings and their units; staff see everything."""

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.pagination import Page, paginate
from backend.errors import Forbidden
from backend.extensions import db
from backend.funds import chain
from backend.funds.access import estate_for, is_staff, owned_units
from backend.funds.models import FundAllocation, FundMovement, MaintenanceFund
from backend.places.models import Building, Estate, Unit


def fund_of(estate_id: int) -> MaintenanceFund | None:
    return db.session.scalar(select(MaintenanceFund).where(MaintenanceFund.estate_id == estate_id))


def lock_fund(estate_id: int) -> MaintenanceFund:
    """The estate's fund, created on first use, locked so its chain grows one link at a time."""
    # Two first imports racing both try the insert; the unique estate_id lets one through and
    # the other waits for it on the lock below.
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(MaintenanceFund)
        .values(estate_id=estate_id, balance_fen=0, chain_length=0, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["estate_id"])
    )
    return db.session.scalars(
        select(MaintenanceFund)
        .where(MaintenanceFund.estate_id == estate_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def unit_balances(fund_id: int, unit_ids=None) -> dict[int, int]:
    """{unit id: balance in fen} (units without movements are absent)."""
    query = select(FundAllocation.unit_id, func.sum(FundAllocation.amount_fen)).where(
        FundAllocation.fund_id == fund_id
    )
    if unit_ids is not None:
        query = query.where(FundAllocation.unit_id.in_(list(unit_ids)))
    return {u: int(b) for u, b in db.session.execute(query.group_by(FundAllocation.unit_id))}


def _buildings(estate: Estate, fund: MaintenanceFund | None, only=None) -> list[dict]:
    query = (
        select(
            Building.id,
            Building.name,
            func.count(Unit.id),
            func.coalesce(func.sum(Unit.area_dm2), 0),
        )
        .outerjoin(Unit, Unit.building_id == Building.id)
        .where(Building.estate_id == estate.id)
        .group_by(Building.id, Building.name)
        .order_by(Building.id)
    )
    if only is not None:
        query = query.where(Building.id.in_(only))
    balances = {}
    if fund is not None:
        balances = dict(
            db.session.execute(
                select(FundAllocation.building_id, func.sum(FundAllocation.amount_fen))
                .where(FundAllocation.fund_id == fund.id)
                .group_by(FundAllocation.building_id)
            ).all()
        )
    return [
        {
            "building_id": bid,
            "name": name,
            "unit_count": count,
            "area_dm2": int(area),
            "balance_fen": int(balances.get(bid, 0)),
        }
        for bid, name, count, area in db.session.execute(query)
    ]


def fund_summary(user: User, estate_id: int) -> dict:
    """The fund as the caller may see it (see the module docstring)."""
    estate, roles = estate_for(user, estate_id)
    fund = fund_of(estate.id)
    staff = is_staff(roles)
    mine = [] if staff else owned_units(user, estate.id)
    balances = unit_balances(fund.id, [u.id for u in mine]) if fund and mine else {}
    return {
        "estate_id": estate.id,
        "estate_name": estate.name,
        "exists": fund is not None,
        "balance_fen": fund.balance_fen if fund else 0,
        "chain_length": fund.chain_length if fund else 0,
        "head_hash": fund.head_hash if fund else None,
        "buildings": _buildings(estate, fund, None if staff else {u.building_id for u in mine}),
        "my_units": [
            {
                "unit_id": u.id,
                "label": u.label,
                "building_id": u.building_id,
                "area_dm2": u.area_dm2,
                "balance_fen": balances.get(u.id, 0),
            }
            for u in mine
        ],
    }


def list_movements(
    user: User, estate_id: int, page: int, page_size: int, building_id: int | None = None
) -> Page:
    """The fund's movements, newest first; owners only those with a share on their units, and
    that share."""
    estate, roles = estate_for(user, estate_id)
    staff = is_staff(roles)
    mine = [] if staff else owned_units(user, estate.id)
    query = select(FundMovement).where(FundMovement.estate_id == estate.id)
    touching = select(FundAllocation.movement_id)
    if not staff:
        # An owner's movements are those with a share on their own units: a building's lines
        # and payments, never a neighbour's own deposit.
        touching = touching.where(FundAllocation.unit_id.in_([u.id for u in mine]))
    if building_id is not None:
        touching = touching.where(FundAllocation.building_id == building_id)
    if not staff or building_id is not None:
        query = query.where(FundMovement.id.in_(touching))
    result = paginate(
        query.order_by(FundMovement.occurred_on.desc(), FundMovement.id.desc()), page, page_size
    )
    movements = list(result.items)
    labels = _labels(movements)
    shares = {}
    if mine and movements:
        shares = dict(
            db.session.execute(
                select(FundAllocation.movement_id, func.sum(FundAllocation.amount_fen))
                .where(
                    FundAllocation.movement_id.in_([m.id for m in movements]),
                    FundAllocation.unit_id.in_([u.id for u in mine]),
                )
                .group_by(FundAllocation.movement_id)
            ).all()
        )
    result.items = [
        {
            "movement": m,
            "building_name": labels["buildings"].get(m.building_id),
            "unit_label": labels["units"].get(m.unit_id),
            "my_amount_fen": None if staff else int(shares.get(m.id, 0)),
        }
        for m in movements
    ]
    return result


def _labels(movements) -> dict:
    building_ids = {m.building_id for m in movements if m.building_id}
    unit_ids = {m.unit_id for m in movements if m.unit_id}
    buildings = dict(
        db.session.execute(
            select(Building.id, Building.name).where(Building.id.in_(building_ids))
        ).all()
    )
    units = {u.id: u.label for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    return {"buildings": buildings, "units": units}


def list_units(
    user: User, estate_id: int, page: int, page_size: int, building_id: int | None = None
) -> Page:
    """Every unit's balance (staff only).

    :raises Forbidden: an owner asks.
    """
    estate, roles = estate_for(user, estate_id)
    if not is_staff(roles):
        raise Forbidden("各房屋的维修资金明细仅对业委会、物业和主管部门开放")
    fund = fund_of(estate.id)
    query = select(Unit).where(Unit.estate_id == estate.id)
    if building_id is not None:
        query = query.where(Unit.building_id == building_id)
    result = paginate(query.order_by(Unit.building_id, Unit.id), page, page_size)
    units = list(result.items)
    balances = unit_balances(fund.id, [u.id for u in units]) if fund and units else {}
    result.items = [
        {
            "unit_id": u.id,
            "label": u.label,
            "building_id": u.building_id,
            "area_dm2": u.area_dm2,
            "balance_fen": balances.get(u.id, 0),
        }
        for u in units
    ]
    return result


def verify_for(user: User, estate_id: int) -> dict:
    estate, _roles = estate_for(user, estate_id)
    fund = fund_of(estate.id)
    if fund is None:
        return {"ok": True, "links_checked": 0, "head_hash": None, "broken": None}
    return chain.verify(fund)
