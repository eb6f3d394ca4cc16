"""What the console's joint-meeting pages (四方联席会议) show and do: the meetings in scope,
filtered and paged; one meeting with its attendees by party and its items; the record form
(attendee and item rows, minutes); and the schedule of the communities in scope.

Rules and scope stay in backend.governance.meetings (outside scope: 404); this module turns
forms into the argument schema and rows into what a template prints.
"""

from datetime import date, timedelta
from math import ceil

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from backend.accounts.models import User
from backend.accounts.naming import staff_naming
from backend.common.clock import local_text
from backend.common.pagination import paginate
from backend.common.schemas import parse_day
from backend.console.forms import id_arg, load, page_arg, typed_int
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.governance.meetings import scope, services
from backend.governance.meetings.models import (
    PARTY_LABELS,
    AgendaItem,
    JointMeeting,
    MeetingAttendee,
    Party,
)
from backend.governance.meetings.schedule import last_completed, missed_last_interval, today
from backend.governance.meetings.schemas import MeetingArgs
from backend.places.models import Community, Estate, Township

LIST_PAGE_SIZE = 20
ATTENDEE_ROWS = 8  # the first four start on one party each
ITEM_ROWS = 5
ESTATES_IN_FORM = 500
ITEM_TEXT = ("title", "decision", "owner")
ITEM_IDS = ("estate_id", "ticket_id", "problem_item_id")
ITEM_FLAGS = ("is_dispute", "dispute_resolved")


def _day(value: str | None) -> date | None:
    """A filter's day; one that cannot be read, or lies outside the bounds, filters nothing."""
    try:
        return parse_day(value)
    except ValueError:
        return None


def _filters(args) -> dict:
    since, until = _day(args.get("since")), _day(args.get("until"))
    return {
        "community": id_arg(args.get("community")) or "",
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
        "disputes": "1" if args.get("disputes") == "1" else "",
    }


def communities_of(user: User) -> list[Community]:
    return list(
        db.session.scalars(
            scope.visible_communities(user).order_by(Community.township_id, Community.name)
        )
    )


def meeting_list(user: User, args) -> dict:
    """One page of the meetings in scope (community joined) and, for the page's meetings,
    their item counts in one grouped query."""
    filters = _filters(args)
    page = page_arg(args.get("page"))
    query = scope.visible_meetings(user).options(joinedload(JointMeeting.community))
    if filters["community"]:
        query = query.where(JointMeeting.community_id == filters["community"])
    if filters["since"]:
        query = query.where(JointMeeting.held_on >= parse_day(filters["since"]))
    if filters["until"]:
        query = query.where(JointMeeting.held_on <= parse_day(filters["until"]))
    if filters["disputes"]:
        disputed = select(AgendaItem.meeting_id).where(AgendaItem.is_dispute)
        query = query.where(JointMeeting.id.in_(disputed))
    query = query.order_by(JointMeeting.held_on.desc(), JointMeeting.id.desc())
    result = paginate(query, page, LIST_PAGE_SIZE)
    ids = [m.id for m in result.items]
    counts = {
        meeting_id: (items, decided, disputes, resolved)
        for meeting_id, items, decided, disputes, resolved in db.session.execute(
            select(
                AgendaItem.meeting_id,
                func.count(),
                func.count(case((AgendaItem.decision != "", 1))),
                func.count(case((AgendaItem.is_dispute, 1))),
                func.count(case((AgendaItem.dispute_resolved, 1))),
            )
            .where(AgendaItem.meeting_id.in_(ids))
            .group_by(AgendaItem.meeting_id)
        )
    }
    rows = []
    for m in result.items:
        items, decided, disputes, resolved = counts.get(m.id, (0, 0, 0, 0))
        rows.append(
            {
                "id": m.id,
                "held_on": m.held_on.isoformat(),
                "community": m.community.name,
                "topic": m.topic,
                "item_count": items,
                "decided": decided,
                "disputes": f"{resolved}/{disputes}" if disputes else "—",
            }
        )
    return {
        "filters": filters,
        "query": {k: v for k, v in filters.items() if v},
        "result": result,
        "pages": max(1, ceil(result.total / LIST_PAGE_SIZE)),
        "communities": communities_of(user),
        "rows": rows,
    }


def meeting_page(user: User, meeting_id: int) -> dict:
    """:raises NotFound: no such meeting, or outside the user's scope."""
    scope.supervised_meeting(user, meeting_id)
    meeting = db.session.scalar(
        select(JointMeeting)
        .where(JointMeeting.id == meeting_id)
        .options(
            joinedload(JointMeeting.community),
            selectinload(JointMeeting.attendees).joinedload(MeetingAttendee.estate),
            selectinload(JointMeeting.items).joinedload(AgendaItem.estate),
            selectinload(JointMeeting.minutes),
        )
        .execution_options(populate_existing=True)
    )
    by_party = {p: [a for a in meeting.attendees if a.party == p] for p in Party}
    on = today()
    doers = {i.done_by_id for i in meeting.items if i.done_by_id}
    names = {
        u.id: staff_naming().name(u)
        for u in (db.session.scalars(select(User).where(User.id.in_(doers))) if doers else [])
    }
    items = [
        {
            "item": i,
            "overdue": services.is_overdue(i, on),
            "done_at": local_text(i.done_at),
            "done_by": names.get(i.done_by_id, ""),
        }
        for i in meeting.items
    ]
    return {
        "meeting": meeting,
        "parties": [(PARTY_LABELS[p], by_party[p]) for p in Party],
        "items": items,
        "recorded_at": local_text(meeting.created_at),
    }


def form_page(user: User) -> dict:
    communities = communities_of(user)
    estates = db.session.scalars(
        select(Estate)
        .where(Estate.community_id.in_(scope.community_ids(user)))
        .order_by(Estate.community_id, Estate.name)
        .limit(ESTATES_IN_FORM)
    ).all()
    return {
        "communities": communities,
        "estates": estates,
        "parties": PARTY_LABELS,
        "default_parties": list(Party),
        "attendee_rows": range(ATTENDEE_ROWS),
        "item_rows": range(ITEM_ROWS),
        "today": today().isoformat(),
    }


def _attendee_filled(form, n: int) -> bool:
    return any(form.get(f"attendees-{n}-{k}", "").strip() for k in ("name", "post"))


def _item_filled(form, n: int) -> bool:
    return any(form.get(f"items-{n}-{k}", "").strip() for k in ITEM_TEXT)


def _optional_id(value: str):
    return typed_int(value) if (value or "").strip() else None


def _attendee(form, n: int) -> dict:
    prefix = f"attendees-{n}-"
    return {
        "party": form.get(f"{prefix}party", ""),
        "name": form.get(f"{prefix}name", ""),
        "post": form.get(f"{prefix}post", ""),
        "estate_id": _optional_id(form.get(f"{prefix}estate_id", "")),
    }


def _item(form, n: int) -> dict:
    prefix = f"items-{n}-"
    fields = {k: form.get(f"{prefix}{k}", "") for k in ITEM_TEXT}
    fields.update({k: _optional_id(form.get(f"{prefix}{k}", "")) for k in ITEM_IDS})
    fields.update({k: form.get(f"{prefix}{k}") == "1" for k in ITEM_FLAGS})
    deadline = form.get(f"{prefix}deadline", "").strip()
    fields["deadline"] = deadline or None
    return fields


def _flat(fields: dict, rows: dict[str, list[int]]) -> dict:
    """Row errors under the form's own names (``items-<row>-<field>``); others as they are."""
    flat = {}
    for name, messages in (fields or {}).items():
        if name in rows and isinstance(messages, dict):
            for n, per_field in messages.items():
                for field, text in per_field.items():
                    flat[f"{name}-{rows[name][int(n)]}-{field}"] = text
        elif name.split(".")[0] in rows and name.count(".") == 2:
            key, n, field = name.split(".")
            flat[f"{key}-{rows[key][int(n)]}-{field}"] = messages
        else:
            flat[name] = messages
    return flat


def record(user: User, form, minutes_file) -> JointMeeting:
    """Record a meeting from the form (blank attendee and item rows skipped).

    :raises ValidationFailed, NotFound: as services.record_meeting; row errors are named by
        form row (``attendees-<row>-<field>``, ``items-<row>-<field>``).
    """
    rows = {
        "attendees": [n for n in range(ATTENDEE_ROWS) if _attendee_filled(form, n)],
        "items": [n for n in range(ITEM_ROWS) if _item_filled(form, n)],
    }
    fields = {
        "community_id": typed_int(form.get("community_id", "")),
        "held_on": form.get("held_on", ""),
        "location": form.get("location", ""),
        "topic": form.get("topic", ""),
        "attendees": [_attendee(form, n) for n in rows["attendees"]],
        "items": [_item(form, n) for n in rows["items"]],
    }
    minutes = None
    if minutes_file and minutes_file.filename:
        minutes = (minutes_file.filename, minutes_file.read())
    try:
        args = load(MeetingArgs(), fields)
        return services.record_meeting(user, args, minutes)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, fields=_flat(error.fields, rows)) from error


def schedule_page(user: User) -> dict:
    """The communities in scope with their last meeting and whether they are overdue:
    one grouped query."""
    start, end = last_completed()
    overdue = missed_last_interval()
    rows = db.session.execute(
        select(Community, Township.name, func.max(JointMeeting.held_on), overdue)
        .join(Township, Township.id == Community.township_id)
        .outerjoin(JointMeeting, JointMeeting.community_id == Community.id)
        .where(Community.id.in_(scope.community_ids(user)))
        .group_by(Community.id, Township.id)
        .order_by(Township.name, Community.name)
    ).all()
    return {
        "rows": [
            {
                "community": c,
                "township": township,
                "last": last.isoformat() if last else "",
                "overdue": bool(late),
            }
            for c, township, last, late in rows
        ],
        "overdue_count": sum(1 for *_, late in rows if late),
        "interval_start": start.isoformat(),
        "interval_last": (end - timedelta(days=1)).isoformat(),
        "today": today().isoformat(),
    }
