"""Ticket supervision in a real browser: a community auditor enters a 12345 hotline case,
finds it on the supervision list once it has escalated to the community, opens an owner's
ticket with its photo, and a step someone else took meanwhile is refused with its message; a
county officer sets the county's time limits."""

import io
from datetime import timedelta

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import update

from backend.common.clock import utcnow
from backend.extensions import db
from backend.tickets.escalation import escalate_overdue
from backend.tickets.models import Ticket, TicketEvent
from tests.e2e.conftest import screenshot, sign_in
from tests.ledger_support import give_console_password

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)


def street_lamp_photo(size=(1200, 900)) -> bytes:
    """A dark stairwell with an unlit lamp: something to recognise in the viewer."""
    image = Image.new("RGB", size, (52, 58, 72))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 650, 1200, 900), fill=(120, 110, 100))
    draw.rectangle((560, 120, 640, 650), fill=(90, 90, 90))
    draw.ellipse((500, 60, 700, 200), fill=(200, 200, 170))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def test_auditor_enters_a_hotline_case_and_handles_escalated_tickets(
    page, live_server, tickets, tcast
):
    photo = tickets.photo(tcast.owner, data=street_lamp_photo())
    owners = tickets.report(
        tcast.owner,
        photo_ids=[photo],
        building_id=tcast.building.id,
        location_text="2单元门口",
        description="3栋2单元楼道灯坏了一周，晚上老人上下楼很危险",
    )
    filed = utcnow() - timedelta(days=2)  # filed two days ago: its time to accept is up
    db.session.execute(
        update(Ticket)
        .where(Ticket.id == owners["id"])
        .values(created_at=filed, accept_due_at=filed + timedelta(hours=24))
    )
    db.session.execute(
        update(TicketEvent).where(TicketEvent.ticket_id == owners["id"]).values(created_at=filed)
    )
    db.session.commit()
    give_console_password(tcast.auditor, "auditor1")
    sign_in(page, live_server, "auditor1")

    nav = page.get_by_role("navigation", name="控制台导航")
    nav.get_by_role("link", name="工单督办").click()
    page.wait_for_url(f"{live_server}/console/tickets")
    page.get_by_role("link", name="录入 12345 热线工单").click()
    page.wait_for_url(f"{live_server}/console/tickets/hotline")
    page.get_by_label("小区").select_option(str(tcast.estate.id))
    page.get_by_label("热线工单号").fill("QZ-20261123-0457")
    page.get_by_label("来电人").fill("王小明")
    page.get_by_label("来电号码").fill("138-1234")
    page.get_by_label("问题类别").select_option(label="管道疏通")
    page.get_by_label("来电内容").fill("3号楼下水道堵塞，污水漫到楼道，已经两天没人处理")
    page.get_by_label("位置").fill("3号楼1单元")
    page.get_by_role("button", name="录入工单").click()
    page.wait_for_load_state()
    assert page.locator("#caller_phone-error").inner_text() == "来电号码应为 7–20 位数字"
    assert page.get_by_label("来电内容").input_value().startswith("3号楼下水道堵塞")
    screenshot(page, "tickets-hotline-error")

    page.get_by_label("来电号码").fill("13812345678")
    page.get_by_role("button", name="录入工单").click()
    page.wait_for_url(f"{live_server}/console/tickets/*")
    hotline_id = int(page.url.rsplit("/", 1)[1])
    assert page.get_by_role("status").inner_text() == (
        f"已录入 12345 热线工单 QZ-20261123-0457（工单 #{hotline_id}）"
    )
    assert page.locator("#ticket-status").inner_text() == "待受理"
    assert "热线来电 王**（138****5678）" in page.locator(".facts").inner_text()
    assert "13812345678" not in page.content()

    # Nobody accepts either ticket in time: the job takes both up to the community.
    later = utcnow() + timedelta(hours=25)
    assert escalate_overdue(now=later) == 2
    assert escalate_overdue(now=later + timedelta(hours=25)) == 2

    nav.get_by_role("link", name="工单督办").click()
    page.wait_for_url(f"{live_server}/console/tickets")
    rows = page.locator("#supervised-tickets tbody tr")
    assert rows.count() == 2
    texts = [rows.nth(i).inner_text() for i in range(2)]
    assert f"#{owners['id']}" in texts[0] and "公共照明" in texts[0] and "社区" in texts[0]
    assert f"#{hotline_id}" in texts[1] and "12345热线" in texts[1] and "管道疏通" in texts[1]
    assert rows.nth(0).locator("td.overdue").count() == 1  # past its time to accept
    assert page.locator("#ticket-summary").get_by_text("按时办结率", exact=True).is_visible()
    screenshot(page, "tickets-list")

    rows.nth(1).get_by_role("link", name=f"查看工单 #{hotline_id}").click()
    page.wait_for_url(f"{live_server}/console/tickets/{hotline_id}")
    assert page.locator("#ticket-level").inner_text() == "社区督办"
    assert "工单号 QZ-20261123-0457" in page.locator(".facts").inner_text()
    page.go_back()
    page.wait_for_url(f"{live_server}/console/tickets")

    rows.nth(0).get_by_role("link", name=f"查看工单 #{owners['id']}").click()
    page.wait_for_url(f"{live_server}/console/tickets/{owners['id']}")
    thumbnail = page.get_by_role("img", name="问题照片 1")
    assert thumbnail.is_visible()
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 480
    assert "张**" in page.locator(".facts").inner_text()
    assert "超时升级" in page.locator("#ticket-events").inner_text()
    thumbnail.click()  # opens large in a dialog
    viewer = page.get_by_role("dialog")
    large = viewer.locator("img")
    assert large.evaluate("img => img.decode().then(() => img.naturalWidth)") == 1200
    screenshot(page, "tickets-photo")
    viewer.get_by_role("button", name="关闭").click()
    screenshot(page, "tickets-detail")

    # The property manager accepts it while the auditor's page is open.
    tickets.step(tcast.manager, owners["id"], "accept", note="物业已派电工")
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "工单当前为“已受理”，不能受理"
    assert page.locator("#ticket-status").inner_text() == "已受理"
    assert page.get_by_role("button", name="受理", exact=True).count() == 0
    screenshot(page, "tickets-refused")

    page.get_by_label("办理说明").fill("社区督促物业今天修好")
    page.get_by_role("button", name="开始办理").click()
    page.wait_for_url(f"{live_server}/console/tickets/{owners['id']}")
    assert page.get_by_role("status").inner_text() == f"工单 #{owners['id']} 已开始办理"
    assert page.locator("#ticket-status").inner_text() == "办理中"
    # Staff read each other by full name (backend.accounts.naming).
    assert "社区业账监管员 林慧" in page.locator("#ticket-events tbody tr").last.inner_text()


def test_county_officer_sets_the_countys_time_limits(page, live_server, tcast):
    give_console_password(tcast.county, "county1")
    sign_in(page, live_server, "county1")

    page.get_by_role("navigation", name="控制台导航").get_by_role("link", name="工单时限").click()
    page.wait_for_url(f"{live_server}/console/ticket-time-limits")
    accept = page.get_by_label("电梯故障受理时限")
    reply = page.get_by_label("电梯故障办理时限")
    assert (accept.input_value(), reply.input_value()) == ("2", "24")

    accept.fill("48")  # longer than the 24 hours to reply
    page.get_by_role("button", name="保存时限").click()
    page.wait_for_load_state()
    assert page.locator("#reply_hours-elevator-error").inner_text() == "办理时限不能短于受理时限"
    assert page.get_by_label("电梯故障受理时限").input_value() == "48"
    screenshot(page, "tickets-time-limits-error")

    page.get_by_label("电梯故障受理时限").fill("1")
    page.get_by_label("电梯故障办理时限").fill("12")
    page.get_by_role("button", name="保存时限").click()
    page.wait_for_url(f"{live_server}/console/ticket-time-limits?county={tcast.estate.county_id}")
    assert page.get_by_role("status").inner_text() == "已保存 1 个类别的时限，新工单按新时限计时"
    row = page.locator("#time-limits tbody tr", has_text="电梯故障")
    assert "本县设置" in row.inner_text()
    screenshot(page, "tickets-time-limits")
