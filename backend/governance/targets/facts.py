"""The rest of a period's figures beside the tickets: the register at given days, joint
meetings and the problem list, read from the closed months' roll-ups (targets/models.py
``PlaceMonthFacts``) where a built month covers them, and counted live for the rest (the
current month, a month cut by the period's edges, a month not built yet, any estate), so the
two add up to exactly what counting the records gives."""

from datetime import date, timedelta

from sqlalchemy import func, select

from backend.extensions import db
from backend.governance.meetings import figures as meeting_figures
from backend.governance.meetings.figures import MeetingFigures
from backend.governance.problems import services as problem_services
from backend.governance.problems.services import ProblemFigures
from backend.governance.register import figures as register_figures
from backend.governance.register.figures import RegisterFigures
from backend.governance.targets import rollups
from backend.governance.targets.models import PlaceMonthFacts
from backend.governance.targets.periods import Month, months_between, start_of

F = PlaceMonthFacts
ROLLED_UP = ("county", "township", "community")  # estates are always counted live
REGISTER = (F.party_covered, F.committees, F.party_led, F.reelection_due)
MEETINGS = (F.meetings_held, F.items_decided, F.disputes, F.disputes_resolved)
PROBLEMS = (F.problems_created, F.problems_closed, F.problems_closed_on_time)


def _sums(columns):
    return tuple(func.coalesce(func.sum(column), 0) for column in columns)


def _month_end(day: date) -> Month | None:
    """The month ``day`` ends, if it is a month's last day."""
    month = Month(day.year, day.month)
    return month if day == month.last_day else None


def _built_month_ends(kind: str, days: list[date]) -> set[Month]:
    if kind not in ROLLED_UP:
        return set()
    return rollups.built([m for m in map(_month_end, days) if m is not None])


def register_series(
    scope: tuple[str, int], days: list[date], estates: int | None = None
) -> list[RegisterFigures]:
    """``register_figures.figures_on`` for each day, in order: a day ending a built month from
    its roll-up, the others counted live (one call for all of them). ``estates``: the
    place's estates, if the caller knows them already."""
    if not days:
        return []
    kind, place_id = scope
    built = _built_month_ends(kind, days)
    rolled = {}
    if built:
        by_day = {m.first_day: m for m in built}
        rows = db.session.execute(
            select(F.month, *_sums(REGISTER))
            .where(F.kind == kind, F.place_id == place_id, F.month.in_(by_day))
            .group_by(F.month)
        )
        rolled = {by_day[row[0]]: tuple(int(v) for v in row[1:]) for row in rows}
    live_days = [day for day in days if _month_end(day) not in built]
    live = dict(zip(live_days, register_figures.figures_series(scope, live_days), strict=True))
    if live:
        estates = next(iter(live.values())).estates
    elif estates is None:
        estates = register_figures.estates(scope)
    found = []
    for day in days:
        month = _month_end(day)
        if month in built:
            found.append(RegisterFigures(estates, *rolled.get(month, (0, 0, 0, 0))))
        else:
            found.append(live[day])
    return found


def register_on(scope: tuple[str, int], day: date) -> RegisterFigures:
    return register_series(scope, [day])[0]


def register_by(scope: tuple[str, int], child_kind: str, day: date) -> dict:
    """``register_figures.figures_by``: from the roll-up when ``day`` ends a built month and
    the children are rolled up, else live."""
    kind, place_id = scope
    month = _month_end(day)
    if child_kind not in ROLLED_UP or month not in _built_month_ends(kind, [day]):
        return register_figures.figures_by(scope, child_kind, day)
    rows = db.session.execute(
        select(F.place_id, *_sums(REGISTER))
        .where(F.kind == child_kind, F.parent_id == place_id, F.month == month.first_day)
        .group_by(F.place_id)
    )
    rolled = {row[0]: tuple(int(v) for v in row[1:]) for row in rows}
    return {
        child_id: RegisterFigures(count, *rolled.get(child_id, (0, 0, 0, 0)))
        for child_id, count in register_figures.estates_by(scope, child_kind).items()
    }


def _plan(kind: str, since: date, until: date) -> tuple[list[Month], list[tuple[date, date]]]:
    """The built months wholly inside ``since``..``until`` (none for an estate), and the date
    ranges left over (both ends included), to be counted live."""
    months = [
        m for m in months_between(since, until) if since <= m.first_day and m.last_day <= until
    ]
    built = sorted(rollups.built(months), key=lambda m: m.first_day) if kind in ROLLED_UP else []
    ranges, low = [], since
    for month in built:
        if low < month.first_day:
            ranges.append((low, month.first_day - timedelta(days=1)))
        low = month.next.first_day
    if low <= until:
        ranges.append((low, until))
    return built, ranges


def _rolled_total(scope: tuple[str, int], months: list[Month], columns) -> tuple[int, ...]:
    if not months:
        return (0,) * len(columns)
    kind, place_id = scope
    row = db.session.execute(
        select(*_sums(columns)).where(
            F.kind == kind, F.place_id == place_id, F.month.in_([m.first_day for m in months])
        )
    ).one()
    return tuple(int(v) for v in row)


def meetings(scope: tuple[str, int], since: date, until: date) -> MeetingFigures:
    """``meeting_figures.figures`` with the built months read from their roll-ups."""
    built, ranges = _plan(scope[0], since, until)
    live = meeting_figures.figures_in(scope, ranges)
    rolled = _rolled_total(scope, built, MEETINGS)
    return MeetingFigures(
        meetings_held=live.meetings_held + rolled[0],
        items_decided=live.items_decided + rolled[1],
        disputes=live.disputes + rolled[2],
        disputes_resolved=live.disputes_resolved + rolled[3],
        communities=live.communities,
        communities_overdue=live.communities_overdue,
    )


def problems(scope: tuple[str, int], since: date, until: date) -> ProblemFigures:
    """``problem_services.problem_figures`` with the built months read from their roll-ups."""
    built, ranges = _plan(scope[0], since, until)
    live = problem_services.problem_figures_in(
        scope, [(start_of(low), start_of(high, 1)) for low, high in ranges]
    )
    rolled = _rolled_total(scope, built, PROBLEMS)
    return ProblemFigures(
        created=live.created + rolled[0],
        closed_out=live.closed_out + rolled[1],
        closed_on_time=live.closed_on_time + rolled[2],
        overdue_now=live.overdue_now,
    )
