"""What a supervision dashboard shows for one place and period: the five targets (四升一降)
with their definitions, the monthly series, the places one level down, and the problem-list
and credit-penalty figures. Every number is counted from Linli's records; where there is
nothing to count the value is None and the page says 暂无数据.

Tables are plain rows of cells so the page and the .xlsx export show the same thing.
"""

from dataclasses import astuple, dataclass, field
from datetime import date

from backend.common.pagination import Page, paginate_rows
from backend.common.ratios import average, basis_points, chart_value, percent
from backend.governance.credit import figures as credit
from backend.governance.funds import figures as fund_figures
from backend.governance.ratings.figures import StarDistribution, distribution
from backend.governance.register.figures import RegisterFigures
from backend.governance.targets import facts, periods, tickets
from backend.governance.targets.definitions import DEFINITIONS
from backend.governance.targets.places import KIND_LABELS, Place, children_query
from backend.outbox import group_checks
from backend.outbox.group_checks import LivenessFigures

CHILDREN_PAGE_SIZE = 50


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    direction: str  # "up": higher is better; "down": lower is better
    value: str | None
    detail: str
    definition: str


@dataclass
class Row:
    cells: list
    place: tuple[str, int] | None = None  # the place a row drills down to


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    page: Page | None = None


def _ticket_targets(figures: tickets.TicketFigures) -> list[Target]:
    f = figures
    return [
        Target(
            "service_quality",
            "服务质量（按时办结率）",
            "up",
            percent(f.on_time, f.replied),
            f"已反馈 {f.replied} 件，按时 {f.on_time} 件",
            DEFINITIONS["on_time"],
        ),
        Target(
            "satisfaction",
            "业主满意度（平均评分）",
            "up",
            None if not f.rated else f"{average(f.rating_sum, f.rated)} 分",
            f"{f.rated} 件有评价，满意率 {percent(f.satisfied, f.rated) or '暂无数据'}",
            DEFINITIONS["satisfaction"],
        ),
        Target(
            "complaints",
            "投诉量",
            "down",
            f"{f.tickets} 件",
            f"其中 12345 热线 {f.hotline} 件",
            DEFINITIONS["complaints"],
        ),
    ]


def stars_text(d: StarDistribution) -> str:
    return (
        f"五星 {d.five} · 四星 {d.four} · 三星 {d.three} · 二星 {d.two} · 一星 {d.one}"
        f" · 未达星级 {d.no_star} · 未评定 {d.unrated}"
    )


def _star_target(year: int, d: StarDistribution) -> Target:
    rated = d.five + d.four + d.three + d.two + d.one + d.no_star
    return Target(
        "stars",
        f"服务质量（{year} 年星级评定）",
        "up",
        None if not rated else f"{d.five + d.four + d.three} 个三星及以上",
        stars_text(d),
        DEFINITIONS["stars"],
    )


def _register_targets(on: date, r: RegisterFigures) -> list[Target]:
    day = f"截至 {on.isoformat()}"
    return [
        Target(
            "party_coverage",
            "党组织覆盖率",
            "up",
            percent(r.party_covered, r.estates),
            f"{day}：{r.party_covered} / {r.estates} 个小区",
            DEFINITIONS["party_coverage"],
        ),
        Target(
            "committee_formation",
            "业委会组建率",
            "up",
            percent(r.committees, r.estates),
            f"{day}：{r.committees} / {r.estates} 个小区，{r.reelection_due} 个待换届",
            DEFINITIONS["committee_formation"],
        ),
        Target(
            "party_led",
            "红色业委会占比",
            "up",
            percent(r.party_led, r.committees),
            f"{day}：{r.party_led} / {r.committees} 个业委会",
            DEFINITIONS["party_led"],
        ),
    ]


def _liveness_target(on: date, f: LivenessFigures) -> Target:
    target = group_checks.TARGET_PERCENT
    met = (
        ""
        if not f.estates
        else ("，已达标" if f.active * 100 >= target * f.estates else "，未达标")
    )
    return Target(
        "group_liveness",
        "监督群常态化运行率",
        "up",
        percent(f.active, f.estates),
        f"截至 {on.isoformat()}：{f.active} / {f.estates} 个小区（目标 {target}%{met}）",
        DEFINITIONS["group_liveness"],
    )


def as_of(until: date) -> date:
    """The day a period's standing figures are read on: its last day, or today if sooner."""
    return min(until, periods.today())


@dataclass
class Standing:
    """The places one level down as of a day: their register and group liveness, read once
    for the children table and, added up, for the place itself (every estate of a place lies
    in exactly one of its children, so the sums are the place's own figures)."""

    register: dict  # child id -> RegisterFigures
    liveness: dict  # child id -> LivenessFigures


def standing_below(place: Place, day: date, liveness: bool = True) -> Standing | None:
    """The children's standing on ``day``: two grouped queries (one without ``liveness``,
    which live_figures adds); None for an estate."""
    kind = place.child_kind
    if kind is None:
        return None
    return Standing(
        facts.register_by(place.scope, kind, day),
        group_checks.figures_by(place.scope, kind, day) if liveness else {},
    )


def _added(rows, cls):
    return cls(*(sum(column) for column in zip(*map(astuple, rows), strict=True)))


@dataclass
class Series:
    """A place's figures month by month over a period, read once for the targets, the table
    and the chart: tickets per month (cut to the period), the register at each month's end."""

    day: date  # the period's last day, or today if sooner
    months: list[periods.Month]
    tickets: dict  # Month -> TicketFigures
    standing: list[RegisterFigures]  # at each month's end (the last one: on ``day``)
    ticket_totals: tickets.TicketFigures
    register_now: RegisterFigures
    liveness_now: LivenessFigures | None  # None until with_liveness reads it
    below: Standing | None  # the places one level down on ``day``


def series(place: Place, since: date, until: date, liveness: bool = True) -> Series:
    """The place's Series; without ``liveness`` its group liveness is left out (None and
    empty), for live_figures to add: it moves with the clock, so it is never cached."""
    day = as_of(until)
    months = periods.months(since, day)
    by_month = tickets.by_month(place.scope, months, since, until)
    below = standing_below(place, day, liveness)
    ends = [min(month.last_day, day) for month in months]
    if below is None:
        standing = facts.register_series(place.scope, ends)
        now = standing[-1] if months else facts.register_on(place.scope, day)
    else:
        now = _added(below.register.values(), RegisterFigures)
        # The last month ends on ``day``: the children's sum, already read.
        standing = []
        if months:
            standing = [*facts.register_series(place.scope, ends[:-1], now.estates), now]
    # The months add up to the period unless it started before the first month shown.
    whole = bool(months) and months[0].first_day <= since
    totals = (
        tickets.total(by_month.values()) if whole else tickets.figures(place.scope, since, until)
    )
    found = Series(day, months, by_month, standing, totals, now, None, below)
    return with_liveness(place, found) if liveness else found


def with_liveness(place: Place, s: Series) -> Series:
    """``s`` with its group liveness read now: one grouped query."""
    if s.below is None:
        s.liveness_now = group_checks.figures_on(place.scope, s.day)
    else:
        s.below.liveness = group_checks.figures_by(place.scope, place.child_kind, s.day)
        s.liveness_now = _added(s.below.liveness.values(), LivenessFigures)
    return s


@dataclass
class Figures:
    """Everything a dashboard page shows for one place, period and page of children except
    group liveness: what the figures cache keeps (targets/cache.py)."""

    series: Series
    stars: StarDistribution
    supervision: dict
    children: Page | None  # the page of places one level down, (id, name) each
    children_tickets: dict  # child id -> TicketFigures


def figures(place: Place, since: date, until: date, page: int) -> Figures:
    s = series(place, since, until, liveness=False)
    query = children_query(place)
    found, by_place = None, {}
    if query is not None:
        found = paginate_rows(query, page, CHILDREN_PAGE_SIZE)
        found.items = [tuple(row) for row in found.items]
        by_place = tickets.by_place(place.scope, place.child_kind, since, until)
    return Figures(
        s, distribution(place.scope, until.year), supervision(place, since, until), found, by_place
    )


def targets(
    place: Place, until: date, s: Series, stars: StarDistribution | None = None
) -> list[Target]:
    """The five targets for ``place``: the register as of the period's last day (or today),
    the star ratings of ``until``'s year (``stars`` if already read), and the tickets of the
    period."""
    if stars is None:
        stars = distribution(place.scope, until.year)
    return [
        *_register_targets(s.day, s.register_now),
        _star_target(until.year, stars),
        *_ticket_targets(s.ticket_totals),
        _liveness_target(s.day, s.liveness_now),
    ]


def supervision(place: Place, since: date, until: date) -> dict:
    """The joint meetings', problem list's, credit penalties' and repair projects' figures
    over the period."""
    return {
        "meetings": facts.meetings(place.scope, since, until),
        "problems": facts.problems(place.scope, since, until),
        "credit": credit.figures(place.scope, since, until),
        "funds": fund_figures.figures(place.scope, since, until),
    }


def _ticket_cells(f: tickets.TicketFigures) -> list:
    return [
        f.tickets,
        f.hotline,
        percent(f.on_time, f.replied),
        average(f.rating_sum, f.rated),
        percent(f.satisfied, f.rated),
    ]


TICKET_HEADERS = ["投诉量（件）", "其中12345热线", "按时办结率", "平均评分", "满意率"]
REGISTER_HEADERS = ["党组织覆盖率", "业委会组建率", "红色业委会占比"]


def _register_cells(r: RegisterFigures) -> list:
    return [
        percent(r.party_covered, r.estates),
        percent(r.committees, r.estates),
        percent(r.party_led, r.committees),
    ]


def monthly(s: Series) -> tuple[Table, dict]:
    """The monthly table and the chart's series. Months after today are left out: they have
    no data yet."""
    table = Table("monthly", "月度明细", ["月份", *REGISTER_HEADERS, *TICKET_HEADERS])
    chart = {
        key: []
        for key in ("months", "coverage", "formation", "party_led")
        + ("complaints", "on_time", "satisfied")
    }
    for month, r in zip(s.months, s.standing, strict=True):
        f = s.tickets[month]
        table.rows.append(Row([month.label, *_register_cells(r), *_ticket_cells(f)]))
        chart["months"].append(month.label)
        chart["coverage"].append(chart_value(basis_points(r.party_covered, r.estates)))
        chart["formation"].append(chart_value(basis_points(r.committees, r.estates)))
        chart["party_led"].append(chart_value(basis_points(r.party_led, r.committees)))
        chart["complaints"].append(f.tickets)
        chart["on_time"].append(chart_value(basis_points(f.on_time, f.replied)))
        chart["satisfied"].append(chart_value(basis_points(f.satisfied, f.rated)))
    return table, chart


def children(
    place: Place,
    since: date,
    until: date,
    page: int | None = 1,
    below: Standing | None = None,
    found: Page | None = None,
    by_place: dict | None = None,
) -> Table | None:
    """The places one level down with their figures; ``page`` None gives all of them (for
    the export); ``below`` their standing if already read (``Series.below``), ``found`` and
    ``by_place`` the page of places and their tickets (``Figures``). None for an estate."""
    kind = place.child_kind
    if kind is None:
        return None
    if found is None:
        query = children_query(place)
        found = (
            paginate_rows(query, 1, None)
            if page is None
            else paginate_rows(query, page, CHILDREN_PAGE_SIZE)
        )
    if by_place is None:
        by_place = tickets.by_place(place.scope, kind, since, until)
    below = below or standing_below(place, as_of(until))
    standing, liveness = below.register, below.liveness
    headers = [KIND_LABELS[kind], "小区数", *REGISTER_HEADERS, *TICKET_HEADERS, "监督群活跃率"]
    table = Table("children", f"下辖{KIND_LABELS[kind]}", headers)
    table.page = found
    nothing = RegisterFigures(0, 0, 0, 0, 0)
    for child_id, name in found.items:
        r = standing.get(child_id, nothing)
        f = by_place.get(child_id, tickets.TicketFigures())
        g = liveness.get(child_id, LivenessFigures(0, 0))
        cells = [
            name,
            r.estates,
            *_register_cells(r),
            *_ticket_cells(f),
            percent(g.active, g.estates),
        ]
        table.rows.append(Row(cells, (kind, child_id)))
    return table
