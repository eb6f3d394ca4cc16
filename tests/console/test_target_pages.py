"""The dashboard pages (四升一降): a county drilling down to an estate, the targets with their
definitions, the monthly and per-place tables and their .xlsx exports matching the hand-counted
year, officers kept to their own places (404), and a bad period explained, not obeyed."""

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete

from backend.access.models import Membership
from backend.access.roles import Role
from backend.extensions import db, redis_holder
from backend.governance.targets import periods, rollup_build
from backend.places.models import Community
from tests.console.test_estate_page import table_rows
from tests.console.test_ticket_pages import html_of, signed_in
from tests.governance_support import build_gcast
from tests.isolation import once_per_module
from tests.ratings_support import rating
from tests.test_query_counts import count_queries
from tests.xlsx_support import HOSTILE_NAMES, assert_written_as_text

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)

YEAR_2025 = "?year=2025"


@pytest.fixture
def as_county(client, gcast):
    return signed_in(client, gcast.county_officer, "county1")


@pytest.fixture
def as_township_a(client, gcast):
    return signed_in(client, gcast.township_a, "township1")


def target_values(html) -> dict:
    """Each target card: key -> (value, detail)."""
    cards = re.findall(
        r'<article class="target" id="target-([a-z_]+)">'
        r'.*?<p class="value">(.*?)</p>\s*<p>(.*?)</p>',
        html,
        re.S,
    )
    clean = lambda text: " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())  # noqa: E731
    return {key: (clean(value), clean(detail)) for key, value, detail in cards}


def test_the_home_link_opens_the_officers_own_place(as_township_a, gcast):
    response = as_township_a.get("/console/targets")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/console/targets/township/{gcast.estate_a.township_id}"
    )


@pytest.mark.parametrize("rolled_up", [False, True])
def test_county_page_shows_the_hand_counted_year(as_county, gcast, year_of_tickets, rolled_up):
    if rolled_up:
        assert rollup_build.refresh() > 12  # every closed month, read from the roll-ups
    response = as_county.get(f"/console/targets/county/{gcast.county.id}{YEAR_2025}")
    assert response.status_code == 200
    html = html_of(response)
    assert target_values(html) == {
        "party_coverage": ("33.33%", "截至 2025-12-31：1 / 3 个小区"),
        "committee_formation": ("33.33%", "截至 2025-12-31：1 / 3 个小区，0 个待换届"),
        "party_led": ("100.00%", "截至 2025-12-31：1 / 1 个业委会"),
        "stars": ("暂无数据", "五星 0 · 四星 0 · 三星 0 · 二星 0 · 一星 0 · 未达星级 0 · 未评定 3"),
        "service_quality": ("60.00%", "已反馈 5 件，按时 3 件"),
        "satisfaction": ("3.25 分", "4 件有评价，满意率 50.00%"),
        "complaints": ("6 件", "其中 12345 热线 2 件"),
        "group_liveness": ("0.00%", "截至 2025-12-31：0 / 3 个小区（目标 95%，未达标）"),
    }
    assert "按时办结率 = 期内新建工单中已反馈的" in unescape(html)  # the definition is shown
    monthly = table_rows(html, "monthly")
    assert monthly[0] == [
        "2025-01", "33.33%", "0.00%", "暂无数据", "2", "1", "50.00%", "4.00", "50.00%"
    ]  # fmt: skip
    assert monthly[1] == [
        "2025-02", "33.33%", "0.00%", "暂无数据", "1", "0", "暂无数据", "暂无数据", "暂无数据"
    ]  # fmt: skip
    assert monthly[2][:4] == ["2025-03", "33.33%", "33.33%", "100.00%"]  # filed 15 March
    assert len(monthly) == 12
    assert table_rows(html, "children") == [
        [
            "凤城镇",
            "1",
            "0.00%",
            "100.00%",
            "100.00%",
            "3",
            "1",
            "50.00%",
            "4.00",
            "50.00%",
            "0.00%",
        ],
        [
            "城厢镇",
            "2",
            "50.00%",
            "0.00%",
            "暂无数据",
            "3",
            "1",
            "66.67%",
            "2.50",
            "50.00%",
            "0.00%",
        ],
    ]
    assert 'id="trend"' in html and "echarts-5.6.0.min.js" in html


def test_drilling_down_to_an_estate(as_county, gcast, year_of_tickets):
    b = gcast.estate_b
    html = html_of(as_county.get(f"/console/targets/community/{b.community_id}{YEAR_2025}"))
    assert [row[0] for row in table_rows(html, "children")] == ["河滨小区", "茶都小区"]
    assert f"/console/targets/estate/{gcast.estate_c.id}?since=2025-01-01" in html
    html = html_of(as_county.get(f"/console/targets/estate/{gcast.estate_c.id}{YEAR_2025}"))
    assert target_values(html)["service_quality"] == ("0.00%", "已反馈 1 件，按时 0 件")
    assert 'id="children"' not in html
    assert f"/console/targets/community/{b.community_id}?since=2025-01-01" in html  # the trail


def test_confirmed_star_ratings_of_the_year_are_counted(as_county, gcast):
    rating(gcast.estate_a, 92, 4, 2025)
    rating(gcast.estate_b, 50, 0, 2025)
    rating(gcast.estate_c, 85, 3, 2025, status="submitted")  # not confirmed: unrated
    rating(gcast.estate_c, 85, 3, 2024)  # another year
    html = html_of(as_county.get(f"/console/targets/county/{gcast.county.id}{YEAR_2025}"))
    assert target_values(html)["stars"] == (
        "1 个三星及以上",
        "五星 0 · 四星 1 · 三星 0 · 二星 0 · 一星 0 · 未达星级 1 · 未评定 1",
    )


def test_a_year_with_nothing_says_no_data(as_county, gcast):
    html = html_of(as_county.get(f"/console/targets/county/{gcast.county.id}?year=2024"))
    values = target_values(html)
    assert values["service_quality"][0] == "暂无数据"
    assert values["satisfaction"][0] == "暂无数据"
    assert values["complaints"][0] == "0 件"


def test_the_static_chart_library_is_served(as_county):
    response = as_county.get("/console/static/vendor/echarts-5.6.0.min.js")
    assert response.status_code == 200 and b"echarts" in response.data[:2000]


@pytest.mark.parametrize("table", ["monthly", "children"])
def test_each_table_exports_what_the_page_shows(as_county, gcast, year_of_tickets, table):
    path = f"/console/targets/county/{gcast.county.id}"
    page_rows = table_rows(html_of(as_county.get(path + YEAR_2025)), table)
    response = as_county.get(f"{path}/{table}.xlsx?since=2025-01-01&until=2025-12-31")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [
        [("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert rows[0][0].startswith("安溪县")
    assert "统计区间：2025-01-01 至 2025-12-31" in rows[2][0]
    header = rows.index([c for c in rows if c and c[0] in ("月份", "街道（乡镇）")][0])
    exported = [row[: len(page_rows[0])] for row in rows[header + 1 :]]
    assert exported == page_rows


@pytest.mark.parametrize("table", ["monthly", "children"])
def test_place_names_that_look_like_formulas_are_exported_as_text(as_county, gcast, make, table):
    community = db.session.get(Community, gcast.estate_b.community_id)
    community.name = "=1+2社区"  # the title cell begins with the place's name
    db.session.commit()
    for name in HOSTILE_NAMES:
        make.estate(community, name)

    response = as_county.get(f"/console/targets/community/{community.id}/{table}.xlsx{YEAR_2025}")

    assert response.status_code == 200
    exact = HOSTILE_NAMES if table == "children" else []
    assert_written_as_text(response.data, exact=exact, inside=["=1+2社区"])


@pytest.mark.parametrize(
    "path",
    [
        "/console/targets/county/{county}",
        "/console/targets/township/{township_b}",
        "/console/targets/estate/{estate_b}",
        "/console/targets/township/{township_b}/children.xlsx",
        "/console/targets/estate/999999",
    ],
)
def test_another_townships_places_are_not_found(as_township_a, gcast, path):
    ids = {
        "county": gcast.county.id,
        "township_b": gcast.estate_b.township_id,
        "estate_b": gcast.estate_b.id,
    }
    response = as_township_a.get(path.format(**ids))
    assert response.status_code == 404
    assert "未找到该地区，或您无权查看" in html_of(response)


def test_signed_out_goes_to_login(client, gcast):
    response = client.get(f"/console/targets/county/{gcast.county.id}")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("?since=2025-13-01&until=2025-12-31", "日期格式不正确"),
        ("?since=2025-06-01&until=2025-01-01", "开始日期不能晚于结束日期"),
        ("?since=2019-01-01&until=2025-12-31", "统计区间最长三年"),
        ("?year=abc", "年度不正确"),
        # Bounded like every date (DESIGN.md, Input bounds): once an OverflowError (500).
        ("?year=9999", "年度不正确"),
        ("?year=99999999999999999999", "年度不正确"),
        ("?year=1999", "年度不正确"),
        ("?since=9999-12-29&until=9999-12-31", "2000-01-01 至 2100-12-31"),
        ("?since=0001-01-01&until=0001-12-31", "2000-01-01 至 2100-12-31"),
        ("?since=20250101&until=20251231", "日期格式不正确"),
    ],
)
def test_a_bad_period_is_explained_and_the_default_shown(as_county, gcast, query, message):
    response = as_county.get(f"/console/targets/county/{gcast.county.id}{query}")
    assert response.status_code == 200
    html = unescape(html_of(response))
    assert message in html
    today = periods.today()
    assert f"统计区间：{today.year}-01-01 至 {today.isoformat()}" in html  # the default


def test_the_page_costs_the_same_queries_for_more_places(
    app, as_county, gcast, make, year_of_tickets, monkeypatch
):
    # Counted live every time: the cache (tests/console/test_figures_cache.py) is off.
    monkeypatch.setattr(redis_holder, "client", None)
    path = f"/console/targets/county/{gcast.county.id}{YEAR_2025}"
    as_county.get(path)
    with count_queries(app) as few:
        assert as_county.get(path).status_code == 200
    for n in range(5):
        make.estate(make.community(make.township(gcast.county, f"新镇{n}"), "新社区"), "新小区")
    with count_queries(app) as many:
        assert as_county.get(path).status_code == 200
    assert len(many) == len(few)


def test_a_place_name_no_sheet_may_be_called_still_exports(as_county, gcast):
    community = db.session.get(Community, gcast.estate_b.community_id)
    community.name = "城西/城南[片区]社区"
    db.session.commit()
    response = as_county.get(f"/console/targets/community/{community.id}/children.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.active.title == "城西_城南_片区_社区下辖小区"
    assert book.active["A1"].value == "城西/城南[片区]社区下辖小区"


def test_a_membership_taken_away_closes_the_place_on_the_next_page(as_township_a, gcast):
    # The scope check reads the memberships loaded with the user for each request: one ended
    # between two pages is never served from the one before.
    path = f"/console/targets/township/{gcast.estate_a.township_id}{YEAR_2025}"
    assert as_township_a.get(path).status_code == 200
    db.session.execute(
        delete(Membership).where(
            Membership.user_id == gcast.township_a.id,
            Membership.role == Role.TOWNSHIP_OFFICER,
        )
    )
    db.session.commit()
    response = as_township_a.get(path)
    assert response.status_code == 404
    assert "未找到该地区，或您无权查看" in html_of(response)
