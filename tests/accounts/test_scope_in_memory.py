"""access.scope.sees_estate decides from the memberships a request has loaded; it must agree
with visible_estates, the SQL every list uses, for every role on every kind of place."""

import pytest
from sqlalchemy import select

from backend.access.roles import SCOPE_OF_ROLE, Role, ScopeKind
from backend.access.scope import sees_estate, visible_estates
from backend.accounts.models import User
from backend.extensions import db
from backend.places.models import Community, County, Estate, Township
from tests import factories as f


def place_for(role, estate):
    kind = SCOPE_OF_ROLE[role]
    if kind == ScopeKind.UNIT:
        return f.unit(estate)
    if kind == ScopeKind.ESTATE:
        return estate
    model, place_id = {
        ScopeKind.COMMUNITY: (Community, estate.community_id),
        ScopeKind.TOWNSHIP: (Township, estate.township_id),
        ScopeKind.COUNTY: (County, estate.county_id),
    }[kind]
    return db.session.get(model, place_id)


@pytest.mark.parametrize("role", list(Role))
def test_sees_estate_agrees_with_visible_estates(app, role):
    county = f.county()
    near = f.estate(f.community(f.township(county)))
    same_township = f.estate(f.community(f.township_of(near.community)))
    elsewhere = f.estate(f.community(f.township(f.county())))
    person = f.member(role, place_for(role, near))
    f.member(Role.OWNER, f.unit(elsewhere), person)  # a second role, elsewhere
    user = db.session.scalar(select(User).where(User.id == person.id))

    for roles in (None, (role,), (Role.OWNER,), (Role.AUDITOR, Role.ADMIN)):
        in_sql = set(db.session.scalars(visible_estates(user, roles).with_only_columns(Estate.id)))
        in_memory = {e.id for e in (near, same_township, elsewhere) if sees_estate(user, e, roles)}
        assert in_memory == in_sql & {near.id, same_township.id, elsewhere.id}, roles
