"""The console's register pages (小区档案): the list with its summary against the held-out
county, filters and pages; one estate's register and its forms; the re-election list; the
candidate pool. Scope (404 for another township), 403 for the wrong role, CSRF on every form,
bad input shown next to its field with nothing written."""

import re

import pytest
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register.figures import figures_on
from backend.governance.register.models import (
    CommitteeCandidate,
    CommitteeMember,
    PartyBranch,
    VolunteerTeam,
)
from tests.console.test_console import csrf_token
from tests.console.test_estate_page import table_rows
from tests.console.test_ticket_pages import field_error, html_of, signed_in
from tests.governance_support import build_gcast
from tests.isolation import once_per_module
from tests.register_support import HELD_OUT, ago, held_out, term
from tests.test_query_counts import count_queries

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def summary(html) -> tuple:
    strip = re.search(r'<dl class="summary" id="register-summary">(.*?)</dl>', html, re.S).group(1)
    return tuple(int(v) for v in re.findall(r'<span class="figure">(\d+)</span>', strip))


@pytest.fixture
def county(make):
    return held_out(make, today())


@pytest.fixture
def as_held_out_county(client, make, county):
    return signed_in(client, make.member(Role.COUNTY_OFFICER, county["county"]), "county9")


def names(client, query="") -> list[str]:
    response = client.get(f"/console/register{query}")
    assert response.status_code == 200
    return [row[0] for row in table_rows(html_of(response), "register")]


def test_the_list_summary_matches_the_hand_count_and_the_figures(as_held_out_county, county):
    html = html_of(as_held_out_county.get("/console/register"))
    estates, covered, committees, party_led, due = HELD_OUT[0]["county"]
    # the strip reads: estates, committees, party-led, covered, due
    assert summary(html) == (estates, committees, party_led, covered, due)
    f = figures_on(county["scopes"]["county"], today())
    assert summary(html) == (
        f.estates,
        f.committees,
        f.party_led,
        f.party_covered,
        f.reelection_due,
    )
    assert "别县小区" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["E1小区", "E2小区", "E3小区", "E4小区", "E5小区", "E6小区"]),
        ("?committee=no", ["E2小区", "E4小区"]),
        ("?party_led=yes", ["E1小区", "E6小区"]),
        ("?party_led=no", ["E2小区", "E3小区", "E4小区", "E5小区"]),
        ("?covered=no", ["E3小区", "E4小区", "E5小区"]),
        ("?due=1", ["E3小区", "E5小区"]),
        ("?q=E6", ["E6小区"]),
        ("?committee=bogus&page=x", ["E1小区", "E2小区", "E3小区", "E4小区", "E5小区", "E6小区"]),
    ],
)
def test_list_filters(as_held_out_county, county, query, expected):
    assert names(as_held_out_county, query) == expected


def test_a_township_officer_sees_their_township_only(client, make, county):
    t1, _t2 = county["townships"]
    signed_in(client, make.member(Role.TOWNSHIP_OFFICER, t1), "township9")
    assert names(client) == ["E1小区", "E2小区", "E3小区", "E4小区"]
    e5 = county["estates"]["E5"]
    assert client.get(f"/console/estates/{e5.id}/register").status_code == 404
    assert client.get(f"/console/communities/{e5.community_id}/candidates").status_code == 404


def test_the_list_pages_and_its_queries_stay_constant(app, as_held_out_county, county, make):
    community = county["estates"]["E1"].community
    as_held_out_county.get("/console/register")
    with count_queries(app) as few:
        as_held_out_county.get("/console/register")
    for n in range(20):
        term(make.member(Role.ADMIN, county["county"]), make.estate(community, f"新{n:02d}小区"))
    with count_queries(app) as many:
        html = html_of(as_held_out_county.get("/console/register"))
    assert len(many) == len(few)
    assert "第 1 / 2 页" in html
    assert len(names(as_held_out_county, "?page=2")) == 6


def test_the_reelection_list(as_held_out_county, county):
    html = html_of(as_held_out_county.get("/console/register/reelections"))
    rows = table_rows(html, "reelections")
    assert [r[0] for r in rows] == ["E3小区", "E5小区"]
    assert rows[0][3] == "还有 77 天" and rows[1][3] == "还有 90 天"


# -- one estate's register -------------------------------------------------------------------


@pytest.fixture
def as_auditor(client, gcast):
    return signed_in(client, gcast.auditor_a, "auditor9")


def register_url(estate) -> str:
    return f"/console/estates/{estate.id}/register"


def post(client, estate, path, data, token=True):
    form = {
        "confirmed": "1",
        **data,
        # Past the confirmation step (each irreversible action has a test of it).
    }
    if token:
        form["csrf_token"] = csrf_token(client, register_url(estate))
    return client.post(register_url(estate) + path, data=form)


def test_the_estate_page_links_to_its_register(as_auditor, gcast):
    html = html_of(as_auditor.get(f"/console/estates/{gcast.estate_a.id}"))
    assert f'href="/console/estates/{gcast.estate_a.id}/register"' in html


def test_record_a_term_then_add_a_member(as_auditor, gcast):
    estate = gcast.estate_a
    response = post(
        as_auditor,
        estate,
        "/committees",
        {
            "formed_on": ago(30).isoformat(),
            "chair_name": "林国栋",
            "chair_phone": "13805951234",
            "chair_is_party_member": "1",
            "chair_is_branch_secretary": "1",
        },
    )
    assert response.status_code == 303
    committee_id = int(
        re.search(
            r"/committees/(\d+)/members", html_of(as_auditor.get(register_url(estate)))
        ).group(1)
    )
    response = post(
        as_auditor,
        estate,
        f"/committees/{committee_id}/members",
        {
            "name": "陈美玲",
            "role": "vice_chair",
            "phone": "13912345678",
            "joined_on": ago(1).isoformat(),
        },
    )
    assert response.status_code == 303
    html = html_of(as_auditor.get(register_url(estate)))
    rows = table_rows(html, "members")
    assert [r[:6] for r in rows] == [
        ["林国栋", "主任", "138****1234", "是", "是", ago(30).isoformat()],
        ["陈美玲", "副主任", "139****5678", "否", "否", ago(1).isoformat()],
    ]
    assert "红色业委会（自 " + ago(30).isoformat() in html


def test_forms_without_csrf_token_are_refused(as_auditor, gcast):
    response = post(
        as_auditor,
        gcast.estate_a,
        "/committees",
        {"formed_on": ago(3).isoformat(), "chair_name": "林国栋"},
        token=False,
    )
    assert response.status_code == 400
    response = post(
        as_auditor,
        gcast.estate_a,
        "/volunteer-teams",
        {
            "name": "巡逻队",
            "leader_name": "李",
            "member_count": "3",
            "founded_on": ago(3).isoformat(),
        },
        token=False,
    )
    assert response.status_code == 400
    assert count(CommitteeMember) == count(VolunteerTeam) == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   "}, "member-name", "请填写姓名"),
        ({"name": "长" * 33}, "member-name", "姓名不能超过 32 个字"),
        ({"role": "boss"}, "member-role", "职务应为主任、副主任或委员"),
        ({"joined_on": "yesterday"}, "member-joined_on", "日期格式应为 2026-10-05"),
        ({"phone": "call me"}, "member-phone", "电话应为"),
        ({"joined_on": "2099-01-01"}, "member-joined_on", "任职日期不能晚于今天"),
        ({"joined_on": "1999-12-31"}, "member-joined_on", "日期须在 2000-01-01 至 2100-12-31 之间"),
        ({"joined_on": "9999-12-31"}, "member-joined_on", "日期须在 2000-01-01 至 2100-12-31 之间"),
    ],
)
def test_bad_member_input_is_shown_and_writes_nothing(as_auditor, gcast, data, field, message):
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(30))
    form = {"name": "陈美玲", "role": "member", "joined_on": ago(1).isoformat(), **data}
    response = post(as_auditor, gcast.estate_a, f"/committees/{committee.id}/members", form)
    assert response.status_code == 422
    assert message in field_error(html_of(response), field)
    assert count(CommitteeMember) == 1


def test_bad_team_input(as_auditor, gcast):
    form = {
        "name": "巡逻队",
        "leader_name": "李秀英",
        "member_count": "很多",
        "founded_on": ago(3).isoformat(),
    }
    response = post(as_auditor, gcast.estate_a, "/volunteer-teams", form)
    assert response.status_code == 422
    assert "人数应为整数" in field_error(html_of(response), "team-member_count")
    assert count(VolunteerTeam) == 0


def test_a_joint_branch_across_communities_is_refused(as_auditor, gcast):
    form = {
        "name": "联合党支部",
        "established_on": ago(3).isoformat(),
        "estate_ids": [str(gcast.estate_b.id)],
    }
    response = post(as_auditor, gcast.estate_a, "/branches", form)
    assert response.status_code == 422
    assert "同一社区" in field_error(html_of(response), "branch-estate_ids")
    assert count(PartyBranch) == 0


def test_an_officer_of_another_township_gets_404(client, gcast):
    signed_in(client, gcast.township_b, "township9")
    assert client.get(register_url(gcast.estate_a)).status_code == 404
    token = csrf_token(client, register_url(gcast.estate_b))
    response = client.post(
        register_url(gcast.estate_a) + "/committees",
        data={"csrf_token": token, "formed_on": ago(3).isoformat(), "chair_name": "林"},
    )
    assert response.status_code == 404


def test_an_auditor_may_not_change_the_company(as_auditor, gcast):
    html = html_of(as_auditor.get(register_url(gcast.estate_a)))
    assert "安溪宜家物业服务有限公司" in html and "company-form" not in html
    response = post(
        as_auditor, gcast.estate_a, "/company", {"property_company_id": str(gcast.other_company.id)}
    )
    assert response.status_code == 403
    assert gcast.estate_a.property_company_id == gcast.company.id


def test_a_township_officer_changes_the_company_and_sees_the_manager(client, gcast):
    signed_in(client, gcast.township_a, "township9")
    html = html_of(client.get(register_url(gcast.estate_a)))
    assert "王建国" in html  # the estate's property manager
    response = post(
        client, gcast.estate_a, "/company", {"property_company_id": str(gcast.other_company.id)}
    )
    assert response.status_code == 303
    db.session.refresh(gcast.estate_a)
    assert gcast.estate_a.property_company_id == gcast.other_company.id


def test_the_candidate_pool_page(as_auditor, gcast):
    url = f"/console/communities/{gcast.estate_a.community_id}/candidates"
    form = {
        "csrf_token": csrf_token(as_auditor, url),
        "name": "郑海燕",
        "phone": "13700001111",
        "estate_id": str(gcast.estate_a.id),
        "is_party_member": "1",
        "note": "退休教师",
    }
    assert as_auditor.post(url, data=form).status_code == 303
    rows = table_rows(html_of(as_auditor.get(url)), "candidates")
    assert rows[0][:6] == ["郑海燕", "137****1111", "阳光小区", "是", "退休教师", "在库"]
    bad = {**form, "csrf_token": csrf_token(as_auditor, url), "estate_id": str(gcast.estate_b.id)}
    response = as_auditor.post(url, data=bad)
    assert response.status_code == 422
    assert "请选择本社区的小区" in field_error(html_of(response), "candidate-estate_id")
    assert count(CommitteeCandidate) == 1
    row_id = db.session.scalar(select(CommitteeCandidate.id))
    response = as_auditor.post(
        f"{url}/{row_id}/withdraw", data={"csrf_token": csrf_token(as_auditor, url)}
    )
    assert response.status_code == 303
    assert table_rows(html_of(as_auditor.get(url)), "candidates")[0][5] == "已退出"


@pytest.mark.parametrize(
    "path",
    [
        f"/console/estates/{2**40}/register",
        f"/console/communities/{2**40}/candidates",
    ],
)
def test_huge_ids_in_paths_are_404(as_auditor, path):
    assert as_auditor.get(path).status_code == 404


def test_a_huge_or_wrongly_typed_id_in_a_form_is_422(as_auditor, gcast):
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(30))
    for value in ("99999999999", "abc", "-1"):
        form = {
            "name": "陈美玲",
            "role": "member",
            "joined_on": ago(1).isoformat(),
            "candidate_id": value,
        }
        response = post(as_auditor, gcast.estate_a, f"/committees/{committee.id}/members", form)
        assert response.status_code == 422, value
    assert count(CommitteeMember) == 1


@pytest.mark.parametrize(("days", "badge"), [(89, True), (90, True), (91, False)])
def test_the_page_badge_at_the_ninety_day_edge(as_auditor, gcast, days, badge):
    term(gcast.admin, gcast.estate_a, formed_on=ago(1700), term_ends_on=ago(-days))
    html = html_of(as_auditor.get(register_url(gcast.estate_a)))
    assert ('id="reelection-badge"' in html) is badge


def test_leaving_and_disbanding_wait_for_the_confirmation_step(as_auditor, gcast):
    estate = gcast.estate_a
    committee = term(gcast.admin, estate, formed_on=ago(30))
    html = html_of(as_auditor.get(register_url(estate)))
    assert 'data-confirm="确认登记 林国栋（主任）离任？登记后不可撤销"' in html
    assert f'data-confirm="确认登记 {estate.name} 业委会解散？登记后不可撤销"' in html
    chair = re.search(r"/register/members/(\d+)/leave", html).group(1)

    leave = post(
        as_auditor,
        estate,
        f"/members/{chair}/leave",
        {"left_on": ago(1).isoformat(), "confirmed": ""},
    )
    end = post(
        as_auditor,
        estate,
        f"/committees/{committee.id}/end",
        {"on": ago(1).isoformat(), "reason": "换届", "confirmed": ""},
    )

    assert (leave.status_code, end.status_code) == (422, 422)
    assert "此操作不可撤销，请在确认提示中确认后再提交" in html_of(leave)
    rows = table_rows(html_of(as_auditor.get(register_url(estate))), "members")
    assert [r[0] for r in rows] == ["林国栋"]
