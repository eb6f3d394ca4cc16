"""Writing outbox rows, handing due rows to the job queue, and the state changes a delivery
job makes. The job itself (sending) lives in bot/delivery.py."""

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import (
    and_,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from backend.access.roles import Role
from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.pagination import paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, InvalidTransition, NotFound
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.outbox import counts
from backend.outbox.models import OutboxMessage, OutboxStatus

S = OutboxStatus


def add_for_groups(topic: str, subject_id: int, groups: list[GroupChat]) -> int:
    """Queue one message per group in the caller's transaction; returns how many.

    The unique dedupe key makes a second call for the same (topic, subject, group) fail
    loudly instead of sending twice.
    """
    return add_for_each_group(topic, [(subject_id, group) for group in groups])


def add_for_each_group(topic: str, pairs: list[tuple[int, GroupChat]]) -> int:
    """Queue a message per (subject id, group) in ``pairs``, in one INSERT; as add_for_groups."""
    rows = _group_rows(topic, pairs)
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def add_once_for_groups(topic: str, subject_id: int, groups: list[GroupChat]) -> int:
    """As add_for_groups, but a (topic, subject, group) queued before is skipped rather than
    an error: an event seen twice (a job run again, a retried request) posts once. Returns
    how many rows were new."""
    return add_once_for_each_group(topic, [(subject_id, group) for group in groups])


def add_once_for_each_group(topic: str, pairs: list[tuple[int, GroupChat]]) -> int:
    """As add_for_each_group, skipping the dedupe keys already in the outbox."""
    rows = _group_rows(topic, pairs)
    if not rows:
        return 0
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxMessage)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return len(db.session.execute(statement, rows).all())


def _group_rows(topic: str, pairs: list[tuple[int, GroupChat]]) -> list[dict]:
    now = utcnow()
    return [
        {
            "topic": topic,
            "subject_id": subject_id,
            "dedupe_key": f"{topic}:{subject_id}:group:{group.id}",
            "estate_id": group.estate_id,
            "group_chat_id": group.id,
            "payload": [],
            "status": S.PENDING,
            "available_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for subject_id, group in pairs
    ]


def not_posted(topic: str, subject_id_column):
    """A WHERE clause: no row of ``topic`` was queued for the subject in ``subject_id_column``
    (indexed by topic and subject), for jobs that post each subject once."""
    return ~exists().where(
        OutboxMessage.topic == topic, OutboxMessage.subject_id == subject_id_column
    )


def add_for_person(topic: str, subject_id: int, user_id: int, estate_id: int | None) -> None:
    """Queue a personal message (mini-program subscribe message) in the caller's transaction."""
    db.session.add(
        OutboxMessage(
            topic=topic,
            subject_id=subject_id,
            dedupe_key=f"{topic}:{subject_id}:user:{user_id}",
            estate_id=estate_id,
            recipient_id=user_id,
            payload=[],
        )
    )


def add_for_people(topic: str, rows, estate_id: int | None) -> int:
    """Queue one personal message per (subject id, user id) in ``rows``, in one INSERT."""
    now = utcnow()
    values = [
        {
            "topic": topic,
            "subject_id": subject_id,
            "dedupe_key": f"{topic}:{subject_id}:user:{user_id}",
            "estate_id": estate_id,
            "recipient_id": user_id,
            "payload": [],
            "status": S.PENDING,
            "available_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for subject_id, user_id in rows
    ]
    if values:
        db.session.execute(insert(OutboxMessage), values)
    return len(values)


# -- the relay -------------------------------------------------------------------------


def delivery_settings() -> dict:
    cfg = current_app.config
    return {
        "lease": timedelta(seconds=cfg["OUTBOX_LEASE_SECONDS"]),
        "max_attempts": cfg["OUTBOX_MAX_ATTEMPTS"],
        "intervals": retry_intervals(cfg),
    }


def retry_intervals(cfg) -> list[int]:
    """Seconds to wait before each retry: base, 2×base, 4×base, … (one per retry)."""
    base = cfg["OUTBOX_RETRY_BASE_SECONDS"]
    return [base * 2**i for i in range(cfg["OUTBOX_MAX_ATTEMPTS"] - 1)]


@unit_of_work
def relay(dispatch: Callable[[list[int], list[int]], None], limit: int = 500) -> int:
    """Hand due rows to ``dispatch(new_ids, stale_ids)`` and mark them queued.

    Due: pending and retrying rows whose time has come (the relay owns the retry timing: a
    delivery burst leaves a failed row 'retrying' and goes on), and queued rows whose lease
    ran out (their job was lost: a killed worker, a flushed Redis). Rows are locked with SKIP
    LOCKED, so relays running at once split the work; if ``dispatch`` raises (Redis down),
    nothing changes and the next round tries again.
    """
    now = utcnow()
    due = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.status)
        .where(
            or_(
                and_(
                    OutboxMessage.status.in_([S.PENDING, S.RETRYING]),
                    OutboxMessage.available_at <= now,
                ),
                and_(
                    OutboxMessage.status.in_([S.QUEUED, S.RETRYING]),
                    OutboxMessage.lease_until < now,
                ),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return 0
    stale = [row.id for row in due if row.status == S.QUEUED]
    new = [row.id for row in due if row.status != S.QUEUED]
    dispatch(new, stale)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(new + stale))
        .values(status=S.QUEUED, lease_until=now + delivery_settings()["lease"], updated_at=now)
    )
    return len(due)


def due_for_embedded(limit: int = 100) -> list[int]:
    """Rows the in-process runner should deliver now (it also owns the retry timing)."""
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status.in_([S.PENDING, S.RETRYING]),
                OutboxMessage.available_at <= utcnow(),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


# -- what people see and do on the console ----------------------------------------------


def delivery_log(estate_id: int, status: str | None, page: int, page_size: int):
    """The estate's outbox rows, newest first by the time the log shows (创建时间; id breaks
    ties), optionally of one status (indexed by estate)."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.estate_id == estate_id)
        .options(joinedload(OutboxMessage.group_chat))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    return paginate(query, page, page_size)


def status_counts(estate_id: int) -> dict[str, int]:
    return counts.by_estate([estate_id]).get(estate_id, {})


def can_requeue(user: User) -> bool:
    return any(m.role == Role.ADMIN for m in user.memberships)


@unit_of_work
def requeue(user: User, outbox_id: int) -> OutboxMessage:
    """Give a dead row a fresh set of tries (admins of the row's estate only).

    :raises NotFound: no such row, or its estate is outside the user's scope.
    :raises Forbidden: not an admin.
    :raises InvalidTransition: the row is not dead.
    """
    row = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update()
    )
    if row is None or row.estate_id is None:
        raise NotFound("投递记录不存在")
    get_estate_for(user, row.estate_id)
    if not can_requeue(user):
        raise Forbidden("只有系统管理员可以重新投递")
    if row.status != S.DEAD:
        raise InvalidTransition("只有发送失败的消息可以重新投递")
    row.status = S.PENDING
    row.attempts = 0
    row.available_at = utcnow()
    row.lease_until = None
    if not row.parts_sent:
        # Rendered anew at its next try, for the group as it is then: a dead row's parts may
        # carry a mini-program URL Link that has expired since, or an old group profile.
        row.payload = []
    return row
