"""What a delivery job does to its outbox row: lock it with what the step needs, and record
what came of the send. The job itself (sending) lives in bot/delivery.py."""

from datetime import timedelta
from functools import cache

from sqlalchemy import JSON, Text, bindparam, case, exists, func, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.outbox.models import OPEN_STATUSES, OutboxMessage, OutboxStatus
from backend.outbox.services import delivery_settings

S = OutboxStatus


def lock(outbox_id: int) -> Row | None:
    """What a delivery step needs of row ``outbox_id``, locked until the caller commits (two
    runs of one job never send at once), in one round trip (this is paid per message).

    Plain columns, not an ORM object: the step changes the row with one UPDATE
    (``part_sent``, ``defer``), and loading and flushing the object cost more CPU than the
    rest of the step. Besides the row's own columns: ``behind`` (an older message for the
    same destination is still open, so this one waits, to keep order) and its group chat's
    ``group_active``, ``group_channel``, ``group_address`` and ``group_profile`` (None for a
    personal message). The order check reads the statement's snapshot: a row that waited
    for the lock may see an older row as open that was sent meanwhile, and wait once more.

    On PostgreSQL the same statement lets the transaction's commit return before the
    database has flushed it to disk (``synchronous_commit`` off, for this transaction only).
    A delivery commits once per part sent, and waiting for the disk was a third of each
    message's time. What it risks: should the database server itself crash within
    ``wal_writer_delay`` × 3 (0.6 s by default) of such a commit, the part's counter is lost
    and the part is sent again after its lease: the same at-least-once window a killed work
    horse has. Nothing is lost: the send comes before the commit either way.
    """
    dialect = db.session.get_bind().dialect.name
    return db.session.execute(_lock_statement(dialect), {"outbox_id": outbox_id}).one_or_none()


@cache
def _lock_statement(dialect: str):
    """Built once per process: building it (an alias and two EXISTS) cost more CPU than
    running it."""
    columns = [
        OutboxMessage.id,
        OutboxMessage.topic,
        OutboxMessage.subject_id,
        OutboxMessage.group_chat_id,
        OutboxMessage.recipient_id,
        OutboxMessage.payload,
        OutboxMessage.parts_sent,
        OutboxMessage.status,
        _behind().label("behind"),
        GroupChat.active.label("group_active"),
        GroupChat.channel.label("group_channel"),
        GroupChat.address.label("group_address"),
        GroupChat.profile.label("group_profile"),
    ]
    if dialect == "postgresql":
        # SET LOCAL as a function, to save the round trip of a statement of its own.
        columns.append(func.set_config("synchronous_commit", "off", True).label("unflushed"))
    return (
        select(*columns)
        .outerjoin(GroupChat, GroupChat.id == OutboxMessage.group_chat_id)
        .where(OutboxMessage.id == bindparam("outbox_id"))
        .with_for_update(of=OutboxMessage)
    )


def _behind():
    """Whether an older message for the row's destination is still open: per group chat, or
    per recipient for personal messages (CASE evaluates only the branch it needs)."""
    older = aliased(OutboxMessage)

    def open_older(same_destination):
        return exists().where(
            same_destination, older.id < OutboxMessage.id, older.status.in_(OPEN_STATUSES)
        )

    return case(
        (
            OutboxMessage.group_chat_id.is_not(None),
            open_older(older.group_chat_id == OutboxMessage.group_chat_id),
        ),
        else_=open_older(older.recipient_id == OutboxMessage.recipient_id),
    )


def locked_row(locked: Row, payload: list) -> OutboxMessage:
    """The ORM row of ``locked`` (already locked by this transaction) carrying ``payload``,
    for the steps that are rare enough to afford it (a failure, a cancellation)."""
    row = db.session.get(OutboxMessage, locked.id)
    row.payload = payload
    return row


@unit_of_work
def release(outbox_ids: list[int]) -> None:
    """Hand rows a burst took but did not start back to the relay, due now (those still
    queued: a row another run of it has sent since stays as it is)."""
    if not outbox_ids:
        return
    now = utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.status == S.QUEUED)
        .values(status=S.PENDING, available_at=now, lease_until=None, updated_at=now)
    )


def part_sent(locked: Row, payload: list) -> str:
    """Count the next part of ``locked`` as sent (storing ``payload``, which may have been
    rendered for this send); returns the row's status now."""
    done = locked.parts_sent + 1 >= len(payload)
    now = utcnow()
    db.session.connection().execute(
        _SENT if done else _PART_SENT,
        {"row_id": locked.id, "new_payload": payload, "now": now},
    )
    return S.SENT if done else locked.status


def defer(locked: Row, seconds: float, payload: list, reason: str | None = None) -> None:
    """Back to the relay after ``seconds`` (rate limit, order): not a failed attempt."""
    now = utcnow()
    values = {
        "row_id": locked.id,
        "new_payload": payload,
        "new_available_at": now + timedelta(seconds=seconds),
        "new_reason": reason,
        "now": now,
    }
    db.session.connection().execute(_DEFER, values)


# The delivery step's UPDATEs, built once (they run for every message) and run on the
# session's connection: the step holds no ORM object of the row to keep in step.
_table = OutboxMessage.__table__
_by_id = _table.c.id == bindparam("row_id")
_PART_SENT = (
    update(_table)
    .where(_by_id)
    .values(
        parts_sent=_table.c.parts_sent + 1,
        payload=bindparam("new_payload", type_=JSON),
        updated_at=bindparam("now"),
    )
)
# The last part: the row is sent and its lease ends.
_SENT = _PART_SENT.values(status=S.SENT, sent_at=bindparam("now"), lease_until=None)
_DEFER = (
    update(_table)
    .where(_by_id)
    .values(
        status=S.PENDING,
        available_at=bindparam("new_available_at"),
        lease_until=None,
        payload=bindparam("new_payload", type_=JSON),
        last_error=func.coalesce(bindparam("new_reason", type_=Text), _table.c.last_error),
        updated_at=bindparam("now"),
    )
)


def failed(row: OutboxMessage, error: str) -> bool:
    """Count a failed try; True when another try follows, False when the row is now dead."""
    settings = delivery_settings()
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= settings["max_attempts"]:
        dead(row, row.last_error)
        return False
    wait = timedelta(seconds=settings["intervals"][row.attempts - 1])
    row.status = S.RETRYING
    row.available_at = utcnow() + wait
    row.lease_until = row.available_at + settings["lease"]
    return True


def dead(row: OutboxMessage, error: str) -> None:
    row.status = S.DEAD
    row.last_error = error[:2000]
    row.lease_until = None


def cancel(row: OutboxMessage, reason: str) -> None:
    row.status = S.CANCELLED
    row.last_error = reason
    row.lease_until = None
