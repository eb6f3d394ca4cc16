"""The console's ticket pages: the overdue and escalated tickets a supervisor oversees with
the figures of that scope, one ticket with its photos, history and handling forms, the 12345
hotline intake, and a county's time limits."""

import itertools
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from backend.access.roles import Role
from backend.common import storage
from backend.common.clock import local_text, utcnow
from backend.extensions import db
from backend.places.models import County
from backend.tickets import reporting, stats
from backend.tickets.models import Ticket, TicketEvent, TicketPhoto, TicketTimeLimit
from tests.console.test_console import sign_in
from tests.console.test_estate_page import post, table_rows
from tests.isolation import once_per_module
from tests.ledger_support import give_console_password
from tests.test_query_counts import count_queries
from tests.ticket_support import build_tcast

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)

_cases = itertools.count(1)


def signed_in(client, person, username):
    give_console_password(person, username)
    assert sign_in(client, username).status_code == 302
    return client


@pytest.fixture
def as_auditor(client, tcast):
    return signed_in(client, tcast.auditor, "auditor1")


@pytest.fixture
def as_county(client, tcast):
    return signed_in(client, tcast.county, "county1")


def hotline_ticket(staff, estate, **fields) -> Ticket:
    """A ticket entered from the hotline by ``staff`` (who must oversee ``estate``)."""
    args = {
        "hotline_case_no": f"QZ-2026-{next(_cases):05d}",
        "category": "lighting",
        "description": "小区路灯晚上不亮",
        **fields,
    }
    return reporting.report_hotline(staff, estate.id, args)


def set_ticket(ticket_id, **values):
    db.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))
    db.session.commit()


def faraway_county(estate) -> County:
    return db.session.get(County, estate.county_id)


def overdue(ticket_id, hours=2):
    """Its deadline to accept passed ``hours`` ago (nobody has escalated it yet)."""
    set_ticket(ticket_id, accept_due_at=utcnow() - timedelta(hours=hours))


def fresh(ticket_id) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def html_of(response) -> str:
    return response.get_data(as_text=True)


def list_ids(client, query="") -> list[int]:
    response = client.get(f"/console/tickets{query}")
    assert response.status_code == 200
    rows = table_rows(html_of(response), "supervised-tickets")
    return [int(row[0].lstrip("#")) for row in rows if row[0].startswith("#")]


def field_error(html, field_id) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else ""


def summary(html) -> dict:
    """Each figure of the summary strip: label -> the figure's text."""
    strip = re.search(r'<dl class="summary" id="ticket-summary">(.*?)</dl>', html, re.S).group(1)
    return {
        label: unescape(value)
        for label, value in re.findall(
            r'<dt>(.*?)</dt><dd><span class="figure[^"]*">(.*?)</span>', strip
        )
    }


# -- sign-in, the layout, who may open the pages ---------------------------------------------


def test_ticket_pages_need_sign_in(client, tcast):
    ticket = hotline_ticket(tcast.county, tcast.estate)
    for path in (
        "/console/tickets",
        f"/console/tickets/{ticket.id}",
        "/console/tickets/hotline",
        "/console/ticket-time-limits",
        "/console/ticket-photos/1",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_nav_links_to_tickets_and_only_county_officers_see_time_limits(client, tcast):
    auditor_page = html_of(signed_in(client, tcast.auditor, "auditor1").get("/console/"))
    county_page = html_of(signed_in(client, tcast.county, "county1").get("/console/"))

    assert 'href="/console/tickets">工单督办</a>' in auditor_page
    assert "/console/ticket-time-limits" not in auditor_page
    assert 'href="/console/ticket-time-limits">工单时限</a>' in county_page


def test_estate_staff_with_a_console_password_get_403_for_supervision_and_hotline(client, tcast):
    signed_in(client, tcast.manager, "manager1")

    for path in ("/console/tickets", "/console/tickets/hotline"):
        response = client.get(path)
        assert response.status_code == 403
        assert "社区、街道" in html_of(response)


# -- the supervised list -----------------------------------------------------------------------


def test_attention_shows_only_overdue_or_escalated_open_tickets(tcast, as_auditor):
    county = tcast.county
    fresh_one = hotline_ticket(county, tcast.estate)  # within its time limit
    late = hotline_ticket(county, tcast.estate)
    overdue(late.id)
    escalated = hotline_ticket(county, tcast.estate)
    set_ticket(escalated.id, escalation_level=2)  # climbed, deadline still ahead
    answered = hotline_ticket(county, tcast.estate)
    set_ticket(answered.id, escalation_level=1, status="replied", replied_at=utcnow())

    assert list_ids(as_auditor) == [escalated.id, late.id]
    assert list_ids(as_auditor, "?show=attention") == [escalated.id, late.id]
    assert list_ids(as_auditor, "?show=open") == [escalated.id, late.id, fresh_one.id]
    assert sorted(list_ids(as_auditor, "?show=all")) == sorted(
        [fresh_one.id, late.id, escalated.id, answered.id]
    )
    assert list_ids(as_auditor, "?show=nonsense") == [escalated.id, late.id]


def test_rows_show_estate_category_status_level_deadline_supporters_and_channel(
    tcast, tickets, as_auditor
):
    reported = tickets.report(tcast.owner, category="elevator")
    tickets.post(tcast.owner2, f"/tickets/{reported['id']}/supporters")
    overdue(reported["id"], hours=3)
    deadline = local_text(fresh(reported["id"]).accept_due_at)

    html = html_of(as_auditor.get("/console/tickets"))

    assert table_rows(html, "supervised-tickets") == [
        [
            f"#{reported['id']}",
            tcast.estate.name,
            "电梯故障",
            "待受理",
            "物业项目经理",
            f"{deadline}（受理）",
            "1",
            "小程序",
        ]
    ]
    assert f'<td class="overdue" title="已超时">{deadline}（受理）</td>' in html
    assert f'href="/console/tickets/{reported["id"]}"' in html
    assert '<span class="badge level-0">物业项目经理</span>' in html


def test_list_and_summary_only_count_tickets_in_the_users_scope(client, make, tcast):
    township = tcast.estate.community.township
    neighbour = make.estate(make.community(township), "翠湖苑")  # same township
    faraway = make.estate(make.community(), "远方小区")  # another township
    mine = hotline_ticket(tcast.county, tcast.estate)
    theirs = hotline_ticket(tcast.county, neighbour)
    far = hotline_ticket(make.member(Role.COUNTY_OFFICER, faraway_county(faraway)), faraway)
    for ticket in (mine, theirs, far):
        set_ticket(ticket.id, escalation_level=3)
    stranger = make.member(Role.TOWNSHIP_OFFICER, make.township())

    signed_in(client, tcast.auditor, "auditor1")
    auditor_html = html_of(client.get("/console/tickets"))
    assert list_ids(client) == [mine.id]
    assert "翠湖苑" not in auditor_html and "远方小区" not in auditor_html
    assert summary(auditor_html)["工单总数"] == "1"
    assert "我监管的全部 2 个小区" in auditor_html  # tcast.estate and its neighbour

    signed_in(client, tcast.township, "township1")
    assert sorted(list_ids(client)) == sorted([mine.id, theirs.id])
    assert summary(html_of(client.get("/console/tickets")))["工单总数"] == "2"

    signed_in(client, tcast.county, "county1")
    assert sorted(list_ids(client)) == sorted([mine.id, theirs.id])  # far is another county

    signed_in(client, stranger, "stranger1")
    assert list_ids(client) == []
    assert "暂无超时或升级督办的工单" in html_of(client.get("/console/tickets"))


def test_filters_narrow_by_place_category_and_level_within_scope(client, make, tcast):
    township = tcast.estate.community.township
    neighbour = make.estate(make.community(township, "凤山社区"), "翠湖苑")
    lamp = hotline_ticket(tcast.county, tcast.estate)
    lift = hotline_ticket(tcast.county, tcast.estate, category="elevator")
    drains = hotline_ticket(tcast.county, neighbour, category="drains")
    for ticket, level in ((lamp, 1), (lift, 2), (drains, 3)):
        set_ticket(ticket.id, escalation_level=level)
    outside = make.estate(make.community(), "别县小区")
    signed_in(client, tcast.township, "township1")

    assert list_ids(client, f"?community={neighbour.community_id}") == [drains.id]
    assert list_ids(client, f"?estate={tcast.estate.id}") == [lift.id, lamp.id]
    assert list_ids(client, "?category=elevator") == [lift.id]
    assert list_ids(client, "?level=1") == [lamp.id]
    assert list_ids(client, f"?estate={tcast.estate.id}&level=2") == [lift.id]
    # A place outside the scope, or not inside the chosen community, filters nothing.
    everything = [drains.id, lift.id, lamp.id]
    assert list_ids(client, f"?estate={outside.id}") == everything
    assert list_ids(client, "?estate=99999999999999999999&level=9&page=x") == everything
    assert list_ids(client, f"?community={neighbour.community_id}&estate={tcast.estate.id}") == [
        drains.id
    ]
    html = html_of(client.get(f"/console/tickets?community={neighbour.community_id}"))
    assert "统计范围：凤山社区" in html
    assert summary(html)["工单总数"] == "1"
    assert f'<option value="{neighbour.community_id}" selected>凤山社区</option>' in html


def test_summary_shows_the_scopes_figures_next_to_their_definitions(
    tcast, tickets, as_auditor, make
):
    rated = tickets.replied(tcast)
    tickets.post(tcast.owner, f"/tickets/{rated['id']}/rating", {"rating": 4})
    late = tickets.report(tcast.owner2)
    overdue(late["id"])

    html = html_of(as_auditor.get("/console/tickets"))

    assert summary(html) == {
        "工单总数": "2",
        "未办结": "1",
        "超时": "1",
        "按时办结率": "100.00%",
        "重新办理率": "0.00%",
        "平均满意度": "4.00",
    }
    assert "1 / 1 件" in html and "1 人评价" in html
    for definition in stats.DEFINITIONS.values():
        assert definition in html


def test_list_pages_20_tickets_keeping_the_filters(tcast, as_auditor):
    for _ in range(21):
        set_ticket(hotline_ticket(tcast.county, tcast.estate).id, escalation_level=2)

    first = html_of(as_auditor.get("/console/tickets?category=lighting"))
    second_ids = list_ids(as_auditor, "?category=lighting&page=2")

    assert len(table_rows(first, "supervised-tickets")) == 20
    assert "第 1 / 2 页" in first
    assert "/console/tickets?page=2&amp;category=lighting" in first
    assert len(second_ids) == 1


def test_list_query_count_does_not_grow_with_rows(app, client, make):
    counts = []
    for n in (1, 6):
        community = make.community()
        estate = make.estate(community)
        auditor = make.member(Role.AUDITOR, community)
        for _ in range(n):
            set_ticket(hotline_ticket(auditor, estate).id, escalation_level=2)
        signed_in(client, auditor, f"auditor-of-{n}")
        with count_queries(app) as statements:
            assert client.get("/console/tickets").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# -- one ticket --------------------------------------------------------------------------------


def test_ticket_page_shows_photos_description_location_masked_reporter_and_history(
    tcast, tickets, as_auditor
):
    reported = tickets.report(
        tcast.owner,
        photos=2,
        building_id=tcast.building.id,
        location_text="2单元门口",
        description="3栋楼道灯坏了一周，晚上很黑",
    )

    response = as_auditor.get(f"/console/tickets/{reported['id']}")

    assert response.status_code == 200
    html = html_of(response)
    assert f"工单 #{reported['id']} · 公共照明" in html
    assert '<span class="status" id="ticket-status">待受理</span>' in html
    assert "3栋楼道灯坏了一周，晚上很黑" in html
    assert "<dt>位置</dt><dd>3栋 · 2单元门口</dd>" in html
    assert "<dt>反映人</dt><dd>张**</dd>" in html and "张三丰" not in html
    for photo in reported["photos"]:
        assert f'src="/console/ticket-photos/{photo["id"]}?size=thumb"' in html
        assert f'href="/console/ticket-photos/{photo["id"]}"' in html
    [created] = table_rows(html, "ticket-events")
    assert created[1:5] == ["提交", "待受理", "业主 张**", "物业项目经理"]
    assert 'id="form-accept"' not in html  # the property manager's turn, not the community's


def test_reply_photos_show_in_the_history(tcast, tickets, as_auditor):
    reported = tickets.report(tcast.owner)
    tickets.step(tcast.manager, reported["id"], "accept")
    tickets.step(tcast.manager, reported["id"], "start")
    after = tickets.photo(tcast.manager)
    tickets.step(tcast.manager, reported["id"], "reply", note="已更换灯泡", photo_ids=[after])

    html = html_of(as_auditor.get(f"/console/tickets/{reported['id']}"))

    replied = table_rows(html, "ticket-events")[-1]
    assert replied[1:6] == [
        "反馈结果",
        "办理中 → 已反馈",
        "物业项目经理 赵强",
        "物业项目经理",
        "已更换灯泡",
    ]
    assert f'<img src="/console/ticket-photos/{after}?size=thumb" alt="反馈结果照片 1"' in html


def test_hotline_caller_is_masked_on_the_ticket_page(tcast, as_auditor):
    ticket = hotline_ticket(
        tcast.auditor,
        tcast.estate,
        hotline_case_no="QZ-20261123-0457",
        caller_name="王小明",
        caller_phone="13812345678",
    )

    html = html_of(as_auditor.get(f"/console/tickets/{ticket.id}"))

    assert "<dt>反映人</dt><dd>热线来电 王**（138****5678）</dd>" in html
    assert "<dt>渠道</dt><dd>12345热线 · 工单号 QZ-20261123-0457</dd>" in html
    assert "王小明" not in html and "13812345678" not in html


def test_photos_are_served_to_staff_in_scope_and_404_to_others(client, tcast, tickets):
    reported = tickets.report(tcast.owner)
    photo = reported["photos"][0]["id"]

    signed_in(client, tcast.auditor, "auditor1")
    full = client.get(f"/console/ticket-photos/{photo}")
    thumb = client.get(f"/console/ticket-photos/{photo}?size=thumb")
    assert full.status_code == thumb.status_code == 200
    assert full.mimetype == thumb.mimetype == "image/jpeg"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    stored = db.session.get(TicketPhoto, photo)
    assert thumb.data == storage.open_file(stored.thumb_key).read()
    assert full.data == storage.open_file(stored.storage_key).read()
    unattached = tickets.photo(tcast.owner)
    assert client.get(f"/console/ticket-photos/{unattached}").status_code == 404

    signed_in(client, tcast.other_auditor, "stranger1")
    assert client.get(f"/console/ticket-photos/{photo}").status_code == 404


def test_auditor_of_another_community_gets_404_for_the_ticket_and_its_forms(client, tcast, tickets):
    reported = tickets.report(tcast.owner)
    set_ticket(reported["id"], escalation_level=4)
    signed_in(client, tcast.other_auditor, "stranger1")

    page = client.get(f"/console/tickets/{reported['id']}")
    act = post(client, f"/console/tickets/{reported['id']}/transitions", {"action": "accept"})

    assert page.status_code == act.status_code == 404
    assert "未找到" in html_of(page) and tcast.estate.name not in html_of(page)
    assert fresh(reported["id"]).status == "submitted"


def test_township_officer_of_another_township_gets_404(client, make, tcast, tickets):
    reported = tickets.report(tcast.owner)
    set_ticket(reported["id"], escalation_level=4)
    county = tcast.estate.community.township.county
    other = make.member(Role.TOWNSHIP_OFFICER, make.township(county))
    signed_in(client, other, "township2")

    assert client.get(f"/console/tickets/{reported['id']}").status_code == 404
    assert client.get("/console/tickets/99999").status_code == 404
    assert list_ids(client, "?show=all") == []


# -- handling from the console -------------------------------------------------------------


def transition(client, ticket_id, **form):
    return post(client, f"/console/tickets/{ticket_id}/transitions", form)


def test_auditor_handles_an_escalated_ticket_from_accept_to_reply(tcast, tickets, as_auditor):
    reported = tickets.report(tcast.owner)
    tid = reported["id"]
    set_ticket(tid, escalation_level=2)  # the community's turn
    page = html_of(as_auditor.get(f"/console/tickets/{tid}"))
    assert 'id="form-accept"' in page and 'id="form-reject"' in page
    assert 'id="form-duplicate"' in page and 'id="form-assign"' not in page

    accepted = transition(as_auditor, tid, action="accept", note="社区已督促物业")
    assert accepted.status_code == 303
    assert accepted.headers["Location"].endswith(f"/console/tickets/{tid}")
    page = html_of(as_auditor.get(f"/console/tickets/{tid}"))
    assert f"工单 #{tid} 已受理" in page
    assert f'<option value="{tcast.manager.id}">物业项目经理 赵强</option>' in page

    assigned = transition(as_auditor, tid, action="assign", assignee_id=str(tcast.manager.id))
    assert assigned.status_code == 303
    assert fresh(tid).assignee_id == tcast.manager.id
    assert transition(as_auditor, tid, action="start").status_code == 303
    replied = transition(as_auditor, tid, action="reply", note="已协调物业更换灯泡")
    assert replied.status_code == 303

    assert fresh(tid).status == "replied"
    html = html_of(as_auditor.get(f"/console/tickets/{tid}"))
    events = table_rows(html, "ticket-events")
    assert [e[1] for e in events] == ["提交", "受理", "转办", "开始办理", "反馈结果"]
    assert events[1][3] == "社区业账监管员 林慧" and events[1][5] == "社区已督促物业"
    assert 'id="form-' not in html  # nothing left for staff: the owner rates or reopens


def test_auditor_cannot_act_before_the_ticket_reaches_the_community(tcast, tickets, as_auditor):
    reported = tickets.report(tcast.owner)

    response = transition(as_auditor, reported["id"], action="accept")

    assert response.status_code == 403
    assert "该工单由物业处理，尚未升级" in html_of(response)
    assert fresh(reported["id"]).status == "submitted"


def test_refused_step_shows_its_message_and_keeps_what_was_typed(tcast, tickets, as_auditor):
    reported = tickets.report(tcast.owner)
    set_ticket(reported["id"], escalation_level=2)
    events = count(TicketEvent)

    no_reason = transition(as_auditor, reported["id"], action="reject", reason="   ")
    not_a_ticket = transition(
        as_auditor, reported["id"], action="duplicate", duplicate_of_id="99999"
    )
    not_a_number = transition(as_auditor, reported["id"], action="duplicate", duplicate_of_id="三")

    assert no_reason.status_code == not_a_ticket.status_code == not_a_number.status_code == 422
    html = html_of(no_reason)
    assert '<p class="flash error" role="alert">请填写不予受理的原因</p>' in html
    assert field_error(html, "reject-reason") == "请填写不予受理的原因"
    html = html_of(not_a_ticket)
    assert field_error(html, "duplicate-duplicate_of_id") == "请填写本小区另一件未办结工单的编号"
    assert 'name="duplicate_of_id" min="1" required value="99999"' in html
    assert field_error(html_of(not_a_number), "duplicate-duplicate_of_id") == "应为整数"
    assert fresh(reported["id"]).status == "submitted" and count(TicketEvent) == events


def test_step_taken_meanwhile_by_someone_else_is_409_with_the_forms_of_now(
    tcast, tickets, as_auditor
):
    reported = tickets.report(tcast.owner)
    set_ticket(reported["id"], escalation_level=2)
    tickets.step(tcast.manager, reported["id"], "accept")  # while the auditor's page is open

    response = transition(as_auditor, reported["id"], action="accept")

    assert response.status_code == 409
    html = html_of(response)
    assert "工单当前为“已受理”，不能受理" in unescape(html)
    assert 'id="form-accept"' not in html and 'id="form-assign"' in html


@pytest.mark.parametrize("action", ["reopen", "rate", ""])
def test_only_staff_steps_are_taken_from_the_console(tcast, tickets, as_auditor, action):
    reported = tickets.report(tcast.owner)
    set_ticket(reported["id"], escalation_level=4)

    response = transition(as_auditor, reported["id"], action=action, note="x")

    assert response.status_code == 422
    assert "请选择受理、转办、开始办理、反馈结果、不予受理或标记重复" in html_of(response)


# -- CSRF ------------------------------------------------------------------------------------


def test_forms_without_csrf_token_are_refused(tcast, tickets, client):
    reported = tickets.report(tcast.owner)
    set_ticket(reported["id"], escalation_level=4)
    signed_in(client, tcast.county, "county1")
    tickets_before, limits_before = count(Ticket), count(TicketTimeLimit)
    hotline = {
        "estate_id": str(tcast.estate.id),
        "hotline_case_no": "QZ-20261123-0001",
        "category": "lighting",
        "description": "路灯不亮",
    }

    responses = [
        client.post(f"/console/tickets/{reported['id']}/transitions", data={"action": "accept"}),
        client.post("/console/tickets/hotline", data=hotline),
        client.post("/console/ticket-time-limits", data={"accept_hours-elevator": "1"}),
    ]

    assert [r.status_code for r in responses] == [400] * 3
    assert {r.json["error"]["code"] for r in responses} == {"csrf_failed"}
    assert fresh(reported["id"]).status == "submitted"
    assert (count(Ticket), count(TicketTimeLimit)) == (tickets_before, limits_before)


# -- the 12345 hotline ---------------------------------------------------------------------


def hotline_form(estate, **fields):
    return {
        "estate_id": str(estate.id),
        "hotline_case_no": "QZ-20261123-0457",
        "caller_name": "王小明",
        "caller_phone": "13812345678",
        "category": "drains",
        "description": "3号楼下水道堵塞，污水漫到楼道",
        "location_text": "3号楼1单元",
        **fields,
    }


def test_hotline_form_lists_the_estates_in_scope_and_the_categories(make, tcast, as_auditor):
    make.estate(make.community(), "别处小区")

    html = html_of(as_auditor.get("/console/tickets/hotline"))

    assert f'<option value="{tcast.estate.id}">{tcast.estate.name}（' in html
    assert "别处小区" not in html
    assert '<option value="green_land">绿地裸土</option>' in html
    assert 'name="csrf_token"' in html


def test_hotline_case_is_entered_and_opens_its_ticket(tcast, as_auditor):
    response = post(as_auditor, "/console/tickets/hotline", hotline_form(tcast.estate))

    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket))
    assert response.headers["Location"].endswith(f"/console/tickets/{ticket.id}")
    assert (ticket.channel, ticket.hotline_case_no, ticket.category) == (
        "hotline",
        "QZ-20261123-0457",
        "drains",
    )
    assert (ticket.caller_name, ticket.caller_phone) == ("王小明", "13812345678")
    assert ticket.entered_by_id == tcast.auditor.id and ticket.location_text == "3号楼1单元"
    html = html_of(as_auditor.get(response.headers["Location"]))
    assert f"已录入 12345 热线工单 QZ-20261123-0457（工单 #{ticket.id}）" in html
    assert "3号楼下水道堵塞，污水漫到楼道" in html


def test_duplicate_case_number_is_shown_on_the_field_and_nothing_is_created(tcast, as_auditor):
    post(as_auditor, "/console/tickets/hotline", hotline_form(tcast.estate))
    form = hotline_form(tcast.estate, description="同一个案件又转来一次", caller_name="李四")

    response = post(as_auditor, "/console/tickets/hotline", form)

    assert response.status_code == 409
    html = html_of(response)
    message = "热线工单号 QZ-20261123-0457 已录入过，请勿重复录入"
    assert field_error(html, "hotline_case_no") == message
    assert 'aria-describedby="hotline_case_no-error"' in html
    assert "同一个案件又转来一次" in html and 'value="李四"' in html  # the form is kept
    assert count(Ticket) == 1


def test_hotline_form_errors_are_shown_next_to_their_fields(tcast, as_auditor):
    form = hotline_form(
        tcast.estate,
        estate_id="",
        hotline_case_no="12",
        caller_phone="138-1234",
        category="",
        description="   ",
    )

    response = post(as_auditor, "/console/tickets/hotline", form)

    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, "estate_id") == "请选择小区"
    assert field_error(html, "hotline_case_no") == "热线工单号应为 4–40 位字母、数字或连字符"
    assert field_error(html, "caller_phone") == "来电号码应为 7–20 位数字"
    assert field_error(html, "category") == "此项为必填"
    assert field_error(html, "description") == "请填写来电内容"
    assert 'value="138-1234"' in html
    assert count(Ticket) == 0


def test_hotline_case_for_an_estate_outside_scope_is_404_and_nothing_is_created(
    make, tcast, as_auditor
):
    elsewhere = make.estate(make.community(), "别处小区")

    response = post(as_auditor, "/console/tickets/hotline", hotline_form(elsewhere))

    assert response.status_code == 404
    assert count(Ticket) == 0


# -- a county's time limits ----------------------------------------------------------------


def limits_form(client, **changes):
    """The time-limits form as the page fills it, with ``changes`` typed over it."""
    html = html_of(client.get("/console/ticket-time-limits"))
    fields = dict(re.findall(r'name="((?:accept|reply)_hours-\w+)"[^>]*?value="([^"]*)"', html))
    assert len(fields) == 22
    return {**fields, **changes}


def test_county_officer_sees_the_hours_per_category(tcast, as_county):
    html = html_of(as_county.get("/console/ticket-time-limits"))

    rows = table_rows(html, "time-limits")
    assert len(rows) == 11
    assert rows[0][0] == "治安安全" and rows[0][3] == "系统默认"
    assert 'name="accept_hours-elevator" min="1" max="2160"' in html
    assert re.search(r'name="accept_hours-elevator"[^>]*value="2"', html)
    assert re.search(r'name="reply_hours-elevator"[^>]*value="24"', html)


def test_time_limits_form_saves_the_changed_categories(tcast, as_county):
    form = limits_form(as_county, **{"accept_hours-elevator": "1", "reply_hours-elevator": "12"})

    response = post(as_county, "/console/ticket-time-limits", form)

    assert response.status_code == 303
    rows = db.session.scalars(select(TicketTimeLimit)).all()
    assert [(r.category, r.accept_hours, r.reply_hours) for r in rows] == [("elevator", 1, 12)]
    html = html_of(as_county.get(response.headers["Location"]))
    assert "已保存 1 个类别的时限，新工单按新时限计时" in html
    assert ["电梯故障", "", "", "本县设置"] in table_rows(html, "time-limits")
    assert hotline_ticket(tcast.county, tcast.estate, category="elevator").reply_due_at


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"accept_hours-elevator": "abc"}, "accept_hours-elevator", "应为整数"),
        ({"accept_hours-elevator": "0"}, "accept_hours-elevator", "时限应在 1 到 2160 小时之间"),
        ({"reply_hours-elevator": ""}, "reply_hours-elevator", "此项为必填"),
        ({"accept_hours-drains": "50"}, "reply_hours-drains", "办理时限不能短于受理时限"),
    ],
)
def test_bad_time_limit_is_shown_on_its_field_and_nothing_is_saved(
    tcast, as_county, changes, field, message
):
    form = limits_form(as_county, **{"accept_hours-parking": "6"}, **changes)

    response = post(as_county, "/console/ticket-time-limits", form)

    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, field) == message
    assert "时限有误，请按提示修改" in html
    assert re.search(r'name="accept_hours-parking"[^>]*value="6"', html)  # kept as typed
    assert count(TicketTimeLimit) == 0


def test_time_limits_are_403_for_others_and_404_for_another_county(client, make, tcast):
    signed_in(client, tcast.auditor, "auditor1")
    assert client.get("/console/ticket-time-limits").status_code == 403
    county_id = tcast.estate.county_id
    assert client.get(f"/console/ticket-time-limits?county={county_id}").status_code == 403

    elsewhere = make.member(Role.COUNTY_OFFICER, make.county())
    signed_in(client, elsewhere, "county2")
    assert client.get(f"/console/ticket-time-limits?county={county_id}").status_code == 404
    response = post(
        client, f"/console/ticket-time-limits?county={county_id}", {"accept_hours-elevator": "1"}
    )
    assert response.status_code == 404
    assert client.get("/console/ticket-time-limits?county=x").status_code == 404
    assert count(TicketTimeLimit) == 0
