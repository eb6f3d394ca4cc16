"""The bounded date and time fields, the console's day parser and the JSON depth scanner, on
their own (the routes using them are tested where each domain's bad input is)."""

from datetime import UTC, date, datetime, timedelta, timezone

import marshmallow as ma
import pytest

from backend.common.schemas import BoundedDate, BoundedDateTime, parse_day
from backend.json_depth import MAX_DEPTH, too_deep


class Dates(ma.Schema):
    on = BoundedDate(load_default=None)
    at = BoundedDateTime(load_default=None)


@pytest.mark.parametrize("text", ["2000-01-01", "2026-10-05", "2100-12-31"])
def test_dates_within_the_bounds_load(text):
    assert Dates().load({"on": text})["on"] == date.fromisoformat(text)


@pytest.mark.parametrize("text", ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_dates_outside_the_bounds_are_refused_in_chinese(text):
    with pytest.raises(ma.ValidationError) as caught:
        Dates().load({"on": text})
    assert caught.value.messages == {"on": ["日期须在 2000-01-01 至 2100-12-31 之间"]}


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2000-01-01T00:00:00+14:00", True),  # 1999-12-31 in UTC: the date as written counts
        ("2100-12-31T23:59:59-12:00", True),
        ("1999-12-31T23:59:59-12:00", False),
        ("2101-01-01T00:00:00+14:00", False),
        ("9999-12-31T23:00:00-12:00", False),
        ("0001-01-01T00:00:00+14:00", False),
    ],
)
def test_times_are_bounded_by_the_date_as_written(text, ok):
    if ok:
        loaded = Dates().load({"at": text})["at"]
        assert loaded.astimezone(UTC)  # converting cannot overflow
    else:
        with pytest.raises(ma.ValidationError) as caught:
            Dates().load({"at": text})
        assert caught.value.messages == {"at": ["时间须在 2000-01-01 至 2100-12-31 之间"]}


def test_times_without_a_zone_or_unreadable_are_refused_in_chinese():
    with pytest.raises(ma.ValidationError) as caught:
        Dates().load({"at": "2026-10-05T09:00:00"})
    assert caught.value.messages == {"at": ["时间须带时区，如 +08:00"]}
    with pytest.raises(ma.ValidationError) as caught:
        Dates().load({"at": "next monday"})
    assert caught.value.messages == {"at": ["时间格式应为 2026-10-05T09:00:00+08:00"]}


def test_a_datetime_object_is_bounded_too():
    far = datetime(9999, 12, 31, tzinfo=timezone(timedelta(hours=-12)))
    with pytest.raises(ma.ValidationError):
        Dates().load({"at": far})


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-10-05", date(2026, 10, 5)), (" 2000-01-01 ", date(2000, 1, 1))],
)
def test_parse_day(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    "text", [None, "", "20261005", "2026-W41-1", "2026-10-32", "9999-12-31", "1999-12-31", "x"]
)
def test_parse_day_refuses_in_chinese(text):
    with pytest.raises(ValueError, match="日期"):
        parse_day(text)


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def test_depth_limit_counts_arrays_and_objects():
    assert not too_deep(nested(MAX_DEPTH))
    assert too_deep(nested(MAX_DEPTH + 1))
    assert too_deep(b"[" * 100_000)  # malformed, and still refused without recursion
    assert not too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "' + b"[" * 1000 + b'"}',  # brackets inside text are text
        b'{"title": "\\"' + b"[" * 1000 + b'"}',  # after an escaped quote, still text
        b'{"title": "\\\\", "body": "' + b"{" * 1000 + b'"}',  # an escaped backslash ends
        '{"title": "【【【〔〔"}'.encode(),
    ],
)
def test_brackets_in_strings_do_not_count(body):
    assert not too_deep(body)


def test_a_quote_after_an_escaped_backslash_ends_the_string():
    body = b'["\\\\"' + b", [" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"]"
    assert too_deep(body)
