"""Calendar periods as officers count them: Shanghai dates and months, turned into the UTC
instants stored rows are compared with."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from backend.common.clock import SHANGHAI, utcnow

MAX_MONTHS = 36  # a series longer than three years is unreadable as a chart


def today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


def start_of(day: date, plus_days: int = 0) -> datetime:
    """The first instant of ``day`` (+ ``plus_days``) in Shanghai, in UTC: SQLite compares
    stored times as UTC text and drops a bound value's offset, so it must be UTC already."""
    return datetime.combine(day + timedelta(days=plus_days), time(), SHANGHAI).astimezone(UTC)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def last_day(self) -> date:
        return self.next.first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return start_of(self.first_day)

    @property
    def end(self) -> datetime:
        return start_of(self.next.first_day)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def months_between(since: date, until: date) -> list[Month]:
    """The months from ``since``'s to ``until``'s."""
    found, month, last = [], Month(since.year, since.month), Month(until.year, until.month)
    while (month.year, month.month) <= (last.year, last.month):
        found.append(month)
        month = month.next
    return found


def months(since: date, until: date) -> list[Month]:
    """The months from ``since``'s to ``until``'s, at most MAX_MONTHS (the latest kept)."""
    return months_between(since, until)[-MAX_MONTHS:]


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)
