"""Time is stored in UTC and shown in Asia/Shanghai."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_text(value: datetime | None) -> str:
    """Format for people: 2026-11-23 19:48 in Shanghai time."""
    return as_utc(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else ""
