"""The supervision dashboard pages (四升一降), for the views in targets.views: reading the
period from the query string and putting together what one place's page and its exports
show. The figures themselves come from backend.governance.targets."""

from datetime import date

from backend.accounts.models import User
from backend.common.schemas import DATE_BOUNDS_TEXT, MIN_DATE, parse_day
from backend.console import xlsx
from backend.console.forms import page_arg, typed_int
from backend.errors import NotFound
from backend.governance.targets import (
    cache,
    dashboard,
    periods,
    places,
    report,
    report_document,
)
from backend.governance.targets.definitions import DEFINITIONS

MAX_DAYS = 3 * 366
BAD_DATES = f"日期格式不正确，请按 2026-01-31 的格式填写 {DATE_BOUNDS_TEXT} 之间的起止日期"


def period(args) -> tuple[date, date, str | None]:
    """(since, until, error) from ``?year=`` or ``?since=&until=``; this year so far by
    default, and on a bad period the default with a message saying what was wrong."""
    today = periods.today()
    default = (date(today.year, 1, 1), today)
    if args.get("since") or args.get("until"):
        try:
            since, until = parse_day(args.get("since")), parse_day(args.get("until"))
        except ValueError:
            return *default, BAD_DATES
    elif args.get("year"):
        year = typed_int(args["year"])
        if not isinstance(year, int) or not MIN_DATE.year <= year <= today.year:
            return *default, f"年度不正确，请填写 {MIN_DATE.year} 至 {today.year} 年之间的四位年份"
        since, until = periods.year_range(year)
    else:
        return *default, None
    if since > until:
        return *default, "开始日期不能晚于结束日期"
    if (until - since).days > MAX_DAYS:
        return *default, "统计区间最长三年"
    return since, until, None


def page(user: User, kind: str, place_id: int, args) -> dict:
    place = places.place_for(user, kind, place_id)  # access first: the cache is per place
    since, until, error = period(args)
    page_number = page_arg(args.get("page"))
    what = ("page", place.kind, place.id, since, until, page_number, periods.today())
    figures = cache.cached(
        what,
        places.county_id(place),
        lambda: dashboard.figures(place, since, until, page_number),
    )
    found = dashboard.with_liveness(place, figures.series)
    table, chart = dashboard.monthly(found)
    return {
        "place": place,
        "kind_labels": places.KIND_LABELS,
        "since": since,
        "until": until,
        "period_error": error,
        "definitions": DEFINITIONS,
        "years": list(range(periods.today().year, periods.today().year - 4, -1)),
        "targets": dashboard.targets(place, until, found, figures.stars),
        "supervision": figures.supervision,
        "monthly": table,
        "chart": chart,
        "children": dashboard.children(
            place,
            since,
            until,
            page_number,
            found.below,
            figures.children,
            figures.children_tickets,
        ),
    }


def export(user: User, kind: str, place_id: int, table_key: str, args) -> tuple[bytes, str]:
    """(workbook, file name) of the page's ``table_key`` table, every row of it."""
    place = places.place_for(user, kind, place_id)
    since, until, _ = period(args)
    if table_key == "monthly":
        table, _chart = dashboard.monthly(dashboard.series(place, since, until))
    else:
        table = dashboard.children(place, since, until, page=None)
    trail = " › ".join([name for _, _, name in place.trail] + [place.name])
    lines = [f"地区：{trail}", f"统计区间：{since.isoformat()} 至 {until.isoformat()}"]
    rows = [row.cells for row in table.rows] if table else []
    headers = table.headers if table else []
    title = f"{place.name}{table.title if table else ''}"
    return xlsx.workbook(title, lines, headers, rows), f"{place.name}-{table_key}"


def report_year(args) -> tuple[int, str | None]:
    """(year, error) from ``?year=``: this year by default, and on a bad year this year with
    a message saying why."""
    this_year = periods.today().year
    raw = args.get("year")
    if not raw:
        return this_year, None
    year = typed_int(raw)
    if not isinstance(year, int):
        return this_year, "年度格式不正确，请填写如 2026 的四位年份"
    if not 2000 <= year <= this_year:
        return this_year, f"年度须在 2000 至 {this_year} 年之间"
    return year, None


def _yearly(place: places.Place, year: int) -> report.YearlyReport:
    what = ("report", place.kind, place.id, year, periods.today())
    return cache.cached(what, places.county_id(place), lambda: report.yearly(place, year))


def report_page(user: User, kind: str, place_id: int, args) -> dict:
    place = places.place_for(user, kind, place_id)
    year, error = report_year(args)
    found = _yearly(place, year)
    return {
        "place": place,
        "report": found,
        "title": report.title(found),
        "sections": report.sections(found),
        "year_error": error,
        "years": list(range(periods.today().year, periods.today().year - 4, -1)),
    }


def report_pdf(user: User, kind: str, place_id: int, year: int) -> tuple[bytes, str]:
    """(PDF bytes, file name) of the yearly report.

    :raises NotFound: outside the user's scope, or a year the report cannot cover.
    :raises FontMissing: the server has no Chinese font.
    """
    place = places.place_for(user, kind, place_id)
    if not 2000 <= year <= periods.today().year:
        raise NotFound("没有该年度的报告")
    found = _yearly(place, year)
    return report_document.to_pdf(found), f"{place.name}-{year}年度报告.pdf"
