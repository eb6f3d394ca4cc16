"""backend.common.unit_of_work: a service call commits once when it returns, rolls back when it
raises, and a unit of work called from another joins it."""

import pytest
from sqlalchemy import func, select

from backend.common.unit_of_work import in_unit_of_work, unit_of_work
from backend.errors import Conflict
from backend.extensions import db
from backend.places.models import County


def counties() -> int:
    return db.session.scalar(select(func.count()).select_from(County))


@unit_of_work
def add_county(name: str, fail: bool = False) -> County:
    county = County(name=name)
    db.session.add(county)
    db.session.flush()
    if fail:
        raise Conflict("冲突")
    return county


@unit_of_work
def add_two(fail_second: bool = False) -> None:
    assert in_unit_of_work()
    add_county("甲")
    add_county("乙", fail=fail_second)


def test_a_unit_of_work_commits_what_it_did(app):
    add_county("一县")
    db.session.rollback()  # would undo the county had the service not committed it

    assert counties() == 1


def test_a_domain_error_rolls_back_everything_the_call_did(app):
    with pytest.raises(Conflict):
        add_county("二县", fail=True)

    assert counties() == 0


def test_a_nested_unit_joins_the_outer_one_and_fails_with_it(app):
    with pytest.raises(Conflict):
        add_two(fail_second=True)

    assert counties() == 0  # the first county, added by an inner unit, went too


def test_a_nested_unit_does_not_commit_before_the_outer_one_ends(app):
    add_two()
    db.session.rollback()

    assert counties() == 2
    assert not in_unit_of_work()
