"""Subscribe messages about a vote to the electors who asked for them: it opened, and its
result. Everyone else hears both in the estate's group, as before."""

from sqlalchemy import select

from backend.subscriptions import services as subscriptions
from backend.votes.models import ElectorUser, Motion


def _tell(kind: str, motion: Motion) -> None:
    electors = select(ElectorUser.user_id).where(ElectorUser.motion_id == motion.id)
    people = subscriptions.consenting(kind, electors)
    subscriptions.reach(kind, [(motion.id, user_id, motion.estate_id) for user_id in people])


def opened(motion: Motion) -> None:
    _tell("motion_opened", motion)


def closed(motion: Motion) -> None:
    _tell("motion_result", motion)
