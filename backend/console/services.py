"""What the console shows a staff user: the estates they supervise, with their counts, and
one estate's group chats and delivery log (with the actions taken from that page)."""

from math import ceil

import marshmallow as ma
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.accounts.models import Claim, User
from backend.accounts.scope import get_estate_for, visible_estates
from backend.common.clock import local_text
from backend.common.pagination import Page, paginate
from backend.errors import DomainError, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats import services as group_chats
from backend.group_chats.models import CHANNEL_LABELS, GroupChat
from backend.group_chats.schemas import GroupChatArgs
from backend.outbox import services as outbox
from backend.outbox.models import STATUS_LABELS, OutboxMessage, OutboxStatus
from backend.places.models import Community, Estate, Unit

LOG_PAGE_SIZE = 50
MAX_PAGE = 100_000  # as the API's PageArgs: a larger offset names nothing
ERROR_PREVIEW_CHARS = 60
# Outbox topics in words; a topic missing here shows as its code rather than failing.
TOPIC_LABELS = {
    "notice.published": "公告发布",
    "notice.withdrawn": "公告撤回",
}


def supervised_estates(user: User, q: str | None, page: int, page_size: int = 50) -> dict:
    """A page of estates in the staff user's scope, with unit and pending-claim counts
    fetched in two grouped queries (never one per estate)."""
    query = visible_estates(user).options(
        joinedload(Estate.community).joinedload(Community.township)
    )
    if q:
        query = query.where(Estate.name.contains(q.strip(), autoescape=True))
    result: Page = paginate(query.order_by(Estate.township_id, Estate.name), page, page_size)
    ids = [e.id for e in result.items]
    units = dict(
        db.session.execute(
            select(Unit.estate_id, func.count())
            .where(Unit.estate_id.in_(ids))
            .group_by(Unit.estate_id)
        ).all()
    )
    pending = dict(
        db.session.execute(
            select(Claim.estate_id, func.count())
            .where(Claim.estate_id.in_(ids), Claim.status == "pending")
            .group_by(Claim.estate_id)
        ).all()
    )
    return {
        "page": result,
        "rows": [
            {"estate": e, "units": units.get(e.id, 0), "pending_claims": pending.get(e.id, 0)}
            for e in result.items
        ],
    }


# -- one estate: group chats and delivery log ----------------------------------------------


def log_filter(status: str | None, page: int | None) -> tuple[str | None, int]:
    """A delivery-log filter from the query string: unknown statuses mean all rows."""
    return (status if status in STATUS_LABELS else None), min(max(page or 1, 1), MAX_PAGE)


def estate_page(user: User, estate_id: int, status: str | None = None, page: int = 1) -> dict:
    """The estate, its group chats and one page of its delivery log, newest first.

    Constant queries whatever the number of rows: groups in one query, log rows with their
    group joined, counts grouped by status.

    :raises NotFound: no such estate, or outside the user's scope.
    """
    estate = get_estate_for(user, estate_id)
    try:
        groups = [_group_row(group) for group in group_chats.list_for_estate(user, estate_id)]
    except Forbidden:
        groups = None  # sees the estate but holds no role that manages its group chats
    status, page = log_filter(status, page)
    log = outbox.delivery_log(estate_id, status, page, LOG_PAGE_SIZE)
    counts = outbox.status_counts(estate_id)
    return {
        "estate": estate,
        "groups": groups,
        "channels": CHANNEL_LABELS,
        "status": status,
        "counts": [
            {"status": str(s), "label": label, "count": counts.get(s, 0)}
            for s, label in STATUS_LABELS.items()
        ],
        "total": sum(counts.values()),
        "log": log,
        "pages": max(1, ceil(log.total / LOG_PAGE_SIZE)),
        "rows": [_log_row(message) for message in log.items],
        "can_requeue": outbox.can_requeue(user),
    }


def _group_row(group: GroupChat) -> dict:
    # Only what may be shown: the template never receives the address, so it cannot leak it.
    return {
        "id": group.id,
        "name": group.name,
        "channel": CHANNEL_LABELS.get(group.channel, group.channel),
        "address_hint": group.address_hint,
        "active": group.active,
    }


def _log_row(message: OutboxMessage) -> dict:
    group = message.group_chat
    error = message.last_error or ""
    if group is not None and group.address in error:
        error = error.replace(group.address, group.address_hint)  # should a sender echo it
    preview = error
    if len(error) > ERROR_PREVIEW_CHARS:
        preview = error[: ERROR_PREVIEW_CHARS - 1] + "…"
    return {
        "id": message.id,
        "created": local_text(message.created_at),
        "topic": TOPIC_LABELS.get(message.topic, message.topic),
        "target": group.name if group is not None else "个人消息",
        # The parts are cut on the first send; before that there is nothing to count.
        "parts": f"{message.parts_sent}/{message.parts_total}" if message.parts_total else "—",
        "status": message.status,
        "status_label": STATUS_LABELS.get(message.status, message.status),
        "attempts": message.attempts,
        "error": error,
        "error_preview": preview,
        "dead": message.status == OutboxStatus.DEAD,
    }


def _rollback_on_failure(action):
    """Run ``action``; on a domain error drop what it left in the session, so the page
    re-rendered with the error shows the database as it is, not a half-applied change."""
    try:
        return action()
    except DomainError:
        db.session.rollback()
        raise


def add_group_chat(user: User, estate_id: int, form) -> GroupChat:
    """Register a group chat from the console form (name, channel, address).

    :raises ValidationFailed: a field is missing or malformed (messages per field).
    :raises Conflict: the address is registered already.
    :raises Forbidden: the user may not manage the estate's group chats.
    :raises NotFound: outside the user's scope.
    """
    fields = {key: form.get(key, "") for key in ("name", "channel", "address")}
    try:
        args = GroupChatArgs().load(fields)  # the API's own rules for name and channel
    except ma.ValidationError as exc:
        raise ValidationFailed(fields=exc.messages_dict) from exc
    return _rollback_on_failure(lambda: group_chats.register(user, estate_id, **args))


def set_group_active(user: User, estate_id: int, group_id: int, active: str) -> GroupChat:
    """Switch a group chat on ("1") or off ("0"): the target state, so a double click is
    harmless.

    :raises NotFound: no such group in this estate, or outside the user's scope.
    :raises Forbidden: the user may not manage the estate's group chats.
    :raises ValidationFailed: ``active`` is neither "1" nor "0".
    """
    if active not in ("0", "1"):
        raise ValidationFailed("请选择启用或停用", fields={"active": ["应为 1 或 0"]})
    group = db.session.get(GroupChat, group_id)
    if group is None or group.estate_id != estate_id:
        raise NotFound("群聊不存在")
    return _rollback_on_failure(lambda: group_chats.update(user, group_id, active=active == "1"))


def requeue_delivery(user: User, estate_id: int, outbox_id: int) -> OutboxMessage:
    """Give a dead delivery of this estate a fresh set of tries (admins only).

    :raises NotFound: the estate is outside the user's scope, or the row is not its.
    :raises Forbidden: not an admin.
    :raises InvalidTransition: the row is not dead.
    """
    get_estate_for(user, estate_id)
    # The row must be this page's estate's, not just one the user may see.
    owner = db.session.scalar(select(OutboxMessage.estate_id).where(OutboxMessage.id == outbox_id))
    if owner != estate_id:
        raise NotFound("投递记录不存在")
    return _rollback_on_failure(lambda: outbox.requeue(user, outbox_id))
