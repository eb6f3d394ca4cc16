"""An auditor signs in to the console in a real browser and sees the estates they supervise."""

from backend.accounts import services as accounts
from backend.accounts.roles import Role, ScopeKind
from tests.e2e.conftest import screenshot

PASSWORD = "browser-test-password"


def test_auditor_signs_in_and_sees_supervised_estates(page, live_server, make):
    community = make.community(name="中山社区")
    make.unit(make.estate(community, "凤城花园"))
    make.estate(make.community(name="别的社区"), "别人的小区")
    accounts.create_staff("auditor1", PASSWORD, Role.AUDITOR, ScopeKind.COMMUNITY, community.id)

    page.goto(f"{live_server}/console/")
    assert page.get_by_role("heading", name="监管人员登录").is_visible()
    page.get_by_label("用户名").fill("auditor1")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误"

    page.get_by_label("用户名").fill("auditor1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/console/")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "凤城花园" in rows.first.inner_text()
    assert "别人的小区" not in page.content()
    screenshot(page, "console-estates")

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{live_server}/console/login")
