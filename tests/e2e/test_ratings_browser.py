"""Star ratings in a real browser: a township officer opens 星级评定, scores 阳光小区's 2025
sheet (two criteria filled from its tickets, the ledger one 暂无数据 and scored by hand) and
submits it; the county officer confirms it (96: 4★, eligible for 5★) and grants 5★."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import confirm, screenshot, sign_in
from tests.ledger_support import give_console_password
from tests.ratings_support import YEAR, at, ticket

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)

HAND_SCORES = {"党建引领": "10", "业委会运作": "14", "账目公开": "14", "设施设备": "10",
               "环境卫生": "9"}  # fmt: skip


def test_score_submit_confirm_and_grant_five_stars(page, live_server, rcast):
    estate = rcast.estate_a
    for day, rating in ((3, 5), (4, 5), (5, 5), (6, 4)):
        ticket(estate, at(date(YEAR, 6, day)), rating=rating)
    give_console_password(rcast.township_a, "township1")
    give_console_password(rcast.county_officer, "county1")

    sign_in(page, live_server, "township1")
    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="星级评定").click()
    page.wait_for_url(f"{live_server}/console/ratings")
    page.get_by_role("link", name="阳光小区").click()
    page.wait_for_url(f"{live_server}/console/ratings/{estate.id}/{YEAR}")
    expect(page.locator("#score-tickets_on_time")).to_have_text("20")
    expect(page.locator("#score-satisfaction")).to_have_text("19")
    expect(page.locator("#sheet")).to_contain_text("暂无数据，请人工评分")
    for label, points in HAND_SCORES.items():
        page.get_by_label(label).fill(points)
    page.get_by_role("button", name="提交县住建局确认").click()
    page.wait_for_load_state()
    expect(page.locator("#rating-status")).to_have_text("待县级确认")
    expect(page.locator("#sheet-total")).to_have_text("96")
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server, "county1")
    page.goto(f"{live_server}/console/ratings/{estate.id}/{YEAR}")
    page.get_by_role("button", name="确认评定").click()
    confirm(page, "年度评定为★★★★")
    page.wait_for_load_state()
    expect(page.locator("#rating-stars")).to_have_text("★★★★")
    page.get_by_role("button", name="授予五星", exact=True).click()
    confirm(page, "年度五星？授予后不可撤销")
    page.wait_for_load_state()
    expect(page.locator("#rating-stars")).to_have_text("★★★★★")
    expect(page.get_by_role("status")).to_have_text("已授予五星")
    screenshot(page, "ratings-console")

    page.get_by_role("link", name="← 返回 2025 年度星级评定").click()
    page.wait_for_url(f"{live_server}/console/ratings?year={YEAR}")
    expect(page.locator("#star-distribution tbody")).to_contain_text("1")
    screenshot(page, "ratings-list")

    page.get_by_role("navigation", name="星级评定").get_by_role("link", name="评分标准").click()
    page.wait_for_load_state()
    expect(page.locator("#criteria")).to_contain_text("党建引领")
    screenshot(page, "ratings-criteria")
