"""An estate's public record through exactly the endpoints the estate page and its sub-pages
call: the record (roster, company, rating, counts), the problem list with close-out photos,
the joint-meeting decisions with minutes, and the committee's appeal. An owner of another
estate gets 404 for every one of them."""

from datetime import timedelta

import pytest

from backend.access.roles import Role
from backend.extensions import db
from backend.governance.meetings import services as meetings
from backend.governance.problems import services as problems
from backend.places.models import Community
from tests.governance_support import penalty
from tests.meeting_support import agenda, decided, meeting_args
from tests.pdf_support import plain_pdf
from tests.ratings_support import rating
from tests.register_support import member, term
from tests.ticket_support import jpeg_bytes

PDF = plain_pdf()


@pytest.fixture
def record(rcast, make):
    """Estate A with a committee, a manager, three problems (one closed out with a photo), a
    meeting deciding about it (with minutes), a confirmed rating; estate C has its own."""
    c = rcast
    officer = c.county_officer
    committee = term(officer, c.estate_a, chair_name="林国栋")
    member(officer, committee, name="陈美玲", role="vice_chair", party=True)
    chair_row = member(officer, committee, name="李芳", user_id=c.chair_a.id)
    assert chair_row.user_id == c.chair_a.id
    deadline = problems.today() + timedelta(days=10)
    item = {"category": "fire_safety", "plan": "清理", "deadline": deadline}
    fixed = problems.create_problem(
        officer, {"estate_id": c.estate_a.id, "title": "消防通道堵塞", **item}
    )
    problems.close_out(officer, fixed.id, "已清理，复查合格", [("整改后.jpg", jpeg_bytes())])
    problems.create_problem(officer, {"estate_id": c.estate_a.id, "title": "垃圾满溢", **item})
    problems.create_problem(officer, {"estate_id": c.estate_c.id, "title": "别处的问题", **item})
    community = db.session.get(Community, c.estate_a.community_id)
    meeting = meetings.record_meeting(
        c.auditor_a,
        meeting_args(
            community,
            items=[
                decided("阳光小区电梯更新", estate_id=c.estate_a.id, owner="物业服务企业"),
                agenda("社区议事"),
            ],
        ),
        ("联席会议纪要.pdf", PDF),
    )
    c.rating = rating(c.estate_a, 86, 4)
    c.meeting = meeting
    c.fixed = fixed
    c.penalized = penalty(c.company, "deduction", 5, points=6, recorded_by_id=officer.id)
    c.owner_elsewhere = make.member(Role.OWNER, make.unit(make.estate()))
    return c


def get(client, auth, person, path, **query):
    return client.get(path, query_string=query, headers=auth(person))


def rec(c):
    return f"/api/v1/estates/{c.estate_a.id}/public-record"


# -- the record ---------------------------------------------------------------------------------


def test_owner_reads_the_record_with_names_masked(client, auth, record):
    response = get(client, auth, record.owner_a, rec(record))
    assert response.status_code == 200, response.json
    body = response.json
    roster = [(m["role_label"], m["name"]) for m in body["committee"]["members"]]
    assert roster == [("主任", "林**"), ("副主任", "陈**"), ("委员", "李*")]
    assert body["committee"]["term_ends_on"] > body["committee"]["formed_on"]
    assert body["committee"]["lapsed"] is False
    assert body["company"]["name"] == "安溪宜家物业服务有限公司"
    assert body["company"]["score"] == 94
    assert body["company"]["managers"] == [{"name": "王**"}]
    assert (body["rating"]["year"], body["rating"]["stars"], body["rating"]["total"]) == (
        2025,
        4,
        86,
    )
    assert body["rating"]["can_appeal"] is False and body["rating"]["appeals"] == []
    counts = {k: body[k] for k in ("problems_open", "problems_closed_out", "decisions")}
    assert counts == {"problems_open": 1, "problems_closed_out": 1, "decisions": 1}


def test_committee_reads_full_names_and_may_appeal(client, auth, record):
    body = get(client, auth, record.chair_a, rec(record)).json
    assert [m["name"] for m in body["committee"]["members"]] == ["林国栋", "陈美玲", "李芳"]
    assert body["company"]["managers"] == [{"name": "王建国"}]
    assert body["rating"]["can_appeal"] is True


def test_a_person_reads_their_own_name_unmasked(client, auth, record):
    """The manager is masked to owners but reads their own name in full."""
    body = get(client, auth, record.manager, rec(record)).json
    assert body["company"]["managers"] == [{"name": "王建国"}]
    assert body["committee"]["members"][0]["name"] == "林**"


def test_an_estate_without_committee_rating_or_company_reads_as_empty(client, auth, make):
    estate = make.estate()
    owner = make.member(Role.OWNER, make.unit(estate))
    body = get(client, auth, owner, f"/api/v1/estates/{estate.id}/public-record").json
    assert body["committee"] is None and body["rating"] is None
    assert body["company"] == {"id": None, "name": None, "score": None, "managers": []}
    assert body["problems_open"] == 0 and body["decisions"] == 0


# -- problems and photos ------------------------------------------------------------------------


def test_owner_lists_the_problems_newest_first_and_opens_a_close_out_photo(client, auth, record):
    url = f"/api/v1/estates/{record.estate_a.id}/problems"
    body = get(client, auth, record.owner_a, url).json
    assert [p["title"] for p in body["items"]] == ["垃圾满溢", "消防通道堵塞"]
    assert body["total"] == 2
    closed = body["items"][1]
    assert closed["status_label"] == "已销号" and closed["close_note"] == "已清理，复查合格"
    assert closed["category_label"] == "消防安全"
    [photo_url] = closed["photo_urls"]
    photo = get(client, auth, record.owner_a, photo_url)
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert photo.data[:2] == b"\xff\xd8"
    only_closed = get(client, auth, record.owner_a, url, status="closed_out").json
    assert [p["title"] for p in only_closed["items"]] == ["消防通道堵塞"]


def test_a_bad_status_filter_is_422(client, auth, record):
    url = f"/api/v1/estates/{record.estate_a.id}/problems"
    response = get(client, auth, record.owner_a, url, status="bogus")
    assert response.status_code == 422
    assert response.json["error"]["fields"]["status"] == ["状态应为整改中或已销号"]


# -- joint-meeting decisions ---------------------------------------------------------------------


def test_owner_reads_the_decisions_about_the_estate_and_opens_the_minutes(client, auth, record):
    url = f"/api/v1/estates/{record.estate_a.id}/meeting-decisions"
    body = get(client, auth, record.owner_a, url).json
    [item] = body["items"]
    assert item["title"] == "阳光小区电梯更新" and item["owner"] == "物业服务企业"
    assert item["topic"] == "月度四方联席会议" and item["done"] is False
    [minutes] = item["minutes"]
    assert minutes["name"] == "联席会议纪要.pdf"
    download = get(client, auth, record.owner_a, minutes["url"])
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")


def test_minutes_of_a_meeting_about_another_estate_are_404(client, auth, record):
    [minutes] = record.meeting.minutes
    url = f"/api/v1/estates/{record.estate_c.id}/meeting-minutes/{minutes.id}"
    assert get(client, auth, record.owner_c, url).status_code == 404


# -- scope ------------------------------------------------------------------------------------


def _paths(c) -> list[str]:
    e = c.estate_a.id
    [photo] = c.fixed.evidence
    [minutes] = c.meeting.minutes
    return [
        f"/api/v1/estates/{e}/public-record",
        f"/api/v1/estates/{e}/problems",
        f"/api/v1/estates/{e}/meeting-decisions",
        f"/api/v1/estates/{e}/problem-photos/{photo.id}",
        f"/api/v1/estates/{e}/meeting-minutes/{minutes.id}",
        f"/api/v1/estates/{e}/ratings",
    ]


@pytest.mark.parametrize("n", range(6))
def test_an_owner_of_another_estate_gets_404_for_every_part(client, auth, record, n):
    path = _paths(record)[n]
    for who in (record.owner_c, record.owner_elsewhere):
        response = get(client, auth, who, path)
        assert response.status_code == 404, path
        assert "阳光小区" not in response.get_data(as_text=True)
    assert get(client, auth, record.owner_a, path).status_code == 200


def test_a_photo_asked_for_through_another_estate_is_404(client, auth, record):
    """Estate C's owner cannot fetch estate A's photo by naming their own estate."""
    [photo] = record.fixed.evidence
    url = f"/api/v1/estates/{record.estate_c.id}/problem-photos/{photo.id}"
    assert get(client, auth, record.owner_c, url).status_code == 404


# -- the committee's appeal -------------------------------------------------------------------


def test_committee_lodges_an_appeal_from_the_phone(client, auth, record):
    ratings = get(client, auth, record.chair_a, f"/api/v1/estates/{record.estate_a.id}/ratings")
    [newest] = ratings.json["ratings"]
    url = f"/api/v1/estate-ratings/{newest['id']}/appeals"
    reason = "2025 年已完成电梯更新，设施设备项得分偏低，申请复核"
    assert client.post(url, json={"reason": reason}, headers=auth(record.owner_a)).status_code == (
        403
    )
    lodged = client.post(url, json={"reason": reason}, headers=auth(record.chair_a))
    assert lodged.status_code == 201, lodged.json
    assert lodged.json["status_label"] == "待处理"
    body = get(client, auth, record.owner_a, rec(record)).json
    [appeal] = body["rating"]["appeals"]
    assert (appeal["reason"], appeal["status_label"]) == (reason, "待处理")
    assert get(client, auth, record.chair_a, rec(record)).json["rating"]["can_appeal"] is False
    again = client.post(url, json={"reason": reason}, headers=auth(record.chair_a))
    assert again.status_code == 409


# -- company credit across the county ---------------------------------------------------------


def test_owner_opens_the_credit_page_of_any_company_in_the_county(client, auth, record):
    """Estate C is served by the other company: its owner still reads the first one."""
    listed = get(client, auth, record.owner_c, "/api/v1/property-companies").json
    assert [(c["name"], c["score"]) for c in listed["items"]] == [
        ("安溪宜家物业服务有限公司", 94),
        ("安溪鸿福物业管理有限公司", 100),
    ]
    url = f"/api/v1/property-companies/{record.company.id}/credit"
    credit = get(client, auth, record.owner_c, url)
    assert credit.status_code == 200 and credit.json["score"] == 94
    found = get(client, auth, record.owner_c, "/api/v1/property-companies", q="鸿福").json
    assert [c["name"] for c in found["items"]] == ["安溪鸿福物业管理有限公司"]


def test_credit_pages_outside_the_owners_county_are_404(client, auth, record):
    url = f"/api/v1/property-companies/{record.company.id}/credit"
    assert get(client, auth, record.owner_elsewhere, url).status_code == 404
    assert get(client, auth, record.outsider, url).status_code == 404
    listed = get(client, auth, record.owner_elsewhere, "/api/v1/property-companies").json
    assert listed["items"] == [] and listed["total"] == 0


# -- statements ---------------------------------------------------------------------------------


def test_statements_do_not_grow_with_rows(app, client, auth, record):
    from tests.test_query_counts import queries_for

    e = record.estate_a.id
    paths = [
        f"/api/v1/estates/{e}/public-record",
        f"/api/v1/estates/{e}/problems",
        f"/api/v1/estates/{e}/meeting-decisions",
        "/api/v1/property-companies",
    ]
    headers = auth(record.owner_a)
    before = [queries_for(app, client, path, headers) for path in paths]
    officer = record.county_officer
    item = {"category": "cleaning", "plan": "清运", "deadline": problems.today()}
    for n in range(3):
        row = problems.create_problem(officer, {"estate_id": e, "title": f"问题{n}", **item})
        photos = [(f"{k}.jpg", jpeg_bytes()) for k in range(2)]
        problems.close_out(officer, row.id, "已整改", photos)
    community = db.session.get(Community, record.estate_a.community_id)
    for n in range(2):
        meetings.record_meeting(
            record.auditor_a,
            meeting_args(
                community,
                topic=f"第{n}次会议",
                items=[decided(f"决议{n}{k}", estate_id=e) for k in range(2)],
            ),
            ("纪要.pdf", PDF),
        )
    penalty(record.other_company, "deduction", 3, points=2, recorded_by_id=officer.id)
    after = [queries_for(app, client, path, headers) for path in paths]
    assert after == before
    # The record: the user, the estate, the committee, the company and its score, the
    # managers, the rating and its appeals, two counts. A list: the user, the estate (the
    # companies need none), its count, its rows, their photos or minutes (none for companies:
    # one grouped figures query instead).
    assert before == [10, 5, 5, 4]
