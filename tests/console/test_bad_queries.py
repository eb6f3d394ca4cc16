"""Query strings people edit by hand: every console list and dashboard answers a page that
cannot exist, a date or year out of bounds, or text where a number belongs with a readable page
(the first or last page, or the default period with a message), never a 500 (DESIGN.md, Input
bounds). Page numbers are bounded like the API's ``PageArgs``."""

import pytest

from backend.extensions import db
from tests.console.test_ticket_pages import html_of, signed_in

BAD_PAGES = ["99999999999999999999", "-1", "0", "abc", "1e9", "2.5", "１", "100001", ""]

# Every console page that reads ?page=, whatever else it reads.
LISTS = [
    "/console/",
    "/console/estates/{estate}",
    "/console/ledger",
    "/console/tickets",
    "/console/problems",
    "/console/votes",
    "/console/meetings",
    "/console/ratings",
    "/console/ratings/managers",
    "/console/ratings/committees",
    "/console/companies",
    "/console/register",
    "/console/targets/county/{county}",
]


@pytest.fixture
def as_county(client, gcast):
    return signed_in(client, gcast.county_officer, "county1")


def _url(path, gcast) -> str:
    return path.format(estate=gcast.estate_a.id, county=gcast.county.id)


@pytest.mark.parametrize("path", LISTS)
def test_a_page_that_cannot_exist_shows_a_page(as_county, gcast, path):
    url = _url(path, gcast)
    first = as_county.get(url)
    assert first.status_code == 200, url
    for page in BAD_PAGES:
        response = as_county.get(url, query_string={"page": page})
        # Was "bigint out of range" (500) on the estates list and the dashboard.
        assert response.status_code == 200, (url, page)
        assert "服务器出错" not in html_of(response)


@pytest.mark.parametrize(
    "query",
    [
        {"year": "9999"},
        {"year": "99999999999999999999"},
        {"year": "-2025"},
        {"since": "9999-12-29", "until": "9999-12-31"},
        {"since": "0001-01-01", "until": "0001-01-31"},
        {"since": "2025-01-01"},
        {"page": "99999999999999999999", "year": "0"},
    ],
)
@pytest.mark.parametrize("table", ["monthly", "children"])
def test_the_dashboard_and_its_exports_take_any_period(as_county, gcast, query, table):
    base = f"/console/targets/county/{gcast.county.id}"
    page = as_county.get(base, query_string=query)
    assert page.status_code == 200, query  # was an OverflowError for the years 9999
    assert "统计区间" in html_of(page)
    export = as_county.get(f"{base}/{table}.xlsx", query_string=query)
    assert export.status_code == 200, query
    assert export.data[:2] == b"PK"  # a workbook of the default period


@pytest.mark.parametrize(
    "query",
    [
        {"since": "9999-12-31", "until": "0001-01-01"},
        {"since": "2025-1-1"},
        {"year": "99999999999999999999"},
        {"year": "9999"},
    ],
)
def test_other_console_filters_take_any_dates(as_county, query):
    for url in ("/console/meetings", "/console/reports", "/console/ratings", "/console/register"):
        response = as_county.get(url, query_string=query, follow_redirects=True)
        assert response.status_code == 200, (url, query)


def test_forms_carrying_a_page_number_are_bounded(as_county, gcast):
    """The estate page posts the delivery-log page it came from back with each action."""
    from tests.console.test_console import csrf_token

    url = f"/console/estates/{gcast.estate_a.id}"
    response = as_county.post(
        f"{url}/group-chats",
        data={"csrf_token": csrf_token(as_county, url), "page": "99999999999999999999"},
    )
    assert response.status_code < 500
    db.session.rollback()


@pytest.mark.parametrize(
    ("typed", "page"),
    [
        ("", 1),
        (None, 1),
        ("3", 3),
        (" 7 ", 7),
        ("0", 1),
        ("-4", 1),
        ("abc", 1),
        ("１", 1),
        ("100000", 100_000),
        ("100001", 100_000),
        ("999999999999", 100_000),
        ("99999999999999999999", 1),
        (5, 5),
        (10**30, 1),
    ],
)
def test_page_arg(typed, page):
    from backend.console.forms import page_arg

    assert page_arg(typed) == page
