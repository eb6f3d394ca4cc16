"""distribution(scope, year) against a held-out county worked out by hand (two townships,
ratings at the 59/60/94/95 edges, 5★ granted and declined, unconfirmed and unrated estates)."""

import pytest

from backend.governance.ratings.figures import StarDistribution, distribution
from tests.ratings_support import YEAR, held_out
from tests.test_query_counts import count_queries


@pytest.fixture
def county(make):
    return held_out(make)


def test_county_distribution_matches_the_hand_count(county):
    assert distribution(("county", county["county"].id), YEAR) == StarDistribution(
        five=1, four=3, three=1, two=1, one=1, no_star=1, unrated=4
    )


def test_township_distributions_match_the_hand_count(county):
    assert distribution(("township", county["township_a"].id), YEAR) == StarDistribution(
        five=0, four=2, three=0, two=0, one=1, no_star=1, unrated=2
    )
    assert distribution(("township", county["township_b"].id), YEAR) == StarDistribution(
        five=1, four=1, three=1, two=1, one=0, no_star=0, unrated=2
    )


def test_community_and_estate_scopes(county):
    community_id = county["a1"].community_id
    assert distribution(("community", community_id), YEAR).total == 6
    assert distribution(("estate", county["a4"].id), YEAR) == StarDistribution(0, 1, 0, 0, 0, 0, 0)
    assert distribution(("estate", county["a6"].id), YEAR).unrated == 1


def test_the_year_before_is_its_own(county):
    assert distribution(("county", county["county"].id), YEAR - 1) == StarDistribution(
        five=1, four=0, three=0, two=0, one=0, no_star=0, unrated=11
    )


def test_one_query(app, county):
    county_id = county["county"].id
    with count_queries(app) as queries:
        distribution(("county", county_id), YEAR)
    assert len(queries) == 1


def test_unknown_scope_is_an_error(app):
    with pytest.raises(ValueError):
        distribution(("city", 1), YEAR)
