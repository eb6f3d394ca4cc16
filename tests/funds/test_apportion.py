"""The largest-remainder split of an amount over units by area: exact in fen, ties by unit id."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.funds.apportion import apportion


def test_three_units_of_one_dm2_and_a_remainder():
    # 100 fen over three equal units: 33 each, and the one fen left goes to the lowest id.
    assert apportion(100, {7: 1, 3: 1, 5: 1}) == {3: 34, 5: 33, 7: 33}


def test_three_tiny_units_next_to_a_large_one():
    # 10,001 fen over 1 + 1 + 1 + 99,997 dm² (total 100,000): the large unit's exact share is
    # 10,000.69997 fen, each tiny one 0.10001. Floors give 10,000 + 0 + 0 + 0; the one fen left
    # goes to the largest remainder (.69997), the large unit's.
    shares = apportion(10_001, {1: 1, 2: 1, 3: 1, 4: 99_997})
    assert shares == {1: 0, 2: 0, 3: 0, 4: 10_001}


def test_three_tiny_units_tie_for_the_remainder_by_unit_id():
    # 2 fen over 1 + 1 + 1 + 3 dm²: exact shares 1/3, 1/3, 1/3 and 1. The large unit takes its
    # whole fen; the one left is tied among the tiny units and goes to the lowest id.
    assert apportion(2, {3: 1, 2: 1, 1: 1, 4: 3}) == {1: 1, 2: 0, 3: 0, 4: 1}


def test_largest_remainder_wins_before_lower_id():
    # 10 fen over 2 : 1 → 6.67 and 3.33: the 0.67 remainder takes the fen, whatever the ids.
    assert apportion(10, {1: 1, 2: 2}) == {1: 3, 2: 7}


def test_a_payment_is_split_as_negative_shares():
    assert apportion(-100, {1: 1, 2: 1, 3: 1}) == {1: -34, 2: -33, 3: -33}


def test_no_units_or_a_non_positive_area_is_refused():
    with pytest.raises(ValueError):
        apportion(100, {})
    with pytest.raises(ValueError):
        apportion(100, {1: 0, 2: 5})


@given(
    amount=st.integers(min_value=-(10**11), max_value=10**11),
    areas=st.dictionaries(
        st.integers(min_value=1, max_value=10**6),
        st.integers(min_value=1, max_value=10**7),
        min_size=1,
        max_size=40,
    ),
)
def test_shares_sum_exactly_and_stay_within_a_fen_of_the_exact_share(amount, areas):
    shares = apportion(amount, areas)
    assert sum(shares.values()) == amount
    total = sum(areas.values())
    for unit_id, area in areas.items():
        # |share · total − amount · area| < total: less than one fen from the exact share.
        assert abs(shares[unit_id] * total - amount * area) < total
