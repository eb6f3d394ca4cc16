"""What one batch of the escalation job announces, for all its estates at once: a line per
climbed ticket in the estate's digest of this run (one digest per estate and run, so a later
batch of the same run adds to it), a row per active group chat when the digest is new, and
a subscribe message to each person who became responsible (when a template is set).

A handful of statements per batch, however many estates it touches."""

from collections import defaultdict
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, insert, or_, select

from backend.access.models import Membership
from backend.access.roles import ScopeKind
from backend.accounts.models import User
from backend.extensions import db
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.places.models import Estate
from backend.subscriptions import services as subscriptions
from backend.tickets import rules
from backend.tickets.models import TicketDigest

ESCALATIONS_TOPIC = "ticket.escalations"  # to the estate's groups, one per run
ESCALATED_TO_YOU_TOPIC = "ticket.escalated"  # to each new handler, one per estate and run
KIND = "ticket_escalated_to_you"  # its subscribe kind (spends the handler's consent)


def write(lines: dict[int, list[dict]], now: datetime) -> None:
    """Add ``lines`` (climbed tickets by estate id) to each estate's digest of the run at
    ``now`` and queue what the digests announce, in the caller's transaction."""
    digests = {
        digest.estate_id: digest
        for digest in db.session.scalars(
            select(TicketDigest)
            .where(
                TicketDigest.estate_id.in_(lines),
                TicketDigest.kind == "escalation",
                TicketDigest.period_start == now,
            )
            .with_for_update()
        )
    }
    for estate_id, digest in digests.items():
        digest.figures = {"tickets": [*digest.figures.get("tickets", []), *lines[estate_id]]}
    new = [estate_id for estate_id in lines if estate_id not in digests]
    created = {}
    if new:
        created = dict(
            db.session.execute(
                insert(TicketDigest).returning(TicketDigest.estate_id, TicketDigest.id),
                [
                    {
                        "estate_id": estate_id,
                        "kind": "escalation",
                        "period_start": now,
                        "period_end": now,
                        "figures": {"tickets": lines[estate_id]},
                    }
                    for estate_id in new
                ],
            ).all()
        )
        _to_groups(created)
    db.session.flush()
    digest_ids = created | {estate_id: digest.id for estate_id, digest in digests.items()}
    if current_app.config["TICKET_TEMPLATE_ID"]:
        levels = {e: {line["level"] for line in estate_lines} for e, estate_lines in lines.items()}
        _to_new_handlers(digest_ids, levels)


def _to_groups(digest_ids: dict[int, int]) -> None:
    """One row per active group chat of each estate whose digest was just written."""
    groups = active_groups(digest_ids)
    pairs = [(digest_ids[group.estate_id], group) for group in groups]
    outbox.add_for_each_group(ESCALATIONS_TOPIC, pairs)


def _to_new_handlers(digest_ids: dict[int, int], levels: dict[int, set[int]]) -> None:
    """A subscribe message to each person with an openid holding a role that became
    responsible at one of the estate's new levels there, once per digest, if they consented
    (the group's digest tells everyone else)."""
    places = {
        estate.id: {
            (ScopeKind.ESTATE, estate.id),
            (ScopeKind.COMMUNITY, estate.community_id),
            (ScopeKind.TOWNSHIP, estate.township_id),
            (ScopeKind.COUNTY, estate.county_id),
        }
        for estate in db.session.scalars(select(Estate).where(Estate.id.in_(digest_ids)))
    }
    already = set(
        db.session.execute(
            select(outbox.OutboxMessage.subject_id, outbox.OutboxMessage.recipient_id).where(
                outbox.OutboxMessage.topic == ESCALATED_TO_YOU_TOPIC,
                outbox.OutboxMessage.subject_id.in_(digest_ids.values()),
            )
        ).all()
    )
    wanted = []
    for level in sorted(set().union(*levels.values())):
        estates = [estate_id for estate_id, wanted in levels.items() if level in wanted]
        people = _people(rules.new_rung_roles(level), set().union(*(places[e] for e in estates)))
        for estate_id in estates:
            subject = digest_ids[estate_id]
            for user_id in sorted({u for place in places[estate_id] for u in people[place]}):
                if (subject, user_id) not in already:
                    already.add((subject, user_id))
                    wanted.append((subject, user_id, estate_id))
    consenting = set(subscriptions.consenting(KIND, list({user_id for _, user_id, _ in wanted})))
    subscriptions.reach(KIND, [row for row in wanted if row[1] in consenting])


def _people(roles, places: set[tuple[str, int]]) -> dict[tuple[str, int], set[int]]:
    """Who holds one of ``roles`` at each of ``places`` and can be messaged, in one query."""
    ids_by_kind = defaultdict(set)
    for kind, scope_id in places:
        ids_by_kind[kind].add(scope_id)
    people = defaultdict(set)
    rows = db.session.execute(
        select(Membership.scope_kind, Membership.scope_id, Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role.in_(roles), User.openid.is_not(None))
        .where(
            or_(
                *[
                    and_(Membership.scope_kind == kind, Membership.scope_id.in_(ids))
                    for kind, ids in ids_by_kind.items()
                ]
            )
        )
        .distinct()
    )
    for kind, scope_id, user_id in rows:
        people[(kind, scope_id)].add(user_id)
    return people
