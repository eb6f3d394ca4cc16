"""Owners' votes in a real browser: a community auditor finds the motions of the estates she
supervises, opens a closed one and reads its result and downloads it; where the estate has no
committee she records a paper ballot and, once the deadline passes with the page open, tallies
the vote herself."""

import shutil
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from backend.access.roles import Role
from backend.common.clock import as_utc, utcnow
from tests.e2e.conftest import confirm, screenshot, sign_in
from tests.ledger_support import give_console_password
from tests.vote_support import motion_row, shift

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)

# The votes' cast and API client as this module's fixtures (tests/e2e/conftest.py brings the
# ledger's and the tickets'); assigned, not imported, so a test's parameter may share the name.
LOOK_AT = "/tmp/votes-console.png"


def test_auditor_reads_the_result_of_a_closed_motion(page, live_server, make, vcast, votes):
    make.unit(vcast.estate, building="9栋", number="902", area_dm2=5_050)  # not verified
    closed = votes.opened(vcast.chair, vcast.estate.id, title="续聘安溪物业服务有限公司")
    votes.cast(vcast.owner, closed["id"], "yes")
    votes.cast(vcast.owner2, closed["id"], "yes")
    votes.end(closed["id"])
    votes.get(vcast.chair, closed["id"])
    running = votes.opened(
        vcast.chair, vcast.estate.id, matter="use_maintenance_fund", title="使用维修资金更换电梯"
    )
    votes.cast(vcast.owner, running["id"], "no")
    votes.announce(vcast.chair, vcast.estate.id, title="更换小区门禁系统")
    give_console_password(vcast.auditor, "auditor1")
    sign_in(page, live_server, "auditor1")

    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="业主表决").click()
    page.wait_for_url(f"{live_server}/console/votes")
    rows = page.locator("#motions tbody tr")
    assert rows.count() == 3
    texts = [rows.nth(i).inner_text() for i in range(3)]
    assert "更换小区门禁系统" in texts[0] and "公示中" in texts[0]
    assert "投票中" in texts[1] and "1/3 人，100.00/250.50 ㎡" in texts[1]
    assert "已结束" in texts[2] and "2/3 人，200.00/250.50 ㎡" in texts[2] and "通过" in texts[2]
    screenshot(page, "votes-list")

    page.get_by_role("link", name="续聘安溪物业服务有限公司").click()
    page.wait_for_url(f"{live_server}/console/votes/{closed['id']}")
    assert page.locator("#vote-status").inner_text() == "已结束"
    assert page.locator("#vote-result-outcome").inner_text() == "通过"
    result = page.locator("#vote-result tbody tr")
    assert result.nth(0).inner_text().split() == [
        "全体业主", "3", "100.00%", "—", "250.50", "㎡", "100.00%", "—"
    ]  # fmt: skip
    assert result.nth(2).inner_text().split() == [
        "赞成", "2", "66.67%", "100.00%", "200.00", "㎡", "79.84%", "100.00%"
    ]  # fmt: skip
    assert "计票完成" in page.locator("#vote-timeline").inner_text()
    path = screenshot(page, "votes-result")
    shutil.copyfile(path, LOOK_AT)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载表决结果（Excel）").click()
    assert (
        download.value.suggested_filename == f"{vcast.estate.name}-表决{closed['id']}-表决结果.xlsx"
    )


def test_organising_auditor_records_a_paper_ballot_and_tallies_at_the_deadline(
    page, live_server, make, vcast, votes
):
    estate = make.estate(vcast.community, "溪畔小区")  # no committee: the community organises
    make.member(
        Role.OWNER, make.unit(estate, building="1栋", number="101", area_dm2=12_000), make.user()
    )
    make.unit(estate, building="2栋", number="201", area_dm2=9_000)
    make.unit(estate, building="3栋", number="301", area_dm2=8_000, unsold=True)
    motion = votes.opened(vcast.auditor, estate.id, title="增设电动自行车充电桩")
    give_console_password(vcast.auditor, "auditor1")
    sign_in(page, live_server, "auditor1")
    page.goto(f"{live_server}/console/votes/{motion['id']}")

    page.get_by_label("查找业主").fill("2栋")
    page.get_by_role("button", name="查找").click()
    page.wait_for_url(f"**/console/votes/{motion['id']}?q=*")
    page.get_by_label("业主", exact=True).select_option(
        label="2栋201（未认证房屋，1 套，90.00 ㎡）"
    )
    page.get_by_role("radio", name="反对").check()
    page.get_by_label("备注").fill("纸质票 No.007，业主本人交社区")
    page.get_by_role("button", name="录入纸质表决票").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text("已录入「2栋201」的纸质表决票：反对")
    assert "1/3 人，90.00/290.00 ㎡" in page.locator("#turnout-heading").inner_text()
    close = page.get_by_role("button", name="立即计票")
    expect(close).to_be_disabled()
    screenshot(page, "votes-paper-ballot")

    # The deadline comes a few seconds from now, with the page open: the button opens then.
    closes_at = as_utc(motion_row(motion["id"]).closes_at)
    shift(motion["id"], -(closes_at - utcnow()) + timedelta(seconds=4))
    page.reload()
    expect(close).to_be_disabled()
    expect(close).to_be_enabled(timeout=10_000)
    close.click()
    confirm(page, "立即计票？计票后表决结束")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_have_text("已计票：未达到法定参与比例")
    assert page.locator("#vote-status").inner_text() == "已结束"
    assert page.locator("#vote-result tbody tr").nth(3).inner_text().split()[:2] == ["反对", "1"]
    assert page.get_by_role("button", name="录入纸质表决票").count() == 0
    screenshot(page, "votes-closed-by-organiser")
