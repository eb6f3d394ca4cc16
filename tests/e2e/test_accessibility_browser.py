"""axe-core on every console page (issue 22 §4): each GET page of the console blueprint, filled
with ids from the demo county, has no serious or critical violation; and a form is usable by
keyboard alone.

The browser does not talk to a live server: every request it makes is routed (page.route) to
the Flask test client, so the test stays inside the module's rolled-back transaction. axe-core
comes from the mini-program's npm devDependencies (`axe-core`, installed by `npm ci`): the
official build of Deque's engine, with no dependencies, pinned in package-lock.json."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for
from playwright.sync_api import expect
from sqlalchemy import select

from backend.accounts.models import User
from backend.demo import county as demo
from backend.extensions import db
from backend.funds.models import MaintenanceFund, RepairProject
from backend.governance.meetings.models import JointMeeting
from backend.governance.problems.models import ProblemItem
from backend.governance.ratings.models import EstateRating
from backend.ledger.models import LedgerPeriod
from backend.places.models import Community, County, Estate, PropertyCompany
from backend.tickets.models import Ticket
from backend.votes.models import Motion

AXE_JS = Path(__file__).resolve().parents[2] / "miniprogram/node_modules/axe-core/axe.min.js"
ORIGIN = "http://console.test"
# Who opens the pages: the first of these the page lets in (some pages are one role's).
VISITORS = ("county", "admin", "township1", "auditor1")
BLOCKING = ("serious", "critical")

# Routes that are files, not pages: nothing for axe to read.
SKIP = {
    "console.static": "scripts and styles",
    "console.ledger_statement": "an .xlsx or .pdf file",
    "console.ledger_voucher": "a voucher file",
    "console.group_poster": "a PNG poster",
    "console.meeting_minutes": "a minutes file",
    "console.vote_attachment": "a motion's attached file",
    "console.vote_export": "an .xlsx file",
    "console.penalty_evidence": "an evidence file",
    "console.problem_evidence": "an evidence file",
    "console.repair_document": "a repair document file",
    "console.report_pdf": "a PDF report",
    "console.targets_export": "an .xlsx file",
    "console.ticket_photo": "a photo",
}


def _first(model, *where):
    return db.session.scalars(select(model).where(*where).order_by(model.id)).first()


def _ids() -> dict:
    """The URL arguments of each page that needs ids, from the demo county."""
    estate = _first(Estate)
    period = _first(LedgerPeriod, LedgerPeriod.estate_id == estate.id)
    rating = _first(EstateRating)
    fund = _first(MaintenanceFund)
    project = _first(RepairProject)
    county = _first(County)
    staff = db.session.scalar(select(User).where(User.username == "auditor1"))
    return {
        "console.estate": {"estate_id": estate.id},
        "console.estate_register": {"estate_id": estate.id},
        "console.group_guide": {"estate_id": estate.id},
        "console.ledger_period": {"estate_id": estate.id, "period_id": period.id},
        "console.register_candidates": {"community_id": _first(Community).id},
        "console.company": {"company_id": _first(PropertyCompany).id},
        "console.fund": {"estate_id": fund.estate_id},
        "console.repair_project": {"project_id": project.id},
        "console.meeting": {"meeting_id": _first(JointMeeting).id},
        "console.problem": {"problem_id": _first(ProblemItem).id},
        "console.rating": {"estate_id": rating.estate_id, "year": rating.year},
        "console.report": {"kind": "county", "place_id": county.id},
        "console.targets": {"kind": "county", "place_id": county.id},
        "console.ticket": {"ticket_id": _first(Ticket).id},
        "console.user_confirm": {"user_id": staff.id, "action": "deactivate"},
        "console.vote": {"motion_id": _first(Motion).id},
    }


def console_pages(app) -> list[str]:
    """Every GET endpoint of the console blueprint."""
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("console.") and "GET" in rule.methods
        }
    )


def _signed_in(app, username):
    client = app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/console/login",
        data={"username": username, "password": demo.STAFF_PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302, f"{username} could not sign in"
    return client


def _opens(client, path) -> bool:
    """The page answers this visitor (a redirect counts, except to the sign-in page)."""
    response = client.get(path)
    if response.status_code in (301, 302, 303):
        return "/console/login" not in response.headers["Location"]
    return response.status_code == 200


def route_to(page, client):
    """Answer every request of the browser page from the Flask test client."""

    def serve(route, request):
        url = urlsplit(request.url)
        response = client.open(
            url.path + (f"?{url.query}" if url.query else ""),
            method=request.method,
            data=request.post_data_buffer,
            headers={k: v for k, v in request.headers.items() if k.lower() == "content-type"},
            # The browser is given the page a redirect leads to (a fulfilled 302 is not followed).
            follow_redirects=True,
        )
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        route.fulfill(status=response.status_code, headers=headers, body=response.get_data())

    page.route(f"{ORIGIN}/**", serve)


# What axe leaves to judgement, checked on every page: headers say what they head, tables are
# named, no control
# is a bare element with a click handler, and the page is in Chinese.
STRUCTURE_JS = """() => {
  const problems = [];
  if (document.documentElement.lang !== 'zh-CN') problems.push('html lang is not zh-CN');
  for (const th of document.querySelectorAll('th:not([scope])'))
    problems.push('th without scope: ' + th.textContent.trim());
  for (const table of document.querySelectorAll('table'))
    if (!table.querySelector('caption') && !table.getAttribute('aria-label')
        && !table.getAttribute('aria-labelledby'))
      problems.push('table without a caption or label: #' + table.id);
  for (const el of document.querySelectorAll('[onclick]:not(a):not(button):not(input)'))
    problems.push('click-only element: ' + el.outerHTML.slice(0, 80));
  if (!document.querySelector('a.skip-link[href="#main"]')) problems.push('no skip link');
  return problems;
}"""


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(path: str, violations: list[dict]) -> str:
    lines = [f"{path}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(
                f"      {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1]}"
            )
    return "\n".join(lines)


@pytest.fixture
def demo_ids(demo_county, app):
    return _ids()


def test_every_console_page_is_either_visited_or_skipped_with_a_reason(app, demo_ids):
    unfilled = []
    for endpoint in console_pages(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if endpoint in SKIP or not rule.arguments or endpoint in demo_ids:
            continue
        unfilled.append(endpoint)
    assert not unfilled, f"pages neither visited nor skipped: {unfilled}"


def test_no_console_page_has_a_serious_or_critical_axe_violation(app, demo_ids, page):
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run npm ci in miniprogram/"
    clients = {name: _signed_in(app, name) for name in VISITORS}
    clients["signed out"] = app.test_client()
    failures, visited = [], []
    for endpoint in console_pages(app):
        if endpoint in SKIP:
            continue
        with app.test_request_context():
            path = url_for(endpoint, **demo_ids.get(endpoint, {}))
        names = ("signed out",) if endpoint == "console.login" else VISITORS
        visitor = next((n for n in names if _opens(clients[n], path)), None)
        assert visitor, f"no demo account may open {path}"
        page.unroute(f"{ORIGIN}/**")
        route_to(page, clients[visitor])
        page.goto(ORIGIN + path)
        visited.append(path)
        violations = axe_violations(page)
        if violations:
            failures.append(describe(f"{path} (as {visitor})", violations))
        failures.extend(f"{path}: {problem}" for problem in page.evaluate(STRUCTURE_JS))
    assert len(visited) == len(console_pages(app)) - len(SKIP)
    assert not failures, "axe found serious or critical violations:\n" + "\n".join(failures)


def test_a_form_is_usable_by_keyboard_alone(app, demo_ids, page):
    """On the new-problem form, Tab goes from the skip link through every field to the submit
    button, and Enter in a field submits the form."""
    route_to(page, _signed_in(app, "township1"))
    page.goto(f"{ORIGIN}/console/problems/new")

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("跳到正文")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("main")

    fields = [
        "problem-estate_id",
        "problem-category",
        "problem-title",
        "problem-description",
        "problem-plan",
        "problem-deadline",
        "problem-ticket_id",
    ]
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.id || document.activeElement.textContent.trim()"
        )
        if not reached or reached[-1] != focused:  # a date input takes a Tab per part
            reached.append(focused)
        if focused == "登记问题":
            break
    assert [f for f in reached if f in fields] == fields, reached
    assert reached[-1] == "登记问题", reached

    page.locator("#problem-estate_id").select_option(index=1)
    page.locator("#problem-category").select_option(index=1)
    page.locator("#problem-plan").fill("物业一周内清理")
    page.locator("#problem-deadline").fill("2099-12-31")
    page.locator("#problem-title").focus()
    page.keyboard.type("三号楼消防通道堆放杂物")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="三号楼消防通道堆放杂物")).to_be_visible()
