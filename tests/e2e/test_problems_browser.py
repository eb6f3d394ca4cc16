"""The problem list in a real browser: a township officer opens 问题清单, finds an overdue
problem, closes it out with a photo of the fixed fire lane, and sees it marked 已销号."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from backend.governance.credit.figures import today
from backend.governance.problems import services as problems
from tests.e2e.conftest import confirm, screenshot, sign_in
from tests.ledger_support import give_console_password, png_bytes

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)


def test_township_officer_closes_out_a_problem_with_a_photo(page, live_server, gcast, tmp_path):
    problem = problems.create_problem(
        gcast.admin,
        {
            "estate_id": gcast.estate_a.id,
            "category": "fire_safety",
            "title": "消防通道被车辆堵塞",
            "description": "3 栋东侧消防通道长期停放私家车",
            "plan": "物业设置隔离桩，业委会发布告知书",
            "deadline": today() + timedelta(days=7),
        },
    )
    give_console_password(gcast.township_a, "township1")
    sign_in(page, live_server, "township1")

    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="问题清单").click()
    page.wait_for_url(f"{live_server}/console/problems")
    page.get_by_role("link", name="消防通道被车辆堵塞").click()
    page.wait_for_url(f"{live_server}/console/problems/{problem.id}")

    photo = tmp_path / "整改后.png"
    photo.write_bytes(png_bytes())
    page.get_by_label("销号说明").fill("已安装隔离桩 4 个，通道畅通")
    page.get_by_label("整改照片").set_input_files(str(photo))
    page.get_by_role("button", name="确认销号").click()
    confirm(page, "销号？销号后不可撤销")
    page.wait_for_load_state()

    expect(page.locator("#problem-status")).to_have_text("已销号")
    screenshot(page, "problems-console")
