"""The suite's own isolation (tests/conftest.py): each test starts from its module's rows and
leaves none behind, whether it rolls back or commits for real; what a request commits is seen
by the next request and by the test, and a rollback of the test's own session keeps it."""

import pytest
from sqlalchemy import func, inspect, select

from backend.access.roles import Role
from backend.accounts.models import WecomBinding
from backend.extensions import db
from backend.places.models import County


def counties() -> int:
    return db.session.scalar(select(func.count()).select_from(County))


@pytest.fixture(scope="module")
def _module_county(in_module):
    return in_module(lambda make: make.county(name="模块县"))


@pytest.mark.parametrize("case", range(3))
def test_each_test_starts_without_the_rows_of_the_one_before(_module_county, make, case):
    assert counties() == 1  # the module's own county only
    make.county()
    db.session.commit()
    assert counties() == 2


@pytest.mark.parametrize("case", range(2))
def test_a_module_row_is_shared_and_each_test_undoes_its_changes(_module_county, app, case):
    county = db.session.get(County, inspect(_module_county).identity)
    assert county.name == "模块县"
    county.name = f"改过的{case}"
    db.session.commit()
    assert db.session.get(County, county.id).name == f"改过的{case}"


@pytest.mark.committing("checks that what a committing test commits is gone after it")
@pytest.mark.parametrize("case", range(2))
def test_a_committing_test_commits_for_real_and_leaves_nothing_behind(make, case):
    assert counties() == 0  # the module's county is not committed: not seen here
    make.county()
    db.session.commit()
    with db.engine.connect() as other:
        assert other.scalar(select(func.count()).select_from(County)) == 1


def test_a_rollback_of_the_test_session_keeps_what_a_request_committed(client, auth, make):
    owner = make.member(Role.OWNER, make.unit(make.estate()))
    make.county(name="未提交县")  # flushed, not committed: the test's session has a transaction

    assert client.post("/api/v1/me/wecom-binding", headers=auth(owner)).status_code == 201
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(WecomBinding)) == 1
