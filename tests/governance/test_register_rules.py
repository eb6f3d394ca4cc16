"""The party-led rule (红色业委会) as pure arithmetic: the share edge in integers, the chair
who is branch secretary, "either", and the day the flag has held since."""

from datetime import date

import pytest

from backend.governance.register.rules import Serving, derive, holds

D1, D2, D3 = date(2026, 1, 5), date(2026, 3, 1), date(2026, 6, 1)


def m(role="member", party=False, secretary=False, joined=D1, left=None) -> Serving:
    return Serving(role, party, secretary, joined, left)


@pytest.mark.parametrize(
    ("party", "total", "percent", "expected"),
    [(2, 4, 50, True), (1, 3, 50, False), (2, 3, 67, False), (2, 3, 66, True), (5, 5, 100, True)],
)
def test_share_is_integer_arithmetic_at_the_edge(party, total, percent, expected):
    members = [m(party=i < party) for i in range(total)]
    assert holds(members, "share", percent) is expected


def test_chair_secretary_needs_a_party_chair_who_is_secretary():
    chair = m("chair", party=True, secretary=True)
    others = [m(), m(), m()]  # 1 of 4 party: the share alone fails
    assert holds([chair, *others], "chair_secretary", 50)
    assert not holds([chair, *others], "share", 50)
    assert holds([chair, *others], "either", 50)
    not_party = m("chair", party=False, secretary=True)
    assert not holds([not_party, *others], "chair_secretary", 50)
    secretary_not_chair = m("vice_chair", party=True, secretary=True)
    assert not holds([secretary_not_chair, *others], "chair_secretary", 50)


def test_nobody_serving_is_not_party_led():
    assert not holds([], "either", 50)


def test_since_is_the_start_of_the_unbroken_run():
    members = [
        m("chair", party=True, joined=D1),
        m(party=False, joined=D1),
        m(party=False, joined=D2, left=D3),  # 1 of 3 from D2: broken; 1 of 2 again at D3
    ]
    assert derive(members, "share", 50) == (True, D3)
    assert derive(members[:2], "share", 50) == (True, D1)


def test_a_member_leaving_can_end_the_flag():
    members = [m("chair", party=True, joined=D1, left=D2), m(joined=D1), m(joined=D1)]
    assert derive(members, "share", 50) == (False, None)
