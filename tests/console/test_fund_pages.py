"""The console's maintenance-fund pages: the auditor's view (funds in scope, one fund with its
buildings, movements, hashes and chain check, one project with its authorisation, payments
and ratings) with the seeded figures on the page; the township's pre-check queue and its pass
/ return form; nav links by role; scope 404, role 403, CSRF, and flat query counts."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.funds.models import FundMovement, MaintenanceFund, RepairProject
from tests.console.test_console import csrf_token
from tests.console.test_estate_page import table_rows
from tests.console.test_ticket_pages import field_error, html_of, signed_in
from tests.fund_support import build_fund_cast
from tests.isolation import once_per_module
from tests.test_query_counts import count_queries

_fcast_of_module, fcast = once_per_module("fcast", build_fund_cast)


def text_of(html, element_id) -> str:
    """The visible text of the element with that id (to its own closing tag)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())


@pytest.fixture
def paid(fund, fcast) -> dict:
    """¥50,000 into each building; a ¥30,000 roof repair of 1栋 voted, done, paid and rated."""
    fund.fund_in(50_000)
    project = fund.authorised_by_vote()
    fund.started(project)
    fund.accepted(project)
    response = fund.pay(project["id"], 3_000_000)
    assert response.status_code == 201, response.json
    rated = fund.post(fcast.owner, fund.project_url(project["id"], "/ratings"), {"score": 5})
    assert rated.status_code == 201, rated.json
    rated = fund.post(fcast.owner2, fund.project_url(project["id"], "/ratings"), {"score": 4})
    assert rated.status_code == 201, rated.json
    return {**project, "payment": response.json}


@pytest.fixture
def as_auditor(client, fcast):
    return signed_in(client, fcast.auditor, "auditor-fund")


@pytest.fixture
def as_township(client, fcast):
    return signed_in(client, fcast.township, "township-fund")


def test_the_auditor_reads_each_fund_with_its_balance_chain_and_projects(as_auditor, fcast, paid):
    html = html_of(as_auditor.get("/console/funds"))
    fund_row = db.session.scalar(
        select(MaintenanceFund).where(MaintenanceFund.estate_id == fcast.estate.id)
    )
    [row] = table_rows(html, "funds")
    assert row == [fcast.estate.name, "¥70,000.00", "3", fund_row.head_hash[:16], "0", "1"]
    [project] = table_rows(html, "repair-projects")
    assert project[2:] == [
        "1栋屋面防水维修",
        "屋面、外墙渗漏",
        "业主表决",
        "已支付",
        "¥30,000.00",
        "¥30,000.00",
        project[8],
    ]
    assert ">维修资金</a>" in html and ">事前指导</a>" not in html  # an auditor does not pre-check


def test_the_fund_page_shows_buildings_movements_hashes_and_the_check(as_auditor, fcast, paid):
    html = html_of(as_auditor.get(f"/console/funds/{fcast.estate.id}"))
    assert text_of(html, "fund-balance") == "¥70,000.00"
    assert text_of(html, "fund-check") == "通过 （已核验 3 笔）"
    assert table_rows(html, "fund-buildings") == [
        ["1栋", "2", "¥20,000.00"],
        ["2栋", "1", "¥50,000.00"],
    ]
    movement = db.session.get(FundMovement, paid["payment"]["movement_id"])
    rows = table_rows(html, "fund-movements")
    assert rows[0] == [
        "3",
        "2026-11-02",
        "维修支出",
        "-¥30,000.00",
        "全小区",
        "1栋屋面防水维修（安溪防水工程有限公司）",
        movement.hash,
    ]
    assert [r[2] for r in rows[1:]] == ["期初余额", "期初余额"]


def test_the_project_page_shows_authorisation_payment_hash_and_ratings(as_auditor, fcast, paid):
    html = html_of(as_auditor.get(f"/console/repair-projects/{paid['id']}"))
    assert text_of(html, "project-status") == "已支付"
    assert text_of(html, "project-budget") == "¥30,000.00"
    assert table_rows(html, "project-bearing") == [["1栋", "2", "150.00 ㎡"]]
    motion = db.session.get(RepairProject, paid["id"]).motion_id
    assert f'href="/console/votes/{motion}"' in html
    assert "已通过" in text_of(html, "project-authorisation")
    [payment] = table_rows(html, "project-payments")
    assert payment[:4] == ["2026-11-02", "¥30,000.00", "安溪防水工程有限公司", "3"]
    assert payment[4] == paid["payment"]["hash"]
    assert text_of(html, "project-rating") == "2 位业主评价，平均 4.50"
    assert "黄伟" in html  # the pre-check's officer, in full for staff
    kinds = [row[0] for row in table_rows(html, "project-documents")]
    assert sorted(kinds) == sorted(["施工合同", "付款凭证", "验收照片"])
    events = [row[1] for row in table_rows(html, "project-events")]
    assert events[:3] == ["创建项目", "提交事前指导", "事前指导通过"] and events[-1] == "支付"
    assert 'id="precheck-form"' not in html


def test_a_document_opens_for_staff_in_scope(as_auditor, fcast, paid):
    html = html_of(as_auditor.get(f"/console/repair-projects/{paid['id']}"))
    [first, *_] = re.findall(r'href="(/console/repair-documents/\d+)"', html)
    assert as_auditor.get(first).status_code == 200


def test_the_township_passes_and_returns_projects_from_its_queue(as_township, fund, fcast):
    first, second = fund.draft(), fund.draft(title="2栋水泵更换", building_ids=[fcast.b2.id])
    for project in (first, second):
        fund.step(fcast.chair, project["id"], "submit")
    html = html_of(as_township.get("/console/prechecks"))
    assert [row[2] for row in table_rows(html, "precheck-queue")] == [
        "1栋屋面防水维修",
        "2栋水泵更换",
    ]
    assert ">事前指导</a>" in html

    page = f"/console/repair-projects/{first['id']}"
    assert 'id="precheck-form"' in html_of(as_township.get(page))
    token = csrf_token(as_township, page)
    refused = as_township.post(
        f"{page}/precheck", data={"csrf_token": token, "decision": "return", "note": ""}
    )
    assert refused.status_code == 422
    assert field_error(html_of(refused), "note") or "请" in html_of(refused)
    assert db.session.get(RepairProject, first["id"]).status == "submitted"

    returned = as_township.post(
        f"{page}/precheck",
        data={"csrf_token": token, "decision": "return", "note": "报价不足三家，请补充"},
    )
    assert returned.status_code == 303
    db.session.expire_all()
    project = db.session.get(RepairProject, first["id"])
    assert (project.status, project.precheck_comment) == ("returned", "报价不足三家，请补充")

    page = f"/console/repair-projects/{second['id']}"
    passed = as_township.post(
        f"{page}/precheck",
        data={"csrf_token": csrf_token(as_township, page), "decision": "pass", "note": "同意"},
    )
    assert passed.status_code == 303
    db.session.expire_all()
    assert db.session.get(RepairProject, second["id"]).status == "prechecked"
    html = html_of(as_township.get("/console/prechecks"))
    assert table_rows(html, "precheck-queue") == [["暂无待事前指导的项目"]]


def test_only_a_township_officer_prechecks(as_auditor, fund, fcast):
    project = fund.draft()
    fund.step(fcast.chair, project["id"], "submit")
    page = f"/console/repair-projects/{project['id']}"
    assert 'id="precheck-form"' not in html_of(as_auditor.get(page))
    response = as_auditor.post(
        f"{page}/precheck",
        data={"csrf_token": csrf_token(as_auditor, page), "decision": "pass", "note": ""},
    )
    assert response.status_code == 403
    assert db.session.get(RepairProject, project["id"]).status == "submitted"


def test_a_form_without_its_csrf_token_is_refused(as_township, fund, fcast):
    project = fund.draft()
    fund.step(fcast.chair, project["id"], "submit")
    response = as_township.post(
        f"/console/repair-projects/{project['id']}/precheck", data={"decision": "pass"}
    )
    assert response.status_code == 400
    assert db.session.get(RepairProject, project["id"]).status == "submitted"


def test_outside_scope_and_drafts_are_404(client, make, fund, fcast):
    from backend.access.roles import Role

    other = make.member(Role.TOWNSHIP_OFFICER, make.township(), make.user(real_name="外人"))
    as_other = signed_in(client, other, "township-other")
    fund.fund_in(1_000)
    draft = fund.draft()
    submitted = fund.draft()
    fund.step(fcast.chair, submitted["id"], "submit")
    for path in (
        f"/console/funds/{fcast.estate.id}",
        f"/console/repair-projects/{submitted['id']}",
        f"/console/repair-projects/{draft['id']}",
    ):
        assert as_other.get(path).status_code == 404, path
    assert table_rows(html_of(as_other.get("/console/funds")), "funds")[0][0].startswith("暂无")
    assert as_other.get("/console/prechecks").status_code == 200
    as_township = signed_in(client, fcast.township, "township-fund")
    assert as_township.get(f"/console/repair-projects/{draft['id']}").status_code == 404


def test_the_fund_pages_cost_the_same_queries_for_more_rows(app, as_auditor, fund, fcast, paid):
    paths = ("/console/funds", f"/console/funds/{fcast.estate.id}", "/console/prechecks")

    def counts():
        found = []
        for path in paths:
            with count_queries(app) as statements:
                assert as_auditor.get(path).status_code == 200
            found.append(len(statements))
        return found

    few = counts()
    for n in range(3):
        project = fund.draft(title=f"维修{n}")
        fund.step(fcast.chair, project["id"], "submit")
    fund.import_statement(fcast.chair, [["2026-02-01", "利息", "1栋", "", 12.5, "利息"]])
    assert counts() == few
