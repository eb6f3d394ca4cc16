"""The estate register in a real browser: a township officer opens 小区档案, goes to an
estate whose committee is due for re-election, adds a party member, and sees the committee
turn party-led (红色业委会: 2 of 4) with the new member listed and the phone masked."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from tests.ledger_support import give_console_password
from tests.register_support import ago, branch, member, term

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)


def test_township_officer_adds_a_member_on_the_register_page(page, live_server, gcast):
    committee = term(
        gcast.admin, gcast.estate_a, formed_on=ago(1780), term_ends_on=ago(-45), chair_party=True
    )
    member(gcast.admin, committee, "王志强", joined_on=ago(1780))
    member(gcast.admin, committee, "黄丽娟", joined_on=ago(1780))  # 1 party member of 3
    branch(gcast.admin, gcast.estate_a, established_on=ago(900), name="阳光小区党支部")
    give_console_password(gcast.township_a, "township1")
    sign_in(page, live_server, "township1")

    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="小区档案").click()
    page.wait_for_url(f"{live_server}/console/register")
    screenshot(page, "register-list")
    page.get_by_role("link", name="阳光小区").click()
    page.wait_for_url(f"{live_server}/console/estates/{gcast.estate_a.id}/register")
    expect(page.locator("#reelection-badge")).to_have_text("临近换届")
    expect(page.locator("#party-led")).to_have_count(0)

    form = page.locator("#member-form")
    form.get_by_label("姓名").fill("陈美玲")
    form.get_by_label("职务").select_option("vice_chair")
    form.get_by_label("电话（选填）").fill("13912345678")
    form.get_by_label("中共党员").check()
    form.get_by_role("button", name="添加委员").click()
    page.wait_for_load_state()

    expect(page.get_by_role("status")).to_contain_text("已添加副主任：陈美玲")
    expect(page.locator("#members")).to_contain_text("139****5678")
    expect(page.locator("#party-led")).to_contain_text("红色业委会")
    names = page.locator("#members tbody tr td:first-child").all_inner_texts()
    assert names == ["林国栋", "陈美玲", "王志强", "黄丽娟"]  # chair, vice-chair, members
    screenshot(page, "register-console")


def test_reelection_list_and_candidate_pool_pages(page, live_server, gcast):
    from backend.governance.register import places

    term(gcast.admin, gcast.estate_a, formed_on=ago(1780), term_ends_on=ago(-45))
    community_id = gcast.estate_a.community_id
    for name, party in (("郑海燕", True), ("周雪梅", False)):
        args = {
            "name": name,
            "phone": "13805952001",
            "estate_id": gcast.estate_a.id,
            "is_party_member": party,
            "note": "退休教师",
        }
        places.add_candidate(gcast.auditor_a, community_id, args)
    give_console_password(gcast.auditor_a, "auditor1")
    sign_in(page, live_server, "auditor1")

    page.goto(f"{live_server}/console/register/reelections")
    expect(page.locator("#reelections")).to_contain_text("还有 45 天")
    screenshot(page, "register-reelections")

    page.goto(f"{live_server}/console/communities/{community_id}/candidates")
    page.locator("#candidates").get_by_role("button", name="退出人选库").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("已退出人选库")
    expect(page.locator("#candidates")).to_contain_text("138****2001")
    screenshot(page, "register-candidates")
