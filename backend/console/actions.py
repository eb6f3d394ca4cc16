"""Running a console action so a refused one leaves nothing behind."""

from backend.errors import DomainError
from backend.extensions import db


def rollback_on_failure(action):
    """Run ``action``; on a domain error drop what it left in the session, so the page
    re-rendered with the error shows the database as it is, not a half-applied change."""
    try:
        return action()
    except DomainError:
        db.session.rollback()
        raise
