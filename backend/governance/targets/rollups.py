"""Reading the roll-ups (targets/models.py): which closed months are built, and their ticket
figures per place, per month or per place one level down. Figures come back as tuples in the
order of ``tickets.TicketFigures``; targets/tickets.py decides what is read from here and
what is counted live."""

from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from backend.extensions import db
from backend.governance.targets.models import PlaceMonthFigures, RollupMonth
from backend.governance.targets.periods import Month

F = PlaceMonthFigures
COLUMNS = (F.tickets, F.hotline, F.replied, F.on_time, F.rated, F.rating_sum, F.satisfied)


MEMO = "linli_rollup_months"


def _built_days() -> frozenset:
    """The first day of every built month, read once per transaction: a page asks for its
    tickets, register, meetings and problems, and each asks which months are built. (A few
    rows a year; a build or any SQL changing ``rollup_month`` ends the memo, see below.)"""
    session = db.session()
    memo = session.info.get(MEMO)
    if memo is not None and memo[0] is session.get_transaction():
        return memo[1]
    days = frozenset(session.scalars(select(RollupMonth.month)))
    session.info[MEMO] = (session.get_transaction(), days)
    return days


@event.listens_for(Session, "do_orm_execute")
def _forget_on_change(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is RollupMonth.__table__:
            state.session.info.pop(MEMO, None)


@event.listens_for(Session, "after_flush")
def _forget_on_flush(session, flush_context) -> None:
    if any(isinstance(row, RollupMonth) for row in (*session.new, *session.dirty)):
        session.info.pop(MEMO, None)


def built(months: list[Month]) -> set[Month]:
    """Those of ``months`` whose figures are built."""
    if not months:
        return set()
    days = _built_days()
    return {m for m in months if m.first_day in days}


def _sums():
    return tuple(func.coalesce(func.sum(column), 0) for column in COLUMNS)


def total(scope: tuple[str, int], months: list[Month]) -> tuple[int, ...]:
    """The figures of ``scope`` over ``months`` (built ones), added up."""
    kind, place_id = scope
    row = db.session.execute(
        select(*_sums()).where(
            F.kind == kind, F.place_id == place_id, F.month.in_([m.first_day for m in months])
        )
    ).one()
    return tuple(int(v) for v in row)


def by_month(scope: tuple[str, int], months: list[Month]) -> dict[Month, tuple[int, ...]]:
    """Month -> the figures of ``scope`` in it, for the built ``months`` that have any."""
    kind, place_id = scope
    by_day = {m.first_day: m for m in months}
    rows = db.session.execute(
        select(F.month, *COLUMNS).where(F.kind == kind, F.place_id == place_id, F.month.in_(by_day))
    )
    return {by_day[row[0]]: tuple(int(v) for v in row[1:]) for row in rows}


def by_place(
    scope: tuple[str, int], child_kind: str, months: list[Month]
) -> dict[int, tuple[int, ...]]:
    """Child place id -> its figures over the built ``months``, for the places one level
    below ``scope``."""
    kind, place_id = scope
    rows = db.session.execute(
        select(F.place_id, *_sums())
        .where(
            F.kind == child_kind,
            F.parent_id == place_id,
            F.month.in_([m.first_day for m in months]),
        )
        .group_by(F.place_id)
    )
    return {row[0]: tuple(int(v) for v in row[1:]) for row in rows}
