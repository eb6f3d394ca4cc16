"""The console's joint-meeting pages: the list in scope with its filters, the record form
(four parties, items named by row on error, minutes), one meeting with its follow-up forms,
the schedule; the held-out county as the pages show it; scope 404 and CSRF on every form."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.governance.meetings.models import AgendaItem, JointMeeting, MeetingMinutes
from backend.governance.meetings.schedule import today
from tests.console.test_console import csrf_token
from tests.console.test_estate_page import table_rows
from tests.console.test_ticket_pages import field_error, html_of, signed_in
from tests.download_support import assert_saved
from tests.governance_support import build_gcast
from tests.isolation import once_per_module
from tests.meeting_support import HeldOut, agenda, decided, hold, problem, ticket
from tests.pdf_support import plain_pdf
from tests.test_query_counts import count_queries

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)

PDF = plain_pdf()


@pytest.fixture
def as_township_a(client, gcast):
    return signed_in(client, gcast.township_a, "township1")


@pytest.fixture
def as_auditor(client, gcast):
    return signed_in(client, gcast.auditor_a, "auditor1")


def count(model=JointMeeting) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def record_form(client, gcast, files=None, **fields):
    form = {
        "csrf_token": csrf_token(client, "/console/meetings/new"),
        "community_id": str(gcast.estate_a.community_id),
        "held_on": today().isoformat(),
        "location": "城东社区党群服务中心",
        "topic": "十一月四方联席会议",
        "attendees-0-party": "community_party",
        "attendees-0-name": "陈书记",
        "attendees-1-party": "party_branch",
        "attendees-1-name": "林支书",
        "attendees-1-estate_id": str(gcast.estate_a.id),
        "attendees-2-party": "property_company",
        "attendees-2-name": "王经理",
        "attendees-3-party": "committee",
        "attendees-3-name": "黄主任",
        "attendees-3-post": "业委会主任",
        "items-0-title": "地下车库积水",
        "items-0-decision": "物业一周内疏通排水沟",
        "items-0-owner": "物业服务企业",
        "items-0-deadline": (today() + timedelta(days=7)).isoformat(),
        "items-2-title": "广场舞噪音纠纷",
        "items-2-is_dispute": "1",
    }
    form.update(fields)
    form = {k: v for k, v in form.items() if v is not None}
    if files:
        form.update(files)
    return client.post("/console/meetings/new", data=form, content_type="multipart/form-data")


def test_auditor_records_a_meeting_and_reads_it_back(as_auditor, gcast):
    minutes = {"minutes": (io.BytesIO(PDF), "十一月纪要.pdf")}
    response = record_form(as_auditor, gcast, files=minutes)
    assert response.status_code == 303
    page = html_of(as_auditor.get(response.headers["Location"]))
    assert "已登记联席会议：十一月四方联席会议" in page
    for name in ("陈书记", "林支书", "王经理", "黄主任（业委会主任）"):
        assert name in page
    rows = table_rows(page, "agenda-items")
    assert rows[0][:5] == [
        "地下车库积水",
        "—",
        "物业一周内疏通排水沟",
        "物业服务企业",
        (today() + timedelta(days=7)).isoformat(),
    ]
    assert rows[1][0] == "广场舞噪音纠纷" and rows[1][6] == "未化解 标记化解"
    stored = db.session.scalars(select(MeetingMinutes)).one()
    file = as_auditor.get(f"/console/meeting-minutes/{stored.id}")
    assert file.status_code == 200 and file.data == PDF
    assert_saved(file)


def test_missing_party_is_named_and_nothing_written(as_auditor, gcast):
    response = record_form(as_auditor, gcast, **{"attendees-3-name": "", "attendees-3-post": ""})
    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, "meeting-attendees") == "缺少业主委员会的参会人员"
    assert "四方联席会议须有四方参加，缺少：业主委员会" in html
    assert 'value="林支书"' in html  # what was typed stays
    assert count() == 0


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"items-2-owner": "业委会"}, "items-2-decision", "填写了责任方或期限，请同时填写决议内容"),
        ({"items-0-owner": ""}, "items-0-owner", "已形成决议的议题须明确责任方"),
        ({"topic": "长" * 201}, "topic", "会议主题不能超过 200 个字"),
        ({"location": ""}, "location", "请填写会议地点"),
        ({"held_on": "明天"}, "held_on", "日期格式应为 2026-10-05"),
        ({"held_on": "1999-12-31"}, "held_on", "日期须在 2000-01-01 至 2100-12-31 之间"),
        (
            {"items-0-deadline": "9999-12-31"},
            "items-0-deadline",
            "日期须在 2000-01-01 至 2100-12-31 之间",
        ),
        ({"community_id": "abc"}, "community_id", "应为整数"),
        ({"items-0-ticket_id": "x1"}, "items-0-ticket_id", "应为整数"),
        ({"attendees-2-party": "developer"}, "attendees-2-party", None),
        (
            {
                "attendees-1-estate_id": None,
                "attendees-5-name": "外人",
                "attendees-5-estate_id": "0",
            },
            "attendees-5-estate_id",
            "编号无效",
        ),
    ],
)
def test_bad_input_shows_the_error_by_row_and_writes_nothing(
    as_auditor, gcast, fields, field, message
):
    response = record_form(as_auditor, gcast, **fields)
    assert response.status_code == 422
    shown = field_error(html_of(response), f"meeting-{field}")
    assert shown == message if message else shown
    assert count() == 0 and count(AgendaItem) == 0


def test_bad_minutes_are_refused(as_auditor, gcast):
    response = record_form(as_auditor, gcast, files={"minutes": (io.BytesIO(b"no"), "纪要.pdf")})
    assert response.status_code == 422
    assert field_error(html_of(response), "meeting-minutes") == "文件内容与扩展名不符或已损坏"
    assert count() == 0 and count(MeetingMinutes) == 0


def test_recording_for_another_community_is_404(as_auditor, gcast):
    response = record_form(as_auditor, gcast, community_id=str(gcast.estate_b.community_id))
    assert response.status_code == 404
    assert count() == 0


def test_record_form_without_csrf_is_refused(as_auditor, gcast):
    response = record_form(as_auditor, gcast, csrf_token=None)
    assert response.status_code == 400
    assert count() == 0


def test_list_scope_and_filters(as_township_a, gcast):
    ca, cb = gcast.estate_a.community, gcast.estate_b.community
    early = hold(gcast.admin, ca, today() - timedelta(days=40), topic="上月例会")
    disputed = hold(gcast.admin, ca, topic="纠纷调处会", items=[agenda(is_dispute=True)])
    hold(gcast.admin, cb, topic="别的街道的会")
    rows = table_rows(html_of(as_township_a.get("/console/meetings")), "meetings")
    assert rows == [
        [disputed.held_on.isoformat(), ca.name, "纠纷调处会", "1", "0", "0/1"],
        [early.held_on.isoformat(), ca.name, "上月例会", "1", "1", "—"],
    ]
    only = table_rows(html_of(as_township_a.get("/console/meetings?disputes=1")), "meetings")
    assert [r[2] for r in only] == [disputed.topic]
    since = (today() - timedelta(days=41)).isoformat()
    until = (today() - timedelta(days=39)).isoformat()
    dated = as_township_a.get(f"/console/meetings?since={since}&until={until}")
    assert [r[2] for r in table_rows(html_of(dated), "meetings")] == [early.topic]
    other = as_township_a.get(f"/console/meetings?community={cb.id}")
    assert table_rows(html_of(other), "meetings")[0][0] == "没有符合条件的会议"
    junk = as_township_a.get("/console/meetings?since=yesterday&community=x&page=-3")
    assert junk.status_code == 200


def test_list_queries_stay_constant(app, as_township_a, gcast):
    ca = gcast.estate_a.community
    for n in range(2):
        hold(gcast.admin, ca, topic=f"例会{n}")
    as_township_a.get("/console/meetings")
    with count_queries(app) as few:
        as_township_a.get("/console/meetings")
    for n in range(6):
        hold(gcast.admin, ca, topic=f"更多{n}", items=[decided(), agenda(is_dispute=True)])
    with count_queries(app) as many:
        as_township_a.get("/console/meetings")
    assert len(many) == len(few)


def test_meeting_page_queries_stay_constant(app, make, as_township_a, gcast):
    ca = gcast.estate_a.community
    estates = [make.estate(ca, f"阳光{n}期").id for n in range(6)]
    few_items = hold(gcast.admin, ca, topic="少", items=[decided(estate_id=estates[0])])
    many_items = hold(
        gcast.admin, ca, topic="多", items=[decided(f"议题{e}", estate_id=e) for e in estates]
    )
    paths = [f"/console/meetings/{m.id}" for m in (few_items, many_items)]
    as_township_a.get(paths[0])
    with count_queries(app) as few:
        as_township_a.get(paths[0])
    with count_queries(app) as many:
        as_township_a.get(paths[1])
    assert len(many) == len(few)


def test_the_same_form_sent_twice_records_once(as_auditor, gcast):
    assert record_form(as_auditor, gcast).status_code == 303
    again = record_form(as_auditor, gcast)
    assert again.status_code == 409
    assert "该社区当天已登记同一主题的联席会议，请勿重复提交" in html_of(again)
    assert count() == 1 and count(AgendaItem) == 2


def test_other_townships_meeting_is_404(as_township_a, gcast):
    other = hold(gcast.admin, gcast.estate_b.community)
    assert as_township_a.get(f"/console/meetings/{other.id}").status_code == 404
    token = csrf_token(as_township_a, "/console/meetings")
    item = other.items[0].id
    response = as_township_a.post(
        f"/console/meetings/{other.id}/items/{item}/done", data={"csrf_token": token}
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(AgendaItem, item).done_at is None


def test_mark_done_and_resolved_from_the_page(as_township_a, gcast):
    linked, found = ticket(gcast.estate_a), problem(gcast.estate_a, gcast.admin)
    meeting = hold(
        gcast.admin,
        gcast.estate_a.community,
        items=[
            decided(ticket_id=linked.id),
            agenda("邻里纠纷", is_dispute=True, problem_item_id=found.id),
        ],
    )
    done, dispute = meeting.items
    page = html_of(as_township_a.get(f"/console/meetings/{meeting.id}"))
    assert f'href="/console/tickets/{linked.id}"' in page
    assert f'href="/console/problems/{found.id}"' in page
    base = f"/console/meetings/{meeting.id}/items"
    token = csrf_token(as_township_a, f"/console/meetings/{meeting.id}")
    assert (
        as_township_a.post(f"{base}/{done.id}/done", data={"csrf_token": token}).status_code == 303
    )
    again = as_township_a.post(f"{base}/{done.id}/done", data={"csrf_token": token})
    assert again.status_code == 409 and "该决议已标记为落实" in html_of(again)
    resolved = as_township_a.post(f"{base}/{dispute.id}/resolved", data={"csrf_token": token})
    assert resolved.status_code == 303
    rows = table_rows(html_of(as_township_a.get(f"/console/meetings/{meeting.id}")), "agenda-items")
    assert rows[0][5].startswith("已落实") and rows[1][6] == "已化解"


def test_follow_up_without_csrf_is_refused(as_township_a, gcast):
    meeting = hold(gcast.admin, gcast.estate_a.community)
    item = meeting.items[0].id
    response = as_township_a.post(f"/console/meetings/{meeting.id}/items/{item}/done")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(AgendaItem, item).done_at is None


def test_overdue_decision_is_marked(as_township_a, gcast):
    meeting = hold(gcast.admin, gcast.estate_a.community, items=[decided(days=0)])
    meeting.items[0].deadline = today() - timedelta(days=1)
    db.session.commit()
    rows = table_rows(html_of(as_township_a.get(f"/console/meetings/{meeting.id}")), "agenda-items")
    assert rows[0][4].endswith("逾期")


# -- the held-out county, as the pages show it -----------------------------------------------


def test_pages_show_the_held_out_county(client, make):
    held = HeldOut(make)
    signed_in(client, held.officer, "county9")
    since, until = HeldOut.SINCE.isoformat(), HeldOut.UNTIL.isoformat()
    page = html_of(client.get(f"/console/meetings?since={since}&until={until}"))
    assert "共 4 次会议" in page
    rows = table_rows(page, "meetings")
    assert sum(int(r[4]) for r in rows) == 5  # items decided
    assert sorted(r[5] for r in rows) == ["1/1", "1/2", "—", "—"]  # disputes resolved/all
    schedule = html_of(client.get("/console/meetings/schedule"))
    table = {r[1]: r for r in table_rows(schedule, "meeting-schedule")}
    assert set(table) == {"城关社区", "南门社区", "岩溪社区"}
    assert table["城关社区"][2] == "2026-05-31" and table["城关社区"][3] == "逾期未召开"
    assert table["南门社区"][3] == "逾期未召开" and table["岩溪社区"][3] == "按期召开"
    assert '<dt>逾期未召开</dt><dd><span class="figure">2</span>' in schedule
