"""Staff in a real browser: an auditor signs in and sees the estates they supervise; an
admin requeues a failed delivery from an estate's page."""

import pytest

from backend.access.roles import Role, ScopeKind
from backend.accounts import services as accounts
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)

PASSWORD = "browser-test-password"


def test_auditor_signs_in_and_sees_supervised_estates(page, live_server, make):
    community = make.community(name="中山社区")
    make.unit(make.estate(community, "凤城花园"))
    make.estate(make.community(name="别的社区"), "别人的小区")
    accounts.create_staff(
        "auditor1", PASSWORD, Role.AUDITOR, ScopeKind.COMMUNITY, community.id, "林慧"
    )

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


def test_admin_requeues_a_dead_delivery_from_the_estate_page(page, live_server, make):
    estate = make.estate(make.community(name="中山社区"), "凤城花园")
    group = make.group_chat(estate, address="browser-secret-robot-key-9f3c")
    db.session.add(
        OutboxMessage(
            estate_id=estate.id,
            group_chat_id=group.id,
            topic="notice.published",
            subject_id=1,
            dedupe_key="browser:1",
            payload=[],
            status="dead",
            attempts=5,
            last_error="企业微信返回 HTTP 502",
        )
    )
    db.session.commit()
    accounts.create_staff(
        "admin1", PASSWORD, Role.ADMIN, ScopeKind.COUNTY, estate.county_id, "周敏"
    )

    page.goto(f"{live_server}/console/login")
    page.get_by_label("用户名").fill("admin1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/console/")
    page.get_by_role("link", name="凤城花园").click()
    page.wait_for_url(f"{live_server}/console/estates/{estate.id}")
    assert page.get_by_role("heading", name="凤城花园").is_visible()
    assert "••••9f3c" in page.locator("#group-chats").inner_text()
    assert "browser-secret-robot-key-9f3c" not in page.content()

    # An app chat is internal only: choosing it selects 内部群 and takes 外部群 off the list.
    add = page.locator("#add-group-chat")
    assert add.get_by_label("群类型").input_value() == "external"
    add.locator("select[name=channel]").select_option("wecom_appchat")
    assert add.get_by_label("群类型").input_value() == "internal"
    assert add.locator('option[value="external"]').is_disabled()
    add.locator("select[name=channel]").select_option("wecom_robot")
    assert add.locator('option[value="external"]').is_enabled()

    row = page.locator("#deliveries tbody tr")
    assert "发送失败" in row.inner_text()
    row.get_by_role("button", name="重新投递").click()
    page.wait_for_url(f"{live_server}/console/estates/{estate.id}")

    assert page.get_by_role("status").inner_text() == "已重新投递，消息将很快发出"
    assert "待发送" in row.inner_text()
    assert row.get_by_role("button", name="重新投递").count() == 0
    assert "待发送（1）" in page.get_by_role("navigation", name="按状态筛选").inner_text()
    screenshot(page, "console-estate-deliveries")
