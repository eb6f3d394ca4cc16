"""The signed-in user with their memberships, read once per request by the API's token guard
and by the console's session: nearly every view checks a scope with them, so they come in the
same statement."""

import functools

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from backend.accounts.models import User
from backend.extensions import db


def user_with_memberships(user_id: int) -> User | None:
    return db.session.execute(_statement(), {"user_id": user_id}).unique().scalar_one_or_none()


@functools.cache
def _statement():
    # Built once per process: Session.get with a joinedload option built the option, and the
    # query around it, again on every request (~0.4 ms of CPU).
    return select(User).options(joinedload(User.memberships)).where(User.id == bindparam("user_id"))
