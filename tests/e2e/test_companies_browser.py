"""Credit penalties in a real browser: a county officer opens 企业信用 from the navigation,
finds the company, records a deduction with an evidence file, sees the score drop, and
revokes a mistaken interview, which stays on record as 已撤销."""

import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import confirm, screenshot, sign_in
from tests.governance_support import on, penalty
from tests.ledger_support import give_console_password
from tests.pdf_support import plain_pdf

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)

LOOK_AT = "/tmp/companies-console.png"
PDF = plain_pdf()


def test_county_officer_records_and_revokes_penalties(page, live_server, gcast, tmp_path):
    by = gcast.admin.id
    penalty(gcast.company, "interview", 40, estate=gcast.estate_a, recorded_by_id=by,
            reason="电梯困人事件，约谈企业负责人")  # fmt: skip
    penalty(gcast.company, "manager_dismissal", 20, manager_name="王建国", recorded_by_id=by,
            reason="项目经理拒不配合督查")  # fmt: skip
    give_console_password(gcast.county_officer, "county1")
    sign_in(page, live_server, "county1")

    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="企业信用").click()
    page.wait_for_url(f"{live_server}/console/companies")
    rows = page.locator("#companies tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split() == [
        "安溪宜家物业服务有限公司", "91350524MA2XXXXX1A", "100", "2", "0"
    ]  # fmt: skip

    page.get_by_role("link", name="安溪宜家物业服务有限公司").click()
    page.wait_for_url(f"{live_server}/console/companies/{gcast.company.id}")
    assert page.locator("#credit-score").inner_text() == "100"

    evidence = tmp_path / "督查通报.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("惩戒类型").select_option(label="信用扣分")
    page.get_by_label("扣分分值").fill("12")
    page.get_by_label("决定日期").fill(on(2).isoformat())
    page.get_by_label("所涉小区").select_option(label="河滨小区")
    page.get_by_label("惩戒事由").fill("公共收益未按季度公示，经督查仍未整改")
    page.get_by_label("证据文件").set_input_files(str(evidence))
    page.get_by_role("button", name="记录惩戒").click()
    confirm(page, "的失信惩戒？记录后计入信用分并公开")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text(f"已记录信用扣分（{on(2).isoformat()}）")
    assert page.locator("#credit-score").inner_text() == "88"
    first = page.locator("#penalties tbody tr").nth(0)
    assert "信用扣分" in first.inner_text() and "督查通报.pdf" in first.inner_text()

    interview = page.locator("#penalties tbody tr").filter(has_text="电梯困人事件")
    interview.get_by_label("撤销原因", exact=False).fill("误录：应为另一家企业")
    interview.get_by_role("button", name="撤销").click()
    confirm(page, "的这条惩戒？撤销后不可恢复")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text(f"已撤销约谈（{on(40).isoformat()}）")
    revoked = page.locator("#penalties tbody tr").filter(has_text="电梯困人事件")
    assert "已撤销" in revoked.inner_text()
    assert "王**" in page.locator("#penalties").inner_text()
    path = screenshot(page, "companies-console")
    shutil.copyfile(path, LOOK_AT)
