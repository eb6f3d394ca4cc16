"""Property-manager stars (township and county officers) and committee performance reviews
(the community's auditor and officers): one per manager or estate and year, replaced when
given again; scope 404, wrong role 403, bad input 422 writing nothing."""

import pytest
from sqlalchemy import func, select

from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.ratings import reviews
from backend.governance.ratings.models import CommitteeReview, ManagerStar
from tests.governance_support import build_gcast
from tests.isolation import once_per_module
from tests.ratings_support import YEAR  # noqa: F401

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def star_args(cast, **fields):
    body = {
        "manager_user_id": cast.manager.id,
        "estate_id": cast.estate_a.id,
        "year": YEAR,
        "stars": 4,
        "score": 86,
        "comment": "工单响应及时",
    }
    return body | fields


def review_args(cast, **fields):
    body = {"estate_id": cast.estate_a.id, "year": YEAR, "grade": "good", "score": 82}
    return body | fields


@pytest.mark.parametrize("who", ["township_a", "county_officer"])
def test_officers_give_manager_stars_and_a_second_replaces_the_first(rcast, who):
    reviews.rate_manager(getattr(rcast, who), star_args(rcast))
    row = reviews.rate_manager(getattr(rcast, who), star_args(rcast, stars=5, score=95))
    assert (row.stars, row.score, row.township_id) == (5, 95, rcast.estate_a.township_id)
    assert count(ManagerStar) == 1


def test_manager_stars_scope_and_roles(rcast):
    with pytest.raises(NotFound):
        reviews.rate_manager(rcast.township_b, star_args(rcast))
    with pytest.raises(Forbidden):
        reviews.rate_manager(rcast.auditor_a, star_args(rcast))
    with pytest.raises(NotFound):  # not the manager of that estate
        reviews.rate_manager(
            rcast.county_officer, star_args(rcast, manager_user_id=rcast.owner_a.id)
        )
    assert count(ManagerStar) == 0


@pytest.mark.parametrize(
    "fields, field",
    [({"stars": 0}, "stars"), ({"stars": 6}, "stars"), ({"stars": "4"}, "stars"),
     ({"score": 101}, "score"), ({"score": None}, "score"), ({"comment": "长" * 501}, "comment"),
     ({"comment": 7}, "comment"), ({"year": 1999}, "year"), ({"manager_user_id": "x"},
     "manager_user_id")],
)  # fmt: skip
def test_bad_manager_stars_are_refused(rcast, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        reviews.rate_manager(rcast.township_a, star_args(rcast, **fields))
    assert field in refused.value.fields
    assert count(ManagerStar) == 0


@pytest.mark.parametrize("who", ["auditor_a", "township_a", "county_officer"])
def test_auditor_and_officers_review_committees(rcast, who):
    row = reviews.review_committee(getattr(rcast, who), review_args(rcast))
    assert (row.grade_label, row.score) == ("良好", 82)
    again = reviews.review_committee(getattr(rcast, who), review_args(rcast, grade="excellent"))
    assert again.id == row.id and again.grade_label == "优秀"


def test_committee_review_outside_scope_is_404(rcast):
    with pytest.raises(NotFound):
        reviews.review_committee(rcast.auditor_a, review_args(rcast, estate_id=rcast.estate_b.id))
    with pytest.raises(NotFound):
        reviews.review_committee(rcast.township_b, review_args(rcast))
    with pytest.raises(NotFound):
        reviews.review_committee(rcast.chair_a, review_args(rcast))
    assert count(CommitteeReview) == 0


@pytest.mark.parametrize(
    "fields, field",
    [({"grade": "great"}, "grade"), ({"grade": None}, "grade"), ({"score": -1}, "score"),
     ({"score": 1.5}, "score"), ({"year": "2025"}, "year"), ({"estate_id": 0}, "estate_id")],
)  # fmt: skip
def test_bad_committee_reviews_are_refused(rcast, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        reviews.review_committee(rcast.auditor_a, review_args(rcast, **fields))
    assert field in refused.value.fields
    assert count(CommitteeReview) == 0
