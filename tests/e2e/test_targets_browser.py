"""The dashboards (四升一降) in a real browser: a county officer opens them from the navigation,
picks 2025, sees the chart drawn and the hand-counted figures, and drills down county →
township → community → estate through the tables; then opens the yearly report and prints it
(the printout holds the report, not the console around it)."""

import io
import re
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import screenshot, sign_in
from tests.ledger_support import give_console_password

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)


def test_county_officer_drills_down_to_an_estate(page, live_server, gcast, year_of_tickets):
    give_console_password(gcast.county_officer, "county1")
    sign_in(page, live_server, "county1")

    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="四升一降").click()
    page.wait_for_url(f"{live_server}/console/targets/county/{gcast.county.id}")
    page.get_by_role("link", name="2025 年").click()
    page.wait_for_url("**year=2025")
    expect(page.locator("#target-service_quality .value")).to_have_text("60.00%")
    expect(page.locator("#target-complaints .value")).to_have_text("6 件")
    expect(page.locator("#trend canvas")).to_have_count(1)  # ECharts drew the series
    screenshot(page, "targets-county")

    page.locator("#children").get_by_role("link", name="城厢镇").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("城厢镇")
    page.locator("#children").get_by_role("link", name="城西社区").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("城西社区")
    page.locator("#children").get_by_role("link", name="茶都小区").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("茶都小区")
    expect(page.locator("#target-service_quality .value")).to_have_text("0.00%")
    expect(page.get_by_role("navigation", name="层级")).to_contain_text(
        "安溪县 › 城厢镇 › 城西社区"
    )
    screenshot(page, "targets-estate")


def test_the_yearly_report_prints_without_the_console(page, live_server, gcast, year_of_tickets):
    give_console_password(gcast.county_officer, "county1")
    sign_in(page, live_server, "county1")
    page.goto(f"{live_server}/console/targets/county/{gcast.county.id}?year=2025")
    page.get_by_role("link", name="2025 年度报告").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "安溪县 2025 年度物业管理监督工作报告"
    )
    expect(page.locator(".sentence").first).to_have_text("安溪县共有小区 3 个。")
    screenshot(page, "report-county")
    printed = PdfReader(io.BytesIO(page.pdf(format="A4")))
    # NFKC: Chromium's PDF text maps some glyphs to Kangxi radicals (⼯ for 工).
    text = "".join(p.extract_text() for p in printed.pages)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    assert "安溪县2025年度物业管理监督工作报告" in text
    assert "我监管的小区" not in text and "下载PDF" not in text  # the console stays on screen
