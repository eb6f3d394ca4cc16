"""The law's arithmetic at its edges (Civil Code art. 278): quorum of two thirds of area AND
owners, three quarters for the special matters, more than half otherwise, all exact."""

import pytest

from backend.votes import rules
from backend.votes.rules import Count, decide

NONE = Count()


def test_exactly_two_thirds_of_area_and_owners_is_a_quorum():
    total = Count(owners=3, area_dm2=30_000)
    outcome = decide("hire_property_company", total, Count(2, 20_000), NONE, NONE)
    assert outcome.quorum_met and outcome.passed and outcome.code == "passed"


@pytest.mark.parametrize(
    "voting",
    [
        Count(owners=2, area_dm2=19_999),  # owners 2/3, area one dm² short
        Count(owners=1, area_dm2=29_999),  # area nearly all, owners 1/3
    ],
)
def test_just_under_two_thirds_of_either_is_no_quorum(voting):
    total = Count(owners=3, area_dm2=30_000)
    outcome = decide("hire_property_company", total, voting, NONE, NONE)
    assert not outcome.quorum_met and not outcome.passed and outcome.code == "no_quorum"


def test_quorum_over_a_large_estate_is_decided_without_rounding():
    # 2/3 of 20,000 owners is 13,333.33…: 13,333 is short, 13,334 is enough.
    total = Count(owners=20_000, area_dm2=180_000_000)
    assert not decide("other", total, Count(13_333, 120_000_000), NONE, NONE).quorum_met
    assert decide("other", total, Count(13_334, 120_000_000), NONE, NONE).quorum_met


def test_exactly_three_quarters_passes_a_fund_raising_matter():
    total = Count(owners=4, area_dm2=40_000)
    outcome = decide("raise_maintenance_fund", total, Count(3, 30_000), Count(1, 10_000), NONE)
    assert outcome.passed


@pytest.mark.parametrize("matter", ["raise_maintenance_fund", "rebuild", "change_common_use"])
def test_just_under_three_quarters_fails_a_special_matter(matter):
    total = Count(owners=4, area_dm2=40_000)
    # Owners 3/4, but area 29,999 of 40,000.
    outcome = decide(matter, total, Count(3, 29_999), Count(1, 10_001), NONE)
    assert outcome.quorum_met and not outcome.passed and outcome.code == "rejected"


def test_the_same_count_passes_an_ordinary_matter():
    total = Count(owners=4, area_dm2=40_000)
    assert decide("use_maintenance_fund", total, Count(3, 29_999), Count(1, 10_001), NONE).passed


def test_exactly_half_fails_an_ordinary_matter():
    total = Count(owners=4, area_dm2=40_000)
    outcome = decide("elect_committee", total, Count(2, 20_000), Count(2, 20_000), NONE)
    assert outcome.quorum_met and not outcome.passed


def test_just_over_half_of_both_passes_an_ordinary_matter():
    total = Count(owners=5, area_dm2=50_000)
    outcome = decide("elect_committee", total, Count(3, 25_001), Count(2, 24_999), NONE)
    assert outcome.passed


def test_half_the_owners_with_most_of_the_area_is_not_enough():
    total = Count(owners=4, area_dm2=40_000)
    outcome = decide("elect_committee", total, Count(2, 39_000), Count(2, 1_000), NONE)
    assert not outcome.passed


def test_abstentions_count_towards_the_quorum_and_the_base_but_are_not_yes():
    total = Count(owners=6, area_dm2=60_000)
    # Without the abstainers there is no quorum; with them, yes is exactly half: fails.
    assert not decide("other", total, Count(2, 20_000), Count(1, 10_000), NONE).quorum_met
    outcome = decide("other", total, Count(2, 20_000), Count(1, 10_000), Count(1, 10_000))
    assert outcome.quorum_met and not outcome.passed


def test_an_estate_with_no_owners_never_reaches_a_quorum():
    assert decide("other", NONE, NONE, NONE, NONE).code == "no_quorum"


def test_each_matter_of_article_278_has_its_threshold():
    special = {m for m in rules.MATTERS if rules.threshold(m) == "special"}
    assert special == {"raise_maintenance_fund", "rebuild", "change_common_use"}
    assert len(rules.MATTERS) == 10  # the nine matters of art. 278 and "other"


@pytest.mark.parametrize(
    ("dm2", "text"), [(0, "0.00 ㎡"), (8912, "89.12 ㎡"), (123_456_789, "1,234,567.89 ㎡")]
)
def test_area_reads_in_square_metres_exactly(dm2, text):
    assert rules.area_text(dm2) == text


@pytest.mark.parametrize(
    ("part", "whole", "text"), [(2, 3, "66.67%"), (1, 3, "33.33%"), (1, 8, "12.50%"), (0, 0, "—")]
)
def test_shares_read_as_percentages(part, whole, text):
    assert rules.share_text(part, whole) == text
