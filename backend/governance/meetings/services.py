"""Recording a joint meeting (四方联席会议) and following its decisions up.

Who: the auditor of the community, township and county officers over it (and admins); the
same people mark a decision done or a dispute resolved. Outside that scope: 404.
A meeting is recorded whole — attendees, items, minutes — or not at all (422, nothing
written). Marking twice is 409; the item's row is locked, so two people at once mark once.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import User
from backend.common import uploads
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.meetings import scope
from backend.governance.meetings.models import (
    PARTY_LABELS,
    AgendaItem,
    JointMeeting,
    MeetingAttendee,
    MeetingMinutes,
    Party,
)
from backend.governance.meetings.schedule import today
from backend.governance.problems.models import ProblemItem
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.places.models import Community, Estate, Township
from backend.tickets.models import Ticket

DECISIONS_TOPIC = "meeting.decisions"
MINUTES_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
MINUTES_KINDS = "PDF、JPG、PNG"
MINUTES_MAX_BYTES = 20 * 1024 * 1024


def _refuse(field: str, message: str):
    raise ValidationFailed(fields={field: [message]})


def _check_parties(attendees: list[dict]) -> None:
    present = {a["party"] for a in attendees}
    missing = [PARTY_LABELS[p] for p in Party if p not in present]
    if missing:
        names = "、".join(missing)
        raise ValidationFailed(
            f"四方联席会议须有四方参加，缺少：{names}",
            fields={"attendees": [f"缺少{names}的参会人员"]},
        )


def _estates_of(community: Community, args: dict) -> dict[int, Estate]:
    ids = {row["estate_id"] for key in ("attendees", "items") for row in args[key]}
    ids.discard(None)
    found = db.session.scalars(select(Estate).where(Estate.id.in_(ids))) if ids else []
    return {e.id: e for e in found if e.community_id == community.id}


def _check_places(community: Community, args: dict) -> None:
    """Estates, tickets and problems named must be of the meeting's community; an item
    linked to a ticket or problem takes its estate when none was chosen."""
    estates = _estates_of(community, args)
    for key in ("attendees", "items"):
        for n, row in enumerate(args[key]):
            if row["estate_id"] is not None and row["estate_id"] not in estates:
                _refuse(f"{key}.{n}.estate_id", "该小区不属于本社区")
    for n, item in enumerate(args["items"]):
        for field, model, what in (
            ("ticket_id", Ticket, "工单"),
            ("problem_item_id", ProblemItem, "问题清单事项"),
        ):
            if item[field] is None:
                continue
            linked = db.session.get(model, item[field])
            if linked is None or linked.community_id != community.id:
                _refuse(f"items.{n}.{field}", f"该{what}不属于本社区的小区")
            if item["estate_id"] is None:
                item["estate_id"] = linked.estate_id
            elif linked.estate_id != item["estate_id"]:
                _refuse(f"items.{n}.{field}", f"该{what}不属于所选小区")


def _check_item(item: dict, n: int, held_on) -> None:
    decided = bool(item["decision"].strip())
    if decided and not item["owner"].strip():
        _refuse(f"items.{n}.owner", "已形成决议的议题须明确责任方")
    if decided and item["deadline"] is None:
        _refuse(f"items.{n}.deadline", "已形成决议的议题须明确完成期限")
    if not decided and (item["owner"].strip() or item["deadline"] is not None):
        _refuse(f"items.{n}.decision", "填写了责任方或期限，请同时填写决议内容")
    if decided and item["deadline"] < held_on:
        _refuse(f"items.{n}.deadline", "完成期限不能早于会议日期")
    if item["dispute_resolved"] and not item["is_dispute"]:
        _refuse(f"items.{n}.dispute_resolved", "只有矛盾纠纷议题才能标记为已化解")


def _keep_minutes(minutes) -> dict:
    filename, data = minutes
    try:
        return uploads.keep(
            filename, data, MINUTES_SUFFIXES, MINUTES_KINDS, max_bytes=MINUTES_MAX_BYTES
        )
    except ValidationFailed as error:
        raise ValidationFailed(error.message, fields={"minutes": [error.message]}) from error


@unit_of_work
def record_meeting(user: User, args: dict, minutes=None) -> JointMeeting:
    """Record a meeting with its attendees, items and minutes ((filename, bytes) or None),
    as schemas.MeetingArgs; one transaction.

    :raises NotFound: the community is outside the user's scope.
    :raises ValidationFailed: a future date, one of the four parties missing, an estate,
        ticket or problem of another community, a decision without owner or deadline, bad
        minutes; item and attendee fields named ``items.<n>.<field>``.
    :raises Conflict: the community already has a meeting that day on the same topic (a
        form sent twice, also at once).
    """
    community = scope.supervised_community(user, args["community_id"])
    if args["held_on"] > today():
        _refuse("held_on", "会议日期不能晚于今天")
    _check_parties(args["attendees"])
    _check_places(community, args)
    for n, item in enumerate(args["items"]):
        _check_item(item, n, args["held_on"])
    township = db.session.get(Township, community.township_id)
    meeting = JointMeeting(
        community_id=community.id,
        township_id=township.id,
        county_id=township.county_id,
        held_on=args["held_on"],
        location=args["location"].strip(),
        topic=args["topic"].strip(),
        recorded_by_id=user.id,
    )
    db.session.add(meeting)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(
            "该社区当天已登记同一主题的联席会议，请勿重复提交", code="meeting_exists"
        ) from None
    for a in args["attendees"]:
        db.session.add(
            MeetingAttendee(
                meeting_id=meeting.id,
                party=a["party"],
                name=a["name"].strip(),
                post=a["post"].strip(),
                estate_id=a["estate_id"],
            )
        )
    rows = []
    for item in args["items"]:
        decided = bool(item["decision"].strip())
        rows.append(
            AgendaItem(
                meeting_id=meeting.id,
                estate_id=item["estate_id"],
                ticket_id=item["ticket_id"],
                problem_item_id=item["problem_item_id"],
                title=item["title"].strip(),
                is_dispute=item["is_dispute"],
                dispute_resolved=item["dispute_resolved"],
                decision=item["decision"].strip(),
                owner=item["owner"].strip() if decided else "",
                deadline=item["deadline"] if decided else None,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    _post_decisions(rows)
    if minutes:
        stored = _keep_minutes(minutes)
        db.session.add(MeetingMinutes(meeting_id=meeting.id, **stored))
    return meeting


def _post_decisions(items: list[AgendaItem]) -> None:
    """Queue the decisions that name an estate for that estate's group chats: one post per
    estate, its subject the estate's first decided item (the post lists them all)."""
    first: dict[int, int] = {}
    for item in items:
        if item.estate_id and item.decision:
            first.setdefault(item.estate_id, item.id)
    groups = active_groups(first)
    pairs = [(first[group.estate_id], group) for group in groups]
    outbox.add_once_for_each_group(DECISIONS_TOPIC, pairs)


def _locked(user: User, item_id: int, meeting_id: int | None) -> AgendaItem:
    found = scope.supervised_item(user, item_id)
    if meeting_id is not None and found.meeting_id != meeting_id:
        raise NotFound("未找到该议题，或您无权查看")
    return db.session.scalar(
        select(AgendaItem)
        .where(AgendaItem.id == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


@unit_of_work
def mark_done(user: User, item_id: int, meeting_id: int | None = None) -> AgendaItem:
    """Mark an item's decision carried out; one transaction.

    :raises NotFound: outside the user's scope (or not an item of ``meeting_id``, if given).
    :raises Conflict: no decision to carry out, or already done (also two at once).
    """
    item = _locked(user, item_id, meeting_id)
    if not item.is_decided:
        raise Conflict("该议题没有形成决议，无需落实", code="not_decided")
    if item.done_at is not None:
        raise Conflict("该决议已标记为落实", code="already_done")
    item.done_at = utcnow()
    item.done_by_id = user.id
    return item


@unit_of_work
def mark_resolved(user: User, item_id: int, meeting_id: int | None = None) -> AgendaItem:
    """Mark a dispute item resolved (化解); one transaction.

    :raises NotFound: outside the user's scope (or not an item of ``meeting_id``, if given).
    :raises Conflict: not a dispute, or already resolved.
    """
    item = _locked(user, item_id, meeting_id)
    if not item.is_dispute:
        raise Conflict("该议题不是矛盾纠纷", code="not_a_dispute")
    if item.dispute_resolved:
        raise Conflict("该矛盾纠纷已标记为化解", code="already_resolved")
    item.dispute_resolved = True
    return item


def is_overdue(item: AgendaItem, on=None) -> bool:
    """A decision not carried out after its deadline (Shanghai date)."""
    return item.is_decided and item.done_at is None and item.deadline < (on or today())


def minutes_for(user: User, minutes_id: int) -> MeetingMinutes:
    """:raises NotFound: no such file, or outside the user's scope."""
    row = db.session.get(MeetingMinutes, minutes_id)
    if row is None:
        raise NotFound("未找到该文件，或您无权查看")
    scope.supervised_meeting(user, row.meeting_id)
    return row
