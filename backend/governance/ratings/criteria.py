"""A county's score sheet for a year (评分标准): the criteria with their maximum points (a
year's maxima sum to 100) and where each value comes from. A year nobody has configured
gets the default sheet; once any rating of the year has been submitted the sheet is frozen.
"""

import re
from dataclasses import dataclass

from sqlalchemy import delete, select

from backend.access.roles import Role, ScopeKind
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.ratings.models import (
    SOURCE_LABELS,
    EstateRating,
    RatingCriterion,
    Source,
)
from backend.places.models import County

SHEET_TOTAL = 100
MAX_CRITERIA = 20
MIN_YEAR = 2000
CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
NAME_MAX = 40
COUNTY_ROLES = (Role.COUNTY_OFFICER, Role.ADMIN)
SOURCE_ERROR = "数据来源应为人工评分、工单按时办结率、业主满意度或账目按时公示率"


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    max_points: int
    source: str

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def is_auto(self) -> bool:
        return self.source != Source.MANUAL


DEFAULT_SHEET = (
    Line("party_building", "党建引领", 10, Source.MANUAL),
    Line("committee", "业委会运作", 15, Source.MANUAL),
    Line("accounts_public", "账目公开", 15, Source.LEDGER_ON_TIME),
    Line("tickets_on_time", "工单按时办结", 20, Source.TICKET_ON_TIME),
    Line("satisfaction", "业主满意度", 20, Source.SATISFACTION),
    Line("facilities", "设施设备", 10, Source.MANUAL),
    Line("environment", "环境卫生", 10, Source.MANUAL),
)


def stored_sheet(county_id: int, year: int) -> list[Line]:
    rows = db.session.scalars(
        select(RatingCriterion)
        .where(RatingCriterion.county_id == county_id, RatingCriterion.year == year)
        .order_by(RatingCriterion.position, RatingCriterion.id)
    )
    return [Line(r.code, r.name, r.max_points, r.source) for r in rows]


def sheet(county_id: int, year: int) -> list[Line]:
    """The county's criteria for ``year``, or the default sheet if none are configured."""
    return stored_sheet(county_id, year) or list(DEFAULT_SHEET)


def sheets(county_id: int, years: set[int]) -> dict[int, list[Line]]:
    """``sheet`` for each of ``years``, in one statement."""
    stored: dict[int, list[Line]] = {year: [] for year in years}
    if years:
        rows = db.session.scalars(
            select(RatingCriterion)
            .where(RatingCriterion.county_id == county_id, RatingCriterion.year.in_(years))
            .order_by(RatingCriterion.year, RatingCriterion.position, RatingCriterion.id)
        )
        for r in rows:
            stored[r.year].append(Line(r.code, r.name, r.max_points, r.source))
    return {year: lines or list(DEFAULT_SHEET) for year, lines in stored.items()}


def _write(county_id: int, year: int, lines) -> None:
    db.session.execute(
        delete(RatingCriterion).where(
            RatingCriterion.county_id == county_id, RatingCriterion.year == year
        )
    )
    for position, line in enumerate(lines):
        db.session.add(
            RatingCriterion(
                county_id=county_id,
                year=year,
                position=position,
                code=line.code,
                name=line.name,
                max_points=line.max_points,
                source=line.source,
            )
        )
    db.session.flush()


def freeze_default(county_id: int, year: int) -> None:
    """Store the default sheet for a year that has none, so the year's ratings keep the
    criteria they were scored on even if the code's defaults change. Adds and flushes."""
    if not stored_sheet(county_id, year):
        _write(county_id, year, DEFAULT_SHEET)


def lock_county(county_id: int, share: bool) -> None:
    """Serialise sheet edits against submissions: a submission holds the county's row in
    share mode while it scores on the sheet, an edit holds it exclusively while it checks that
    nothing is submitted and rewrites the sheet. (SQLite locks the whole file anyway.)"""
    db.session.execute(select(County.id).where(County.id == county_id).with_for_update(read=share))


def is_frozen(county_id: int, year: int) -> bool:
    """Whether any rating of the county's year has been submitted (the sheet is fixed)."""
    found = db.session.scalar(
        select(EstateRating.id)
        .where(
            EstateRating.county_id == county_id,
            EstateRating.year == year,
            EstateRating.submitted_at.is_not(None),
        )
        .limit(1)
    )
    return found is not None


def officer_county(user: User, roles=COUNTY_ROLES) -> int | None:
    """The county the user is an officer (or admin) of, if any."""
    for m in user.memberships:
        if m.scope_kind == ScopeKind.COUNTY and m.role in roles:
            return m.scope_id
    return None


def check_year(year, latest: int | None = None, field: str = "year") -> int:
    """:raises ValidationFailed: not a year from 2000 to ``latest`` (this year)."""
    latest = latest or today().year
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= latest:
        raise ValidationFailed(fields={field: [f"年度应为 {MIN_YEAR}–{latest} 的整数"]})
    return year


def _validate(rows: list[dict]) -> list[Line]:
    errors: dict[str, list[str]] = {}
    lines, seen = [], set()
    for n, row in enumerate(rows):
        code = str(row.get("code") or "").strip()
        name = str(row.get("name") or "").strip()
        points = row.get("max_points")
        source = row.get("source") or Source.MANUAL
        if not CODE.match(code):
            errors[f"{n}.code"] = [f"第 {n + 1} 项：代码应为小写字母开头的字母、数字或下划线"]
        elif code in seen:
            errors[f"{n}.code"] = [f"第 {n + 1} 项：代码重复"]
        seen.add(code)
        if not name or len(name) > NAME_MAX:
            errors[f"{n}.name"] = [f"第 {n + 1} 项：请填写名称（不超过 {NAME_MAX} 个字）"]
        if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 100:
            errors[f"{n}.max_points"] = [f"第 {n + 1} 项：满分应为 1–100 的整数"]
        if source not in SOURCE_LABELS:
            errors[f"{n}.source"] = [f"第 {n + 1} 项：{SOURCE_ERROR}"]
        if not errors:
            lines.append(Line(code, name, points, Source(source)))
    if not rows:
        errors["criteria"] = ["请至少填写一项评分标准"]
    elif len(rows) > MAX_CRITERIA:
        errors["criteria"] = [f"评分标准最多 {MAX_CRITERIA} 项"]
    if errors:
        raise ValidationFailed(fields=errors)
    total = sum(line.max_points for line in lines)
    if total != SHEET_TOTAL:
        raise ValidationFailed(
            f"各项满分合计应为 {SHEET_TOTAL} 分，现为 {total} 分",
            fields={"criteria": [f"各项满分合计应为 {SHEET_TOTAL} 分，现为 {total} 分"]},
        )
    return lines


@unit_of_work
def set_sheet(user: User, year, rows: list[dict]) -> list[Line]:
    """Replace the county's criteria for ``year`` (county officers); one transaction.

    :param rows: dicts of code, name, max_points (int), source.
    :raises Forbidden: the user is no county officer.
    :raises ValidationFailed: a bad row, duplicate codes, maxima not summing to 100.
    :raises Conflict: a rating of that year has already been submitted.
    """
    county_id = officer_county(user)
    if county_id is None:
        raise Forbidden("评分标准由县住建局设置")
    check_year(year, today().year + 1)
    lines = _validate(rows)
    lock_county(county_id, share=False)
    if is_frozen(county_id, year):
        raise Conflict(f"{year} 年度已有小区提交评分，评分标准不能再修改", code="criteria_frozen")
    _write(county_id, year, lines)
    return lines
