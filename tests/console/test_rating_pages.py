"""The console's star-rating pages: the list with the distribution (the held-out county),
one estate's sheet scored, submitted and confirmed through the forms, the 5★ review and
appeal decisions, the criteria form, manager stars and committee reviews; township scope
404, auditors 403 on scoring, CSRF on every form, bad input shown and nothing written."""

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.governance.ratings import appeals, services
from backend.governance.ratings.models import (
    CommitteeReview,
    EstateRating,
    ManagerStar,
    RatingCriterion,
)
from tests.console.test_console import csrf_token
from tests.console.test_estate_page import table_rows
from tests.console.test_ticket_pages import field_error, html_of, signed_in
from tests.ratings_support import YEAR, held_out, manual_sheet, split


def sheet_url(estate, year=YEAR):
    return f"/console/ratings/{estate.id}/{year}"


def post(client, path, data, token_from=None, token=True):
    form = {
        "confirmed": "1",
        **data,
        # Past the confirmation step (each irreversible action has a test of it).
    }
    if token:
        form["csrf_token"] = csrf_token(client, token_from or path)
    return client.post(path, data=form)


def ratings() -> int:
    return db.session.scalar(select(func.count()).select_from(EstateRating))


@pytest.fixture
def sheet(rcast):
    manual_sheet(rcast.county_officer)
    return rcast


def test_list_shows_the_hand_counted_distribution(client, make):
    county = held_out(make)
    signed_in(client, county["officer"], "county1")
    response = client.get(f"/console/ratings?year={YEAR}")
    assert response.status_code == 200
    html = html_of(response)
    assert table_rows(html, "star-distribution") == [["1", "3", "1", "1", "1", "1", "4", "12"]]
    rows = {row[0]: row[1:] for row in table_rows(html, "ratings")}
    assert rows["凤城1号小区"] == ["已确认", "59", "未评星"]
    assert rows["凤城4号小区"] == ["已确认", "95", "★★★★ 五星待审核"]
    assert rows["城厢1号小区"] == ["已确认", "95", "★★★★★"]
    assert rows["凤城6号小区"] == ["待县级确认", "99", "—"]
    assert rows["凤城5号小区"] == ["未评分", "—", "—"]
    assert "星级评定" in html


def test_township_officer_sees_the_townships_distribution_and_estates(client, make):
    county = held_out(make)
    from backend.access.roles import Role

    officer = make.member(Role.TOWNSHIP_OFFICER, county["township_a"])
    signed_in(client, officer, "township1")
    html = html_of(client.get(f"/console/ratings?year={YEAR}"))
    assert table_rows(html, "star-distribution") == [["0", "2", "0", "0", "1", "1", "2", "6"]]
    names = [row[0] for row in table_rows(html, "ratings")]
    assert len(names) == 6 and all(n.startswith("凤城") for n in names)
    confirmed = html_of(client.get(f"/console/ratings?year={YEAR}&status=confirmed&stars=4"))
    assert [r[0] for r in table_rows(confirmed, "ratings")] == ["凤城3号小区", "凤城4号小区"]
    assert client.get(sheet_url(county["b1"])).status_code == 404


def test_township_officer_scores_and_submits_through_the_form(client, sheet):
    signed_in(client, sheet.township_a, "township1")
    path = sheet_url(sheet.estate_a)
    page = html_of(client.get(path))
    assert 'name="score-a"' in page and "提交县住建局确认" in page
    saved = post(client, f"{path}/score", {"score-a": "40", "score-b": "", "action": "save"}, path)
    assert saved.status_code == 303
    assert db.session.scalar(select(EstateRating.status)) == "draft"
    done = post(
        client, f"{path}/score", {"score-a": "45", "score-b": "43", "action": "submit"}, path
    )
    assert done.status_code == 303
    html = html_of(client.get(path))
    assert "待县级确认" in html and 'id="sheet-total">88<' in html
    assert "确认评定" not in html  # township officers do not confirm


def test_bad_points_are_shown_and_change_nothing(client, sheet):
    signed_in(client, sheet.township_a, "township1")
    path = sheet_url(sheet.estate_a)
    response = post(
        client, f"{path}/score", {"score-a": "abc", "score-b": "51", "action": "submit"}, path
    )
    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html.replace("rating-a-error", "a-error"), "a") == "「甲项」应为 0–50 的整数"
    assert "abc" in html  # what was typed is kept
    assert ratings() == 0


def test_score_without_csrf_token_is_refused(client, sheet):
    signed_in(client, sheet.township_a, "township1")
    path = sheet_url(sheet.estate_a)
    response = post(client, f"{path}/score", {"score-a": "1", "action": "save"}, token=False)
    assert response.status_code == 400
    assert ratings() == 0


def test_auditor_reads_the_sheet_but_scoring_is_403(client, sheet):
    signed_in(client, sheet.auditor_a, "auditor1")
    path = sheet_url(sheet.estate_a)
    page = client.get(path)
    assert page.status_code == 200 and "提交县住建局确认" not in html_of(page)
    response = post(client, f"{path}/score", {"score-a": "1", "action": "save"}, path)
    assert response.status_code == 403
    assert ratings() == 0


def test_officer_of_another_township_gets_404_on_the_sheet_and_its_forms(client, sheet):
    signed_in(client, sheet.township_b, "township2")
    path = sheet_url(sheet.estate_a)
    assert client.get(path).status_code == 404
    token = csrf_token(client, "/console/ratings")
    response = client.post(f"{path}/score", data={"csrf_token": token, "score-a": "1"})
    assert response.status_code == 404
    assert ratings() == 0


def test_county_officer_confirms_and_reviews_five_stars(client, sheet):
    services.score(sheet.township_a, sheet.estate_a.id, YEAR, split(96), submit=True)
    signed_in(client, sheet.county_officer, "county1")
    path = sheet_url(sheet.estate_a)
    assert post(client, f"{path}/confirm", {}, path).status_code == 303
    html = html_of(client.get(path))
    assert "★★★★" in html and "五星审核" in html
    refused = post(client, f"{path}/five-stars", {"decision": "decline", "reason": ""}, path)
    assert refused.status_code == 422
    assert post(client, f"{path}/five-stars", {"decision": "grant"}, path).status_code == 303
    assert db.session.scalar(select(EstateRating.stars)) == 5
    again = post(client, f"{path}/confirm", {}, path)
    assert again.status_code == 409


def test_confirm_without_csrf_token_is_refused(client, sheet):
    services.score(sheet.township_a, sheet.estate_a.id, YEAR, split(80), submit=True)
    signed_in(client, sheet.county_officer, "county1")
    response = post(client, f"{sheet_url(sheet.estate_a)}/confirm", {}, token=False)
    assert response.status_code == 400
    assert db.session.scalar(select(EstateRating.status)) == "submitted"


def test_county_officer_decides_an_appeal_on_the_sheet(client, sheet):
    services.score(sheet.township_a, sheet.estate_a.id, YEAR, split(70), submit=True)
    services.confirm(sheet.county_officer, sheet.estate_a.id, YEAR)
    appeal = appeals.appeal(sheet.chair_a, db.session.scalar(select(EstateRating.id)), "有误")
    signed_in(client, sheet.county_officer, "county1")
    path = sheet_url(sheet.estate_a)
    url = f"{path}/appeals/{appeal.id}"
    assert "有误" in html_of(client.get(path))
    assert (
        post(client, url, {"decision": "dismiss", "decision_reason": ""}, path).status_code == 422
    )
    wrong = post(
        client, f"{sheet_url(sheet.estate_b)}/appeals/{appeal.id}", {"decision": "uphold"}, path
    )
    assert wrong.status_code == 404
    assert post(client, url, {"decision": "uphold"}, path).status_code == 303
    assert db.session.scalar(select(EstateRating.status)) == "draft"


def test_county_officer_edits_the_criteria(client, rcast):
    signed_in(client, rcast.county_officer, "county1")
    path = f"/console/ratings/criteria?year={YEAR}"
    page = html_of(client.get(path))
    assert "使用默认标准" in page and 'value="党建引领"' in page
    form = {"year": str(YEAR), "code-0": "a", "name-0": "甲", "max_points-0": "60",
            "source-0": "manual", "code-1": "b", "name-1": "乙", "max_points-1": "30",
            "source-1": "satisfaction"}  # fmt: skip
    bad = post(client, "/console/ratings/criteria", form, path)
    assert bad.status_code == 422 and "现为 90 分" in html_of(bad)
    assert db.session.scalar(select(func.count()).select_from(RatingCriterion)) == 0
    form["max_points-1"] = "40"
    assert post(client, "/console/ratings/criteria", form, path).status_code == 303
    assert "乙" in html_of(client.get(path))


def test_township_officer_reads_but_may_not_edit_the_criteria(client, rcast):
    signed_in(client, rcast.township_a, "township1")
    page = html_of(client.get(f"/console/ratings/criteria?year={YEAR}"))
    assert "党建引领" in page and "保存评分标准" not in page
    form = {"year": str(YEAR), "code-0": "a", "name-0": "甲", "max_points-0": "100"}
    response = post(client, "/console/ratings/criteria", form, "/console/ratings")
    assert response.status_code == 403


def test_criteria_without_csrf_token_is_refused(client, rcast):
    signed_in(client, rcast.county_officer, "county1")
    form = {"year": str(YEAR), "code-0": "a", "name-0": "甲", "max_points-0": "100"}
    assert post(client, "/console/ratings/criteria", form, token=False).status_code == 400


def test_manager_stars_page(client, rcast):
    signed_in(client, rcast.township_a, "township1")
    path = f"/console/ratings/managers?year={YEAR}"
    page = html_of(client.get(path))
    assert "王建国" in page and "评定项目经理星级" in page  # staff read the manager in full
    form = {"manager": f"{rcast.manager.id}:{rcast.estate_a.id}", "year": str(YEAR),
            "stars": "4", "score": "88", "comment": "响应及时"}  # fmt: skip
    bad = post(client, "/console/ratings/managers", {**form, "score": "101"}, path)
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ManagerStar)) == 0
    assert post(client, "/console/ratings/managers", form, path).status_code == 303
    assert table_rows(html_of(client.get(path)), "managers")[0][:4] == [
        "王建国",
        "阳光小区",
        "★★★★",
        "88",
    ]
    assert post(client, "/console/ratings/managers", form, token=False).status_code == 400


def test_manager_of_another_township_is_404(client, rcast):
    signed_in(client, rcast.township_b, "township2")
    form = {"manager": f"{rcast.manager.id}:{rcast.estate_a.id}", "year": str(YEAR),
            "stars": "4", "score": "88"}  # fmt: skip
    response = post(client, "/console/ratings/managers", form, "/console/ratings/managers")
    assert response.status_code == 404


def test_auditor_reviews_a_committee_of_their_community(client, rcast):
    signed_in(client, rcast.auditor_a, "auditor1")
    path = f"/console/ratings/committees?year={YEAR}"
    form = {"estate_id": str(rcast.estate_a.id), "year": str(YEAR), "grade": "excellent",
            "score": "93", "comment": "按时换届，账目公开"}  # fmt: skip
    assert post(client, "/console/ratings/committees", form, path).status_code == 303
    rows = table_rows(html_of(client.get(path)), "committees")
    assert rows == [["阳光小区", "优秀", "93", "按时换届，账目公开", rows[0][4]]]
    other = {**form, "estate_id": str(rcast.estate_b.id)}
    assert post(client, "/console/ratings/committees", other, path).status_code == 404
    bad = post(client, "/console/ratings/committees", {**form, "grade": "best"}, path)
    assert bad.status_code == 422
    assert db.session.scalar(select(CommitteeReview.grade)) == "excellent"
    assert post(client, "/console/ratings/committees", form, token=False).status_code == 400


def test_list_queries_stay_constant(app, client, make, rcast):
    from tests.test_query_counts import count_queries

    signed_in(client, rcast.county_officer, "county1")
    manual_sheet(rcast.county_officer)
    community = rcast.estate_b.community

    def add(n):
        for k in range(n):
            estate = make.estate(community, f"新增{k}号{n}小区")
            services.score(rcast.county_officer, estate.id, YEAR, split(60 + k), submit=True)
            services.confirm(rcast.county_officer, estate.id, YEAR)

    add(2)
    client.get(f"/console/ratings?year={YEAR}")
    with count_queries(app) as few:
        client.get(f"/console/ratings?year={YEAR}")
    add(8)
    with count_queries(app) as many:
        client.get(f"/console/ratings?year={YEAR}")
    assert len(many) == len(few)


def test_confirming_and_five_stars_wait_for_the_confirmation_step(client, sheet):
    services.score(sheet.township_a, sheet.estate_a.id, YEAR, split(96), submit=True)
    signed_in(client, sheet.county_officer, "county1")
    path = sheet_url(sheet.estate_a)
    name = sheet.estate_a.name
    assert f'data-confirm="确认 {name} {YEAR} 年度评定为' in html_of(client.get(path))

    unconfirmed = post(client, f"{path}/confirm", {"confirmed": ""}, path)

    assert unconfirmed.status_code == 422
    assert "此操作不可撤销，请在确认提示中确认后再提交" in html_of(unconfirmed)
    assert db.session.scalar(select(EstateRating.status)) == "submitted"
    assert post(client, f"{path}/confirm", {}, path).status_code == 303
    html = html_of(client.get(path))
    assert f'data-confirm="确认授予 {name} {YEAR} 年度五星？授予后不可撤销"' in html
    grant = post(client, f"{path}/five-stars", {"decision": "grant", "confirmed": ""}, path)
    assert grant.status_code == 422
    db.session.expire_all()
    assert db.session.scalar(select(EstateRating.stars)) == 4
