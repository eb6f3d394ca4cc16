"""Appeals through the API: the estate's committee or manager appeal a confirmed rating
within LINLI_RATING_APPEAL_DAYS, one open at a time; a county officer upholds (back to
draft) or dismisses with a reason. And the estate's confirmed ratings as its people read them."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.ratings import appeals, criteria, services
from backend.governance.ratings.models import EstateRating, RatingAppeal
from tests.concurrency import posts_at_once
from tests.ratings_support import YEAR, manual_sheet, split  # noqa: F401
from tests.test_query_counts import count_queries


@pytest.fixture
def confirmed(rcast):
    manual_sheet(rcast.county_officer)
    services.score(rcast.township_a, rcast.estate_a.id, YEAR, split(78), submit=True)
    return services.confirm(rcast.county_officer, rcast.estate_a.id, YEAR)


def url(rating):
    return f"/api/v1/estate-ratings/{rating.id}/appeals"


def appeals_count() -> int:
    return db.session.scalar(select(func.count()).select_from(RatingAppeal))


@pytest.mark.parametrize("who", ["chair_a", "manager"])
def test_committee_or_manager_appeal_within_the_window(client, auth, rcast, confirmed, who):
    response = client.post(
        url(confirmed),
        json={"reason": "工单数据含已撤销的重复件"},
        headers=auth(getattr(rcast, who)),
    )
    assert response.status_code == 201, response.json
    assert response.json["status"] == "open" and response.json["status_label"] == "待处理"


def test_a_second_open_appeal_is_409(client, auth, rcast, confirmed):
    body = {"reason": "评分有误"}
    assert client.post(url(confirmed), json=body, headers=auth(rcast.chair_a)).status_code == 201
    second = client.post(url(confirmed), json=body, headers=auth(rcast.manager))
    assert second.status_code == 409
    assert second.json["error"]["code"] == "appeal_open"
    assert "待处理的申诉" in second.json["error"]["message"]


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_appeals_at_once_open_one(app, auth, rcast, confirmed):
    calls = [(rcast.chair_a, url(confirmed), {"reason": f"理由{n}"}) for n in range(4)]
    statuses = sorted(status for status, _ in posts_at_once(app, auth, calls))
    assert statuses == [201, 409, 409, 409]
    assert appeals_count() == 1


def test_appeal_after_the_window_is_refused(app, client, auth, rcast, confirmed):
    days = app.config["RATING_APPEAL_DAYS"]
    confirmed.confirmed_at = confirmed.confirmed_at - timedelta(days=days, seconds=1)
    db.session.commit()
    response = client.post(url(confirmed), json={"reason": "晚了"}, headers=auth(rcast.chair_a))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "appeal_window_closed"
    assert f"{days} 天内" in response.json["error"]["message"]
    assert appeals_count() == 0


def test_just_inside_the_window_is_accepted(app, client, auth, rcast, confirmed):
    days = app.config["RATING_APPEAL_DAYS"]
    confirmed.confirmed_at = confirmed.confirmed_at - timedelta(days=days) + timedelta(minutes=5)
    db.session.commit()
    response = client.post(url(confirmed), json={"reason": "未超期"}, headers=auth(rcast.chair_a))
    assert response.status_code == 201


def test_owners_may_not_appeal_and_strangers_get_404(client, auth, rcast, confirmed):
    owner = client.post(url(confirmed), json={"reason": "x"}, headers=auth(rcast.owner_a))
    assert owner.status_code == 403
    stranger = client.post(url(confirmed), json={"reason": "x"}, headers=auth(rcast.owner_c))
    assert stranger.status_code == 404
    missing = client.post("/api/v1/estate-ratings/999999/appeals", json={"reason": "x"},
                          headers=auth(rcast.chair_a))  # fmt: skip
    assert missing.status_code == 404
    assert appeals_count() == 0


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "长" * 1001}, {"reason": 5},
             {"reason": "ok", "extra": 1}, ["reason"]],
)  # fmt: skip
def test_bad_appeal_is_422_and_writes_nothing(client, auth, rcast, confirmed, body):
    response = client.post(url(confirmed), json=body, headers=auth(rcast.chair_a))
    assert response.status_code == 422
    assert set(response.json["error"]) == {"code", "message", "fields"}
    assert appeals_count() == 0


def test_a_draft_cannot_be_appealed(client, auth, rcast):
    manual_sheet(rcast.county_officer)
    draft = services.score(rcast.township_a, rcast.estate_a.id, YEAR, split(60))
    response = client.post(url(draft), json={"reason": "x"}, headers=auth(rcast.chair_a))
    assert response.status_code == 409


def test_upheld_appeal_sends_the_rating_back_to_draft(rcast, confirmed):
    row = appeals.appeal(rcast.chair_a, confirmed.id, "满意度计算有误")
    with pytest.raises(Forbidden):
        appeals.decide(rcast.township_a, row.id, True)
    decided = appeals.decide(rcast.county_officer, row.id, True)
    assert decided.status == "upheld"
    rating = db.session.get(EstateRating, confirmed.id)
    assert (rating.status, rating.stars, rating.confirmed_at) == ("draft", 0, None)
    rescored = services.score(rcast.township_a, rcast.estate_a.id, YEAR, split(82), submit=True)
    assert services.confirm(rcast.county_officer, rcast.estate_a.id, YEAR).stars == 3
    assert rescored.id == confirmed.id
    with pytest.raises(Conflict):
        appeals.decide(rcast.county_officer, row.id, False, "再次处理")


def test_dismissing_needs_a_reason_and_keeps_the_rating(rcast, confirmed):
    row = appeals.appeal(rcast.manager, confirmed.id, "不服")
    with pytest.raises(ValidationFailed):
        appeals.decide(rcast.county_officer, row.id, False, "")
    with pytest.raises(NotFound):
        appeals.decide(rcast.outsider, row.id, False, "越权")
    decided = appeals.decide(rcast.county_officer, row.id, False, "评分依据充分")
    assert (decided.status, decided.decision_reason) == ("dismissed", "评分依据充分")
    assert db.session.get(EstateRating, confirmed.id).status == "confirmed"
    # Decided: another appeal may follow, within the window.
    assert appeals.appeal(rcast.chair_a, confirmed.id, "补充材料").status == "open"


def test_estate_people_read_confirmed_ratings(client, auth, rcast, confirmed):
    manual_sheet(rcast.county_officer, year=YEAR - 1)
    services.score(rcast.township_a, rcast.estate_a.id, YEAR - 1, split(50))  # a draft: hidden
    response = client.get(
        f"/api/v1/estates/{rcast.estate_a.id}/ratings", headers=auth(rcast.owner_a)
    )
    assert response.status_code == 200
    (item,) = response.json["ratings"]
    assert (item["year"], item["total"], item["stars"]) == (YEAR, 78, 2)
    assert [(c["code"], c["max_points"], c["points"]) for c in item["criteria"]] == [
        ("a", 50, 50),
        ("b", 50, 28),
    ]
    assert item["open_appeal_id"] is None


def test_reading_ratings_costs_the_same_statements_for_one_year_as_for_three(
    app, client, auth, rcast, confirmed
):
    path = f"/api/v1/estates/{rcast.estate_a.id}/ratings"

    def statements() -> int:
        with count_queries(app) as seen:
            assert client.get(path, headers=auth(rcast.owner_a)).status_code == 200
        return len(seen)

    one_year = statements()
    for year in (YEAR - 1, YEAR - 2):  # each on a sheet of its own
        manual_sheet(
            rcast.county_officer,
            year=year,
            a=60 if year == YEAR - 1 else 50,
            b=40 if year == YEAR - 1 else 50,
        )
        services.score(rcast.township_a, rcast.estate_a.id, year, split(66), submit=True)
        services.confirm(rcast.county_officer, rcast.estate_a.id, year)
    appeal = appeals.appeal(rcast.chair_a, confirmed.id, "评分有误")

    assert statements() == one_year
    items = client.get(path, headers=auth(rcast.owner_a)).json["ratings"]
    assert [item["year"] for item in items] == [YEAR, YEAR - 1, YEAR - 2]
    assert [item["open_appeal_id"] for item in items] == [appeal.id, None, None]
    assert [c["max_points"] for c in items[1]["criteria"]] == [60, 40]
    assert [c["max_points"] for c in items[2]["criteria"]] == [50, 50]
    # A year with no sheet of its own reads the default one.
    assert criteria.sheets(rcast.estate_a.county_id, {YEAR - 9}) == {
        YEAR - 9: list(criteria.DEFAULT_SHEET)
    }


def test_reading_another_estates_ratings_is_404(client, auth, rcast, confirmed):
    response = client.get(
        f"/api/v1/estates/{rcast.estate_a.id}/ratings", headers=auth(rcast.owner_c)
    )
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
