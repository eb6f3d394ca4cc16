"""Claims waiting too long for a decision, told once per claim to the committee's internal
group chats (a claim names a person: never to the owners' group)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from backend.claims.models import Claim
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.audience import internal_groups
from backend.outbox import services as outbox

WAITING = "claim.waiting"
# Look back this far past the threshold: a stopped scheduler catches up, a new group is not
# flooded with old claims.
CATCH_UP_DAYS = 30
BATCH = 500


@unit_of_work
def post_waiting_claims(now: datetime | None = None) -> int:
    """Queue, once per claim, the claims pending longer than LINLI_CLAIM_WAITING_DAYS; returns
    how many rows were queued."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["CLAIM_WAITING_DAYS"])
    due = db.session.execute(
        select(Claim.id, Claim.estate_id)
        .where(
            Claim.status == "pending",
            Claim.created_at < cutoff,
            Claim.created_at >= cutoff - timedelta(days=CATCH_UP_DAYS),
            outbox.not_posted(WAITING, Claim.id),
        )
        .order_by(Claim.id)
        .limit(BATCH)
    ).all()
    groups: dict[int, list] = {}
    pairs = []
    for claim_id, estate_id in due:
        if estate_id not in groups:
            groups[estate_id] = internal_groups(estate_id)
        pairs += [(claim_id, group) for group in groups[estate_id]]
    return outbox.add_once_for_each_group(WAITING, pairs)
