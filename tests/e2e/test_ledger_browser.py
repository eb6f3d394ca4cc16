"""The community auditor in a real browser: from the ledger queue to a period, its entries
and a voucher, a refused return without a reason, then the audit."""

import pytest

from tests.e2e.conftest import confirm, screenshot
from tests.ledger_support import STAFF_PASSWORD, approved_period, give_console_password, png_bytes
from tests.pdf_support import plain_pdf

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)

PDF = plain_pdf()
REPAIR = {
    "entry_date": "2026-10-12",
    "direction": "expense",
    "category": "maintenance",
    "amount_fen": 50000,
    "counterparty": "鑫达电梯维保公司",
    "description": "3号楼电梯更换门机皮带",
}


def test_auditor_returns_nothing_without_a_reason_then_audits_the_period(
    page, live_server, ledger, cast
):
    receipt = png_bytes(size=(640, 480), color=(46, 134, 193))
    vouchers = [("停车收费截图.png", receipt), ("维保合同.pdf", PDF)]
    period = approved_period(ledger, cast, entries=[{}, REPAIR], vouchers=vouchers)
    give_console_password(cast.auditor, "auditor1")
    period_url = f"{live_server}/console/estates/{cast.estate.id}/ledger/{period['id']}"

    page.goto(f"{live_server}/console/login")
    page.get_by_label("用户名").fill("auditor1")
    page.get_by_label("密码").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/console/")

    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="账目审核").click()
    page.wait_for_url(f"{live_server}/console/ledger")
    [row] = page.locator("#audit-queue tbody tr").all()
    assert cast.estate.name in row.inner_text() and "2026年10月" in row.inner_text()
    assert "暂无超期未答复的质询" in page.locator("#overdue-questions").inner_text()
    screenshot(page, "console-ledger-queue")
    row.get_by_role("link", name=f"审核 {cast.estate.name} 2026年10月").click()
    page.wait_for_url(period_url)

    assert page.locator("#period-status").inner_text() == "待社区审核"
    entries = page.locator("#entries tbody tr")
    assert entries.count() == 2
    assert "¥3,600.00" in entries.nth(0).inner_text()
    assert "鑫达电梯维保公司" in entries.nth(1).inner_text()
    thumbnail = entries.nth(0).get_by_role("img", name="凭证 停车收费截图.png")
    assert thumbnail.is_visible()
    assert thumbnail.evaluate("img => img.naturalWidth") == 640
    assert entries.nth(0).get_by_role("link", name="PDF：维保合同.pdf").is_visible()

    thumbnail.click()  # opens large in a dialog, not a new page
    viewer = page.get_by_role("dialog")
    assert viewer.is_visible()
    assert viewer.locator("img").evaluate("img => img.complete && img.naturalWidth") == 640
    screenshot(page, "console-ledger-voucher")
    viewer.get_by_role("button", name="关闭").click()
    assert not viewer.is_visible()

    reason = page.get_by_label("退回原因")
    page.get_by_role("button", name="退回修改").click()  # empty: the browser holds it back
    assert reason.evaluate("el => el.validity.valueMissing")
    assert page.url == period_url
    reason.fill("   ")  # only spaces: the server refuses it
    page.get_by_role("button", name="退回修改").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "退回时请填写原因"
    assert page.locator("#return-reason-error").inner_text() == "请填写退回原因"
    assert page.locator("#period-status").inner_text() == "待社区审核"
    screenshot(page, "console-ledger-period-return-refused")

    page.get_by_role("button", name="审核通过").click()
    confirm(page, "2026年10月 账目？审核通过后账目进入待公示", shot="console-confirm-dialog")
    page.wait_for_url(period_url)
    assert page.get_by_role("status").inner_text() == "「2026年10月」已审核通过，等待公示"
    assert page.locator("#period-status").inner_text() == "待公示"
    assert page.get_by_role("button", name="审核通过").count() == 0
    assert "社区审核通过" in page.locator("#events tbody tr").last.inner_text()
    screenshot(page, "console-ledger-period-audited")
