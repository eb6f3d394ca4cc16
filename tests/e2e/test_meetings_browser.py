"""Joint meetings in a real browser: the community auditor opens 联席会议, records a meeting
with one attendee of each of the four parties and a decided item with minutes, lands on the
meeting's page, and marks the decision done."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from backend.governance.meetings.schedule import today
from tests.e2e.conftest import screenshot, sign_in
from tests.ledger_support import give_console_password
from tests.pdf_support import plain_pdf

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)

PDF = plain_pdf()


def test_auditor_records_a_joint_meeting(page, live_server, gcast, tmp_path):
    give_console_password(gcast.auditor_a, "auditor1")
    sign_in(page, live_server, "auditor1")
    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="联席会议").click()
    page.wait_for_url(f"{live_server}/console/meetings")
    page.get_by_role("link", name="登记联席会议").click()
    page.wait_for_url(f"{live_server}/console/meetings/new")

    page.get_by_label("会议地点").fill("城东社区党群服务中心")
    page.get_by_label("会议主题").fill("十一月四方联席会议")
    people = [("陈志明", "社区党委书记"), ("林秀兰", "支部书记"), ("王建国", "项目经理"),
              ("黄文华", "业委会主任")]  # fmt: skip
    for n, (name, post) in enumerate(people, start=1):
        page.get_by_label(f"参会人姓名 {n}", exact=True).fill(name)
        page.get_by_label(f"职务 {n}", exact=True).fill(post)
    page.locator("#meeting-items-0-title").fill("地下车库积水")
    page.locator("#meeting-items-0-estate_id").select_option(label="阳光小区")
    page.locator("#meeting-items-0-decision").fill("物业一周内疏通排水沟，业委会验收")
    page.locator("#meeting-items-0-owner").fill("物业服务企业")
    page.locator("#meeting-items-0-deadline").fill((today() + timedelta(days=7)).isoformat())
    page.locator("#meeting-items-1-title").fill("广场舞噪音纠纷")
    page.locator("input[name='items-1-is_dispute']").check()
    page.locator("input[name='items-1-dispute_resolved']").check()
    minutes = tmp_path / "十一月纪要.pdf"
    minutes.write_bytes(PDF)
    page.get_by_label("会议纪要").set_input_files(str(minutes))
    screenshot(page, "meetings-new-form")
    page.get_by_role("button", name="登记会议").click()
    page.wait_for_url(f"{live_server}/console/meetings/*")

    expect(page.get_by_role("status")).to_have_text("已登记联席会议：十一月四方联席会议")
    expect(page.locator("#attendees")).to_contain_text("黄文华（业委会主任）")
    page.get_by_role("button", name="标记落实").click()
    page.wait_for_load_state()
    expect(page.locator("#agenda-items")).to_contain_text("已落实")
    expect(page.locator("#meeting-minutes")).to_have_text("十一月纪要.pdf")
    screenshot(page, "meetings-console")
