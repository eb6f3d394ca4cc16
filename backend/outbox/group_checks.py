"""Checking a group chat from the phone or the console: a test message sent through the
outbox (so it takes the real delivery path to the group, retries and rate limits included),
and the group's liveness (常态化运行): what reached it in the last 30 days, how many members
it has, when it last heard anything."""

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, func, select

from backend.access.models import Membership
from backend.access.roles import GROUP_CHAT_ROLES, Role
from backend.access.scope import require_estate_role
from backend.accounts.models import User, WecomBinding
from backend.common.clock import SHANGHAI, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, InvalidTransition
from backend.extensions import db
from backend.group_chats import services as group_chats
from backend.group_chats.models import GroupChat
from backend.outbox.models import OPEN_STATUSES, OutboxMessage, OutboxStatus
from backend.places.models import Estate

TEST_TOPIC = "group.test"
# A group is active when at least one message (other than a test) reached it in this window.
WINDOW_DAYS = 30
# The Quanzhou plan's target for the share of estates whose group runs every month.
TARGET_PERCENT = 95


@unit_of_work
def send_test_message(user: User, group_id: int) -> OutboxMessage:
    """Queue a test message to the group; the delivery job sends it like any other post.

    Its subject is the row itself, so each test is a message of its own (the dedupe key of a
    group post is per subject and group).

    :raises NotFound: no such group within the user's scope.
    :raises InvalidTransition: the group is switched off.
    :raises Conflict: the last test to this group is still being sent.
    """
    group = group_chats.group_for(user, group_id)
    if not group.active:
        raise InvalidTransition("该群已停用，启用后才能发送测试消息")
    waiting = db.session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.group_chat_id == group.id,
            OutboxMessage.topic == TEST_TOPIC,
            OutboxMessage.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    )
    if waiting is not None:
        raise Conflict("上一条测试消息还在发送中，请稍后再试")
    row = OutboxMessage(
        topic=TEST_TOPIC,
        subject_id=0,
        dedupe_key=f"{TEST_TOPIC}:new:{uuid.uuid4().hex}",
        estate_id=group.estate_id,
        group_chat_id=group.id,
        payload=[],
    )
    db.session.add(row)
    db.session.flush()
    row.subject_id = row.id
    row.dedupe_key = f"{TEST_TOPIC}:{row.id}:group:{group.id}"
    db.session.flush()
    return row


@dataclass(frozen=True)
class Liveness:
    group: GroupChat
    delivered: int  # messages (tests excluded) delivered in the window
    members: int | None  # the recorded count, else owners bound to WeCom; None: neither
    members_source: str  # "recorded" | "bound_owners"
    last_activity_at: datetime | None  # the last message of any kind delivered to the group
    last_test: OutboxMessage | None

    @property
    def is_active(self) -> bool:
        return self.group.active and self.delivered > 0


def window_start(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=WINDOW_DAYS)


def estate_liveness(user: User, estate_id: int) -> dict:
    """Each of the estate's group chats with its liveness, and whether the estate counts as
    having an active group; four queries however many groups.

    :raises NotFound: outside the user's scope. :raises Forbidden: not committee/officer.
    """
    require_estate_role(user, estate_id, GROUP_CHAT_ROLES)
    groups = group_chats.list_for_estate(user, estate_id)
    since = window_start()
    delivered = dict(
        db.session.execute(
            select(OutboxMessage.group_chat_id, func.count())
            .where(
                OutboxMessage.estate_id == estate_id,
                OutboxMessage.group_chat_id.is_not(None),
                OutboxMessage.status == OutboxStatus.SENT,
                OutboxMessage.topic != TEST_TOPIC,
                OutboxMessage.sent_at > since,
            )
            .group_by(OutboxMessage.group_chat_id)
        ).all()
    )
    last = dict(
        db.session.execute(
            select(OutboxMessage.group_chat_id, func.max(OutboxMessage.sent_at))
            .where(
                OutboxMessage.estate_id == estate_id,
                OutboxMessage.group_chat_id.is_not(None),
                OutboxMessage.status == OutboxStatus.SENT,
            )
            .group_by(OutboxMessage.group_chat_id)
        ).all()
    )
    latest_test_ids = (
        select(func.max(OutboxMessage.id))
        .where(OutboxMessage.estate_id == estate_id, OutboxMessage.topic == TEST_TOPIC)
        .group_by(OutboxMessage.group_chat_id)
    )
    tests = {
        row.group_chat_id: row
        for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(latest_test_ids))
        )
    }
    bound = bound_owners(estate_id)
    items = []
    for group in groups:
        recorded = group.member_count is not None
        items.append(
            Liveness(
                group=group,
                delivered=delivered.get(group.id, 0),
                members=group.member_count if recorded else bound,
                members_source="recorded" if recorded else "bound_owners",
                last_activity_at=last.get(group.id),
                last_test=tests.get(group.id),
            )
        )
    return {
        "items": items,
        "estate_active": any(item.is_active for item in items),
        "window_days": WINDOW_DAYS,
    }


def bound_owners(estate_id: int) -> int:
    """Owners of the estate's units bound to a WeCom identity: the members the bot can count
    when nobody has recorded the group's size."""
    return int(
        db.session.scalar(
            select(func.count(func.distinct(Membership.user_id)))
            .join(WecomBinding, WecomBinding.user_id == Membership.user_id)
            .where(
                Membership.estate_id == estate_id,
                Membership.role == Role.OWNER,
                WecomBinding.wecom_userid.is_not(None),
            )
        )
        or 0
    )


# -- the dashboards' share of estates with an active group ------------------------------


@dataclass(frozen=True)
class LivenessFigures:
    estates: int
    active: int  # estates with at least one active group


def _window_end(on: date) -> datetime:
    """The end of the Shanghai day ``on``, or now if that is later than now."""
    end = datetime.combine(on + timedelta(days=1), time(), tzinfo=SHANGHAI)
    return min(end.astimezone(UTC), utcnow())


def _active_estate_ids():
    """The ids of estates with a switched-on group that a message (not a test) reached in the
    window (``:window_start``, ``:window_end``]."""
    return (
        select(GroupChat.estate_id)
        .join(OutboxMessage, OutboxMessage.group_chat_id == GroupChat.id)
        .where(
            GroupChat.active.is_(True),
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.topic != TEST_TOPIC,
            OutboxMessage.sent_at > bindparam("window_start"),
            OutboxMessage.sent_at <= bindparam("window_end"),
        )
        .distinct()
        .subquery()
    )


def _place_column(kind: str):
    if kind not in ("county", "township", "community", "estate"):
        raise ValueError(f"unknown scope {kind!r}")
    return Estate.id if kind == "estate" else getattr(Estate, f"{kind}_id")


@functools.cache
def _figures_query(kind: str, child_kind: str):
    # Built once per process, with the place and the window bound per call: the dashboards
    # read liveness on every view (it is never cached), and building the statement and its
    # cache key cost about as much as running it.
    child = _place_column(child_kind)
    active = _active_estate_ids()
    return (
        select(child, func.count(Estate.id), func.count(active.c.estate_id))
        .outerjoin(active, active.c.estate_id == Estate.id)
        .where(_place_column(kind) == bindparam("place_id"))
        .group_by(child)
    )


def figures_by(scope: tuple[str, int], child_kind: str, on: date) -> dict[int, LivenessFigures]:
    """Estates and estates with an active group, for each place one level below ``scope``, as
    of the Shanghai date ``on``: one grouped query, however many places."""
    kind, place_id = scope
    end = _window_end(on)
    # Plain columns through the session's connection: no ORM execution path per view.
    rows = (
        db.session.connection()
        .execute(
            _figures_query(kind, child_kind),
            {
                "place_id": place_id,
                "window_start": end - timedelta(days=WINDOW_DAYS),
                "window_end": end,
            },
        )
        .all()
    )
    return {row[0]: LivenessFigures(int(row[1]), int(row[2])) for row in rows}


def figures_on(scope: tuple[str, int], on: date) -> LivenessFigures:
    """As figures_by, for the place ``scope`` itself."""
    kind, _ = scope
    return figures_by(scope, kind, on).get(scope[1], LivenessFigures(0, 0))
