"""What the register adds up to on a given day, for a county, township, community or estate:
estates, estates covered by a party branch, live committees, party-led committees and
committees due for re-election. Dashboards call these; three grouped queries per day, plain
SQL that runs on PostgreSQL and SQLite alike (dates compared as dates)."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, or_, select

from backend.extensions import db
from backend.governance.register.models import Committee, PartyBranch, PartyBranchEstate
from backend.places.models import Estate

SCOPE_KINDS = ("county", "township", "community", "estate")


@dataclass(frozen=True)
class RegisterFigures:
    estates: int  # current estates in scope (estates carry no creation date)
    party_covered: int  # estates covered by a live party branch that day
    committees: int  # estates with a committee live that day
    party_led: int  # of those, party-led since that day or earlier
    reelection_due: int  # of those, with the term ending within the notice days


def _column(model, kind: str):
    if kind not in SCOPE_KINDS:
        raise ValueError(f"unknown scope {kind!r}")
    return getattr(model, "id" if model is Estate and kind == "estate" else f"{kind}_id")


def notice_days() -> int:
    return current_app.config["REELECTION_NOTICE_DAYS"]


def live_on(on: date):
    """A committee live on ``on``: filed by then, not ended by then."""
    return and_(
        Committee.formed_on <= on, or_(Committee.ended_on.is_(None), Committee.ended_on > on)
    )


def due_on(on: date):
    """A term due for re-election on ``on``: it ends within the notice days (or has ended)."""
    return Committee.term_ends_on <= on + timedelta(days=notice_days())


def covered_on(on: date):
    """A branch covering its estates on ``on``: established by then, not dissolved by then."""
    return and_(
        PartyBranch.established_on <= on,
        or_(PartyBranch.dissolved_on.is_(None), PartyBranch.dissolved_on > on),
    )


def figures_on(scope: tuple[str, int], on: date) -> RegisterFigures:
    """The register's figures for ``scope`` ("county" | "township" | "community" | "estate",
    id) as of the Shanghai date ``on``.

    :raises ValueError: an unknown scope kind.
    """
    kind, place_id = scope
    estates = db.session.scalar(
        select(func.count()).select_from(Estate).where(_column(Estate, kind) == place_id)
    )
    covered = db.session.scalar(
        select(func.count(func.distinct(PartyBranchEstate.estate_id)))
        .join(PartyBranch, PartyBranch.id == PartyBranchEstate.branch_id)
        .join(Estate, Estate.id == PartyBranchEstate.estate_id)
        .where(_column(Estate, kind) == place_id, covered_on(on))
    )
    led = and_(Committee.is_party_led.is_(True), Committee.party_led_since <= on)
    committees, party_led, due = db.session.execute(
        select(
            func.count(func.distinct(Committee.estate_id)),
            func.count(case((led, 1))),
            func.count(case((due_on(on), 1))),
        ).where(_column(Committee, kind) == place_id, live_on(on))
    ).one()
    return RegisterFigures(
        estates=int(estates or 0),
        party_covered=int(covered or 0),
        committees=int(committees or 0),
        party_led=int(party_led or 0),
        reelection_due=int(due or 0),
    )


def estates(scope: tuple[str, int]) -> int:
    """The current estates in ``scope``."""
    kind, place_id = scope
    count = db.session.scalar(
        select(func.count()).select_from(Estate).where(_column(Estate, kind) == place_id)
    )
    return int(count or 0)


def estates_by(scope: tuple[str, int], child_kind: str) -> dict[int, int]:
    """Child place id -> its current estates, for the places one level below ``scope``."""
    kind, place_id = scope
    child = _column(Estate, child_kind)
    rows = db.session.execute(
        select(child, func.count()).where(_column(Estate, kind) == place_id).group_by(child)
    )
    return {child_id: int(count) for child_id, count in rows}


def figures_by(scope: tuple[str, int], child_kind: str, on: date) -> dict[int, RegisterFigures]:
    """``figures_on`` for every place one level below ``scope`` ("township", "community" or
    "estate" as ``child_kind``), keyed by its id: three grouped queries, however many places."""
    kind, place_id = scope
    in_scope = _column(Estate, kind) == place_id
    child = _column(Estate, child_kind)
    estates = dict(
        db.session.execute(select(child, func.count()).where(in_scope).group_by(child)).all()
    )
    covered = dict(
        db.session.execute(
            select(child, func.count(func.distinct(PartyBranchEstate.estate_id)))
            .join(PartyBranch, PartyBranch.id == PartyBranchEstate.branch_id)
            .join(Estate, Estate.id == PartyBranchEstate.estate_id)
            .where(in_scope, covered_on(on))
            .group_by(child)
        ).all()
    )
    led = and_(Committee.is_party_led.is_(True), Committee.party_led_since <= on)
    committees = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(
                child,
                func.count(func.distinct(Committee.estate_id)),
                func.count(case((led, 1))),
                func.count(case((due_on(on), 1))),
            )
            .join(Estate, Estate.id == Committee.estate_id)
            .where(in_scope, live_on(on))
            .group_by(child)
        )
    }
    return {
        child_id: RegisterFigures(
            int(count),
            int(covered.get(child_id, 0)),
            *(int(v) for v in committees.get(child_id, (0, 0, 0))),
        )
        for child_id, count in estates.items()
    }


def figures_series(scope: tuple[str, int], days: list[date]) -> list[RegisterFigures]:
    """``figures_on`` for each day, in order — three queries however many days: each day is
    a column of conditional counts, so a year of month-ends costs what one day does."""
    if not days:
        return []
    kind, place_id = scope
    estates = db.session.scalar(
        select(func.count()).select_from(Estate).where(_column(Estate, kind) == place_id)
    )
    covered = db.session.execute(
        select(
            *(
                func.count(func.distinct(case((covered_on(day), PartyBranchEstate.estate_id))))
                for day in days
            )
        )
        .select_from(PartyBranchEstate)
        .join(PartyBranch, PartyBranch.id == PartyBranchEstate.branch_id)
        .join(Estate, Estate.id == PartyBranchEstate.estate_id)
        .where(_column(Estate, kind) == place_id)
    ).one()
    columns = []
    for day in days:
        live = live_on(day)
        led = and_(live, Committee.is_party_led.is_(True), Committee.party_led_since <= day)
        columns += [
            func.count(func.distinct(case((live, Committee.estate_id)))),
            func.count(case((led, 1))),
            func.count(case((and_(live, due_on(day)), 1))),
        ]
    committees = db.session.execute(
        select(*columns).where(_column(Committee, kind) == place_id)
    ).one()
    return [
        RegisterFigures(
            estates=int(estates or 0),
            party_covered=int(covered[i] or 0),
            committees=int(committees[3 * i] or 0),
            party_led=int(committees[3 * i + 1] or 0),
            reelection_due=int(committees[3 * i + 2] or 0),
        )
        for i in range(len(days))
    ]
