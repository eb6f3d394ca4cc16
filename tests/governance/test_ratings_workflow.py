"""An estate's rating from draft to confirmed: who scores (township, county), who confirms
(county), the 5★ review, scope (404 outside, 403 for auditors), bad input that changes
nothing, and two officers confirming at once."""

import pytest
from sqlalchemy import func, select

from backend.accounts.models import User
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.ratings import services
from backend.governance.ratings.models import EstateRating, RatingScore
from tests.concurrency import at_once, in_own_context
from tests.ratings_support import YEAR, manual_sheet, split  # noqa: F401


@pytest.fixture
def sheet(rcast):
    manual_sheet(rcast.county_officer)
    return rcast


def submitted(cast, total, estate=None):
    estate = estate or cast.estate_a
    return services.score(cast.township_a, estate.id, YEAR, split(total), submit=True)


def count(model=EstateRating) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("who", ["township_a", "county_officer", "admin"])
def test_township_and_county_officers_score_and_submit(sheet, who):
    rating = services.score(getattr(sheet, who), sheet.estate_a.id, YEAR, split(72), submit=True)
    assert (rating.status, rating.total, rating.stars) == ("submitted", 72, 0)


def test_a_draft_can_be_saved_incomplete_and_edited(sheet):
    services.score(sheet.township_a, sheet.estate_a.id, YEAR, {"a": 40})
    rating = services.score(sheet.township_a, sheet.estate_a.id, YEAR, {"a": 45, "b": 30})
    assert (rating.status, rating.total) == ("draft", 75)
    assert count() == 1 and count(RatingScore) == 2


def test_officer_of_another_township_gets_404(sheet):
    with pytest.raises(NotFound):
        services.score(sheet.township_b, sheet.estate_a.id, YEAR, split(80))
    with pytest.raises(NotFound):
        services.score(sheet.outsider, sheet.estate_a.id, YEAR, split(80))
    assert count() == 0


def test_auditor_sees_but_may_not_score(sheet):
    with pytest.raises(Forbidden):
        services.score(sheet.auditor_a, sheet.estate_a.id, YEAR, split(80))
    with pytest.raises(NotFound):  # owners are not staff: they never see the sheet
        services.score(sheet.owner_a, sheet.estate_a.id, YEAR, split(80))


@pytest.mark.parametrize(
    "year, given, field",
    [
        (YEAR, {"a": 51, "b": 0}, "a"),
        (YEAR, {"a": -1, "b": 0}, "a"),
        (YEAR, {"a": "50", "b": 0}, "a"),
        (YEAR, {"a": True, "b": 0}, "a"),
        (YEAR, {"a": 10**12, "b": 0}, "a"),
        (YEAR, {"a": 50}, "b"),  # submitting with one missing
        (1999, split(80), "year"),
        (2999, split(80), "year"),
        ("2025", split(80), "year"),
    ],
)
def test_bad_scores_are_refused_and_change_nothing(sheet, year, given, field):
    services.score(sheet.township_a, sheet.estate_a.id, YEAR, {"a": 10})
    with pytest.raises(ValidationFailed) as refused:
        services.score(sheet.township_a, sheet.estate_a.id, year, given, submit=True)
    assert field in refused.value.fields
    rating = db.session.scalar(select(EstateRating))
    assert (rating.status, rating.total) == ("draft", 10)


def test_a_submitted_sheet_cannot_be_rescored(sheet):
    submitted(sheet, 80)
    with pytest.raises(Conflict):
        services.score(sheet.township_a, sheet.estate_a.id, YEAR, split(90))
    assert db.session.scalar(select(EstateRating.total)) == 80


def test_county_officer_confirms_with_stars_from_the_total(sheet):
    submitted(sheet, 84)
    rating = services.confirm(sheet.county_officer, sheet.estate_a.id, YEAR)
    assert (rating.status, rating.stars, rating.five_star_review) == ("confirmed", 3, None)
    assert rating.confirmed_by_id == sheet.county_officer.id


def test_township_officer_may_not_confirm_and_a_draft_cannot_be_confirmed(sheet):
    services.score(sheet.township_a, sheet.estate_a.id, YEAR, split(84))
    with pytest.raises(Forbidden):
        services.confirm(sheet.township_a, sheet.estate_a.id, YEAR)
    with pytest.raises(Conflict):
        services.confirm(sheet.county_officer, sheet.estate_a.id, YEAR)
    with pytest.raises(NotFound):
        services.confirm(sheet.county_officer, sheet.estate_b.id, YEAR)  # nothing scored


def test_95_stays_four_stars_until_the_review_grants_five(sheet):
    submitted(sheet, 95)
    rating = services.confirm(sheet.county_officer, sheet.estate_a.id, YEAR)
    assert (rating.stars, rating.five_star_review) == (4, "pending")
    rating = services.review_five_stars(sheet.county_officer, sheet.estate_a.id, YEAR, True)
    assert (rating.stars, rating.five_star_review) == (5, "granted")
    with pytest.raises(Conflict):  # reviewed once
        services.review_five_stars(sheet.county_officer, sheet.estate_a.id, YEAR, True)


def test_declining_five_stars_needs_a_reason_and_keeps_four(sheet):
    submitted(sheet, 97)
    services.confirm(sheet.county_officer, sheet.estate_a.id, YEAR)
    with pytest.raises(ValidationFailed):
        services.review_five_stars(sheet.county_officer, sheet.estate_a.id, YEAR, False, " ")
    rating = services.review_five_stars(
        sheet.county_officer, sheet.estate_a.id, YEAR, False, "年内发生电梯困人事故"
    )
    assert (rating.stars, rating.five_star_review, rating.five_star_reason) == (
        4,
        "declined",
        "年内发生电梯困人事故",
    )


def test_94_is_not_eligible_for_review(sheet):
    submitted(sheet, 94)
    services.confirm(sheet.county_officer, sheet.estate_a.id, YEAR)
    with pytest.raises(Conflict):
        services.review_five_stars(sheet.county_officer, sheet.estate_a.id, YEAR, True)
    with pytest.raises(Forbidden):
        services.review_five_stars(sheet.township_a, sheet.estate_a.id, YEAR, True)


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_county_officers_confirming_at_once_confirm_once(app, sheet, make):
    submitted(sheet, 88)
    second = make.member(sheet.county_officer.memberships[0].role, sheet.county)
    ids = (sheet.county_officer.id, second.id)

    def confirm(user_id):
        services.confirm(db.session.get(User, user_id), sheet.estate_a.id, YEAR)
        return "ok"

    results = at_once(*(in_own_context(app, confirm, uid) for uid in ids))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    db.session.expire_all()
    assert db.session.scalar(select(EstateRating.confirmed_by_id)) in ids


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_officers_starting_a_sheet_at_once_make_one_rating(app, sheet):
    ids = (sheet.township_a.id, sheet.county_officer.id)

    def start(user_id):
        services.score(db.session.get(User, user_id), sheet.estate_a.id, YEAR, {"a": 1})
        return "ok"

    results = at_once(*(in_own_context(app, start, uid) for uid in ids))
    assert all(r == "ok" or isinstance(r, Conflict) for r in results), results
    assert count() == 1


def test_current_year_may_be_scored_but_not_next_year(sheet):
    this_year = services.criteria.today().year
    services.score(sheet.township_a, sheet.estate_a.id, this_year, {"party_building": 3})
    with pytest.raises(ValidationFailed):
        services.score(sheet.township_a, sheet.estate_a.id, this_year + 1, {})


@pytest.mark.committing("threads race, each on a connection of its own")
def test_a_sheet_edit_racing_a_submission_never_both_succeed(app, sheet):
    officer_id, scorer_id = sheet.county_officer.id, sheet.township_a.id
    estate_id = sheet.estate_a.id
    one_criterion = [{"code": "c", "name": "丙项", "max_points": 100, "source": "manual"}]

    def edit():
        services.criteria.set_sheet(db.session.get(User, officer_id), YEAR, one_criterion)
        return "edited"

    def submit():
        services.score(db.session.get(User, scorer_id), estate_id, YEAR, split(80), submit=True)
        return "submitted"

    for _ in range(3):
        results = at_once(in_own_context(app, edit), in_own_context(app, submit))
        assert results.count("edited") + results.count("submitted") == 1, results
        db.session.expire_all()
        if "submitted" in results:
            assert [x.code for x in services.criteria.sheet(sheet.county.id, YEAR)] == ["a", "b"]
            return
        manual_sheet(sheet.county_officer)  # the edit won: put the two-line sheet back


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_five_star_reviews_at_once_decide_once(app, sheet, make):
    submitted(sheet, 98)
    services.confirm(sheet.county_officer, sheet.estate_a.id, YEAR)
    second = make.member(sheet.county_officer.memberships[0].role, sheet.county)
    calls = ((sheet.county_officer.id, True, ""), (second.id, False, "投诉处理不及时"))

    def review(user_id, grant, reason):
        user = db.session.get(User, user_id)
        services.review_five_stars(user, sheet.estate_a.id, YEAR, grant, reason)
        return "ok"

    results = at_once(*(in_own_context(app, review, *call) for call in calls))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    db.session.expire_all()
    stars, review_ = db.session.execute(
        select(EstateRating.stars, EstateRating.five_star_review)
    ).one()
    assert (stars, review_) in ((5, "granted"), (4, "declined"))
