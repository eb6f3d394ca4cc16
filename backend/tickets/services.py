"""Tickets (随手拍): reporting with photos, the closed loop (accept → assign → work → reply →
rate or reopen), "me too", nearby duplicates and hotline intake.

Who may do what (outside the estate's scope 404, a member without the role 403, the right
person at the wrong moment 409 naming what is allowed now): see ``rules.STEPS``; owners must be
verified to report or say "me too"; only the reporter rates or reopens.
"""

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from backend.accounts.models import Membership, User
from backend.accounts.roles import ROLE_LABELS, Role, ScopeKind
from backend.accounts.scope import get_estate_for, roles_on_estate
from backend.common import storage
from backend.common.clock import as_utc, utcnow
from backend.common.masking import mask_name
from backend.common.pagination import Page, paginate
from backend.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from backend.extensions import db
from backend.outbox import services as outbox
from backend.places.models import Building, Estate
from backend.tickets import photos, rules
from backend.tickets.models import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    Level,
    Ticket,
    TicketEvent,
    TicketPhoto,
    TicketSupporter,
)
from backend.tickets.models import TicketStatus as S

MAX_PHOTOS = 9
NEARBY_METERS = 50
NEARBY_DAYS = 14
NEARBY_LIMIT = 20
ASSIGNED_TOPIC = "ticket.assigned"
SYSTEM_LABEL = "系统"
# Most specific first: a committee chair who is also an admin acts as the chair.
_LABEL_ORDER = (
    Role.PROPERTY_MANAGER,
    Role.COMMITTEE_CHAIR,
    Role.COMMITTEE_MEMBER,
    Role.AUDITOR,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
    Role.OWNER,
)


# -- people and labels ----------------------------------------------------------------------


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.real_name or user.display_name or user.username or "用户"


def actor_label(user: User, roles: set[str]) -> str:
    """How an event names its actor: the role they acted in and a masked name."""
    role = next((r for r in _LABEL_ORDER if r in roles), None)
    if role == Role.OWNER or role is None:
        return f"业主 {mask_name(person_name(user))}"
    return f"{ROLE_LABELS[Role(role)]} {mask_name(person_name(user))}"


def _roles(user: User, estate: Estate) -> set[str]:
    return set(roles_on_estate(user, estate))


# -- photos --------------------------------------------------------------------------------


def upload_photo(user: User, estate_id: int, data: bytes) -> TicketPhoto:
    """Check, re-encode (no EXIF, orientation applied) and store a photo for a ticket or a
    reply; it stays the uploader's own until a ticket or an event uses it.

    :raises PayloadTooLarge: over the size or pixel limit, or a decompression bomb.
    :raises UnsupportedMediaType: not a JPEG, PNG or WebP image.
    """
    estate = get_estate_for(user, estate_id)
    cfg = current_app.config
    processed = photos.process(
        data,
        max_bytes=cfg["TICKET_PHOTO_MAX_MB"] * 1024 * 1024,
        max_pixels=cfg["TICKET_PHOTO_MAX_PIXELS"],
    )
    key, sha256 = storage.put(processed.full, ".jpg", "image/jpeg")
    thumb_key, _ = storage.put(processed.thumb, ".jpg", "image/jpeg")
    photo = TicketPhoto(
        estate_id=estate.id,
        uploaded_by_id=user.id,
        storage_key=key,
        thumb_key=thumb_key,
        sha256=sha256,
        width=processed.width,
        height=processed.height,
        size=len(processed.full),
    )
    db.session.add(photo)
    db.session.commit()
    return photo


def photo_for(user: User, photo_id: int) -> TicketPhoto:
    """A photo the user may see: their own upload, or one on a ticket they can see.

    :raises NotFound: otherwise.
    """
    photo = db.session.get(TicketPhoto, photo_id)
    if photo is None:
        raise NotFound("照片不存在或您无权查看")
    if photo.ticket_id is None:
        if photo.uploaded_by_id != user.id:
            raise NotFound("照片不存在或您无权查看")
    else:
        get_estate_for(user, photo.estate_id)
    return photo


def _claim_photos(user: User, estate_id: int, photo_ids, minimum: int) -> list[TicketPhoto]:
    """Lock the caller's unattached uploads named in ``photo_ids`` for attaching.

    :raises ValidationFailed: too few or too many, repeated, not the caller's, another
        estate's, or already used.
    """
    ids = list(photo_ids or [])
    if len(ids) < minimum or len(ids) > MAX_PHOTOS:
        need = f"请上传 {minimum}–{MAX_PHOTOS} 张照片" if minimum else f"最多 {MAX_PHOTOS} 张照片"
        raise ValidationFailed(need, fields={"photo_ids": [need]})
    if len(set(ids)) != len(ids):
        raise ValidationFailed(fields={"photo_ids": ["照片重复"]})
    found = db.session.scalars(
        select(TicketPhoto)
        .where(
            TicketPhoto.id.in_(ids),
            TicketPhoto.uploaded_by_id == user.id,
            TicketPhoto.estate_id == estate_id,
            TicketPhoto.ticket_id.is_(None),
        )
        .order_by(TicketPhoto.id)
        .with_for_update()
    ).all()
    if len(found) != len(ids):
        message = "照片不存在、已被使用或不是您在本小区上传的"
        raise ValidationFailed(message, fields={"photo_ids": [message]})
    by_id = {p.id: p for p in found}
    return [by_id[i] for i in ids]


def _attach(photos_: list[TicketPhoto], ticket: Ticket, event: TicketEvent) -> None:
    for photo in photos_:
        photo.ticket_id, photo.event_id = ticket.id, event.id


# -- reporting -------------------------------------------------------------------------------


def _location(estate: Estate, args: dict) -> dict:
    """The checked location fields of a new ticket.

    :raises ValidationFailed: another estate's building, half a map point or coordinate pair.
    """
    errors = {}
    building_id = args.get("building_id")
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None or building.estate_id != estate.id:
            errors["building_id"] = ["楼栋不属于该小区"]
    for a, b, message in (
        ("map_x", "map_y", "地图位置需同时提供横、纵坐标"),
        ("lat", "lng", "经纬度需同时提供"),
    ):
        if (args.get(a) is None) != (args.get(b) is None):
            errors[a if args.get(a) is None else b] = [message]
    if errors:
        raise ValidationFailed(fields=errors)
    lat, lng = args.get("lat"), args.get("lng")
    return {
        "building_id": building_id,
        "location_text": args.get("location_text") or "",
        "map_x": args.get("map_x"),
        "map_y": args.get("map_y"),
        "lat_e6": round(lat * 1_000_000) if lat is not None else None,
        "lng_e6": round(lng * 1_000_000) if lng is not None else None,
    }


def _new_ticket(estate: Estate, category: str, channel: str, description: str, now, **fields):
    accept_h, reply_h = rules.hours_for(estate.county_id, category)
    ticket = Ticket(
        estate_id=estate.id,
        community_id=estate.community_id,
        township_id=estate.township_id,
        county_id=estate.county_id,
        property_company_id=estate.property_company_id,
        category=category,
        channel=channel,
        description=description,
        status=S.SUBMITTED,
        accept_due_at=now + timedelta(hours=accept_h),
        reply_due_at=now + timedelta(hours=reply_h),
        created_at=now,
        updated_at=now,
        **fields,
    )
    ticket.escalate_at = ticket.accept_due_at
    db.session.add(ticket)
    db.session.flush()
    return ticket


def _event(
    ticket: Ticket, kind: str, label: str, actor_id=None, note=None, from_status=None, now=None
):
    event = TicketEvent(
        ticket_id=ticket.id,
        estate_id=ticket.estate_id,
        kind=kind,
        from_status=from_status,
        to_status=ticket.status,
        actor_id=actor_id,
        actor_label=label,
        note=note,
        escalation_level=ticket.escalation_level,
        created_at=now or utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event


def report(user: User, estate_id: int, args: dict) -> Ticket:
    """File a ticket with 1–9 of the caller's uploaded photos.

    Owners report from the mini-program and must be verified; handlers and officers may
    enter a report heard in the group chat or at the desk (channel group_chat / console).
    A retried post with the same ``client_token`` returns the ticket already filed.

    :raises Forbidden: not a verified owner nor staff of the estate, or an owner naming a channel.
    :raises ValidationFailed: photos, building or location wrong.
    """
    estate = get_estate_for(user, estate_id)
    roles = _roles(user, estate)
    channel = args.get("channel") or "miniprogram"
    if channel == "miniprogram":
        if Role.OWNER not in roles:
            raise Forbidden("只有已认证的业主可以随手拍，请先认证房屋", code="owner_not_verified")
    elif not roles & set(rules.STAFF_ENTRY_ROLES):
        raise Forbidden("只有工作人员可以代为登记群聊或后台收到的问题")
    token = args.get("client_token")
    if token and (existing := _by_token(user.id, token)):
        return existing
    location = _location(estate, args)
    try:
        photos_ = _claim_photos(user, estate.id, args.get("photo_ids"), minimum=1)
    except ValidationFailed:
        # The same post, retried while the first was being written, finds its photos taken.
        db.session.rollback()
        if token and (existing := _by_token(user.id, token)):
            return existing
        raise
    now = utcnow()
    ticket = _new_ticket(
        estate,
        args["category"],
        channel,
        args["description"],
        now,
        reporter_id=user.id,
        client_token=token,
        photo_count=len(photos_),
        **location,
    )
    event = _event(ticket, "created", actor_label(user, roles), user.id, now=now)
    _attach(photos_, ticket, event)
    return _commit_new(ticket, user.id, token)


def _by_token(user_id: int, token: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).where(Ticket.reporter_id == user_id, Ticket.client_token == token)
    )


def _commit_new(ticket: Ticket, user_id: int, token: str | None) -> Ticket:
    ticket_id = ticket.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if token and (existing := _by_token(user_id, token)):
            return existing
        raise
    return db.session.get(Ticket, ticket_id)


def report_hotline(staff: User, estate_id: int, args: dict) -> Ticket:
    """Enter a 12345 hotline case into the loop; its case number is unique per county.

    :raises Forbidden: not community, township or county staff over the estate.
    :raises Conflict: the county already has this case number (code duplicate_case_no).
    """
    estate = get_estate_for(staff, estate_id)
    roles = _roles(staff, estate)
    if not roles & set(rules.HOTLINE_ROLES):
        raise Forbidden("只有社区、街道或住建局工作人员可以录入热线工单")
    case_no = args["hotline_case_no"].strip()
    if _case_taken(estate.county_id, case_no):
        raise _duplicate_case(case_no)
    location = _location(estate, args)
    now = utcnow()
    ticket = _new_ticket(
        estate,
        args["category"],
        "hotline",
        args["description"],
        now,
        hotline_case_no=case_no,
        caller_name=args.get("caller_name") or None,
        caller_phone=args.get("caller_phone") or None,
        entered_by_id=staff.id,
        **location,
    )
    _event(
        ticket,
        "created",
        actor_label(staff, roles),
        staff.id,
        note=f"12345 工单 {case_no}",
        now=now,
    )
    ticket_id = ticket.id
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if _case_taken(estate.county_id, case_no):
            raise _duplicate_case(case_no) from exc
        raise
    return db.session.get(Ticket, ticket_id)


def _case_taken(county_id: int, case_no: str) -> bool:
    return (
        db.session.scalar(
            select(Ticket.id).where(
                Ticket.county_id == county_id, Ticket.hotline_case_no == case_no
            )
        )
        is not None
    )


def _duplicate_case(case_no: str) -> Conflict:
    message = f"热线工单号 {case_no} 已录入过，请勿重复录入"
    return Conflict(message, fields={"hotline_case_no": [message]}, code="duplicate_case_no")


# -- reading -------------------------------------------------------------------------------


def _ticket(user: User, ticket_id: int, lock: bool = False) -> tuple[Ticket, set[str]]:
    """A ticket the user may see, with the user's roles on its estate.

    :raises NotFound: no such ticket, or outside the user's scope.
    """
    query = select(Ticket).where(Ticket.id == ticket_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    ticket = db.session.scalar(query)
    if ticket is None:
        raise NotFound("工单不存在或您无权查看")
    estate = get_estate_for(user, ticket.estate_id)
    return ticket, _roles(user, estate)


def _list_options(query):
    return query.options(
        selectinload(Ticket.estate), selectinload(Ticket.building), selectinload(Ticket.reporter)
    )


def decorate(tickets: list[Ticket], user: User, now: datetime | None = None) -> list[Ticket]:
    """Attach what the list schema shows beyond columns, in two queries for the whole page:
    the cover photo and whether the viewer said "me too"."""
    now = now or utcnow()
    ids = [t.id for t in tickets]
    covers, supported = {}, set()
    if ids:
        covers = dict(
            db.session.execute(
                select(TicketPhoto.ticket_id, func.min(TicketPhoto.id))
                .where(TicketPhoto.ticket_id.in_(ids))
                .group_by(TicketPhoto.ticket_id)
            ).all()
        )
        supported = set(
            db.session.scalars(
                select(TicketSupporter.ticket_id).where(
                    TicketSupporter.ticket_id.in_(ids), TicketSupporter.user_id == user.id
                )
            )
        )
    for t in tickets:
        t.viewer_id = user.id
        t.cover_photo_id = covers.get(t.id)
        t.i_support = t.id in supported
        t.now = now
    return tickets


def page_of(query, user: User, page: int, page_size: int) -> Page:
    result = paginate(_list_options(query), page, page_size)
    decorate(result.items, user)
    return result


def list_for_estate(
    user: User, estate_id: int, status=None, category=None, mine=False, page=1, page_size=20
) -> Page:
    """The estate's tickets, newest first: owners see them all (reporters masked)."""
    estate = get_estate_for(user, estate_id)
    query = select(Ticket).where(Ticket.estate_id == estate.id)
    if status:
        query = query.where(Ticket.status == status)
    if category:
        query = query.where(Ticket.category == category)
    if mine:
        query = query.where(Ticket.reporter_id == user.id)
    return page_of(query.order_by(Ticket.id.desc()), user, page, page_size)


def list_mine(user: User, page=1, page_size=20) -> Page:
    """Tickets I reported or support, newest first."""
    supported = select(TicketSupporter.ticket_id).where(TicketSupporter.user_id == user.id)
    query = select(Ticket).where(or_(Ticket.reporter_id == user.id, Ticket.id.in_(supported)))
    return page_of(query.order_by(Ticket.id.desc()), user, page, page_size)


def overdue_clause(now: datetime):
    return or_(
        and_(Ticket.status == S.SUBMITTED, Ticket.accept_due_at < now),
        and_(Ticket.status.in_([S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS]), Ticket.reply_due_at < now),
    )


def handled_by(user: User):
    """A WHERE clause: tickets the user handles at their current rung (or is assigned)."""
    places = {kind: [] for kind in ScopeKind}
    conditions = [Ticket.assignee_id == user.id]
    for m in user.memberships:
        places[ScopeKind(m.scope_kind)].append((m.role, m.scope_id))
    column = {
        ScopeKind.ESTATE: Ticket.estate_id,
        ScopeKind.COMMUNITY: Ticket.community_id,
        ScopeKind.TOWNSHIP: Ticket.township_id,
        ScopeKind.COUNTY: Ticket.county_id,
    }
    for rung, roles in rules.RUNG_ROLES.items():
        for kind, col in column.items():
            ids = [scope_id for role, scope_id in places[kind] if role in roles]
            if ids:
                conditions.append(and_(col.in_(ids), Ticket.escalation_level >= rung))
    return or_(*conditions)


def list_work(user: User, status=None, estate_id=None, overdue=False, page=1, page_size=20) -> Page:
    """Tickets the user may handle now, the nearest deadline first."""
    now = utcnow()
    query = select(Ticket).where(handled_by(user))
    query = (
        query.where(Ticket.status == status)
        if status
        else query.where(Ticket.status.in_(HANDLING_STATUSES))
    )
    if estate_id:
        query = query.where(Ticket.estate_id == estate_id)
    if overdue:
        query = query.where(overdue_clause(now))
    deadline = case((Ticket.status == S.SUBMITTED, Ticket.accept_due_at), else_=Ticket.reply_due_at)
    return page_of(query.order_by(deadline, Ticket.id), user, page, page_size)


def detail(user: User, ticket_id: int) -> Ticket:
    """One ticket with its photos, its history and what the user may do with it now."""
    ticket, roles = _ticket(user, ticket_id)
    return _detail(ticket, user, roles)


def _detail(ticket: Ticket, user: User, roles: set[str]) -> Ticket:
    ticket = db.session.scalar(
        _list_options(select(Ticket))
        .where(Ticket.id == ticket.id)
        .options(
            selectinload(Ticket.events).selectinload(TicketEvent.photos),
            selectinload(Ticket.assignee),
        )
        .execution_options(populate_existing=True)
    )
    now = utcnow()
    decorate([ticket], user, now)
    ticket.allowed_actions = rules.allowed_actions(ticket, user.id, roles, now)
    deadline = rules.feedback_deadline(ticket)
    ticket.reopen_deadline = deadline if ticket.status == S.REPLIED else None
    ticket.can_rate = (
        ticket.status == S.REPLIED and ticket.reporter_id == user.id and now <= deadline
    )
    ticket.can_reopen = "reopen" in ticket.allowed_actions
    ticket.can_support = (
        ticket.status in OPEN_STATUSES and ticket.reporter_id != user.id and Role.OWNER in roles
    )
    created = next((e for e in ticket.events if e.kind == "created"), None)
    ticket.photos = created.photos if created else []
    ticket.assignees = _assignees(ticket) if "assign" in ticket.allowed_actions else []
    return ticket


def _assignees(ticket: Ticket) -> list[dict]:
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.estate_id == ticket.estate_id, Membership.role.in_(rules.ASSIGNEE_ROLES))
        .order_by(User.id)
    ).all()
    seen, people = set(), []
    for person, role in rows:
        if person.id not in seen:
            seen.add(person.id)
            people.append(
                {
                    "id": person.id,
                    "label": f"{ROLE_LABELS[Role(role)]} {mask_name(person_name(person))}",
                }
            )
    return people


# -- the loop ------------------------------------------------------------------------------


def transition(user: User, ticket_id: int, args: dict) -> Ticket:
    """Take one step of the loop (see rules.STEPS).

    :raises Forbidden: the user may never take this action on this ticket at its rung.
    :raises InvalidTransition: not from the ticket's state (``fields.allowed`` lists what is).
    :raises ValidationFailed: a required note, reason, assignee or original ticket is missing
        or wrong.
    """
    action = args["action"]
    ticket, roles = _ticket(user, ticket_id, lock=True)
    step = rules.STEPS[action]
    if not rules.may_act(action, ticket, user.id, roles):
        raise Forbidden(_forbidden_message(action, ticket))
    now = utcnow()
    allowed = rules.allowed_actions(ticket, user.id, roles, now)
    if action not in allowed:
        raise _invalid(action, ticket, allowed)
    before = ticket.status
    note = (args.get("note") or "").strip() or None
    photos_ = (
        _claim_photos(user, ticket.estate_id, args.get("photo_ids"), 0) if action == "reply" else []
    )
    _apply(action, ticket, args, note, now)
    ticket.status = step.target
    ticket.updated_at = now
    ticket.escalate_at = rules.next_escalation(ticket)
    label = actor_label(user, roles)
    event = _event(
        ticket,
        step.event,
        label,
        user.id,
        note=_event_note(action, ticket, note),
        from_status=before,
        now=now,
    )
    _attach(photos_, ticket, event)
    if action == "assign" and ticket.assignee_id != user.id:
        _notify_person(ticket.assignee_id, event, ticket)
    db.session.commit()
    return _detail(ticket, user, roles)


def _forbidden_message(action: str, ticket: Ticket) -> str:
    if rules.actor_kind(action) == rules.REPORTER:
        return "只有提交人可以申请重新办理"
    level = Level(ticket.escalation_level)
    if level == Level.PROPERTY:
        return "该工单由物业处理，尚未升级"
    return "您不是该工单当前的承办人"


def _invalid(action: str, ticket: Ticket, allowed: list[str]) -> InvalidTransition:
    from backend.tickets.models import STATUS_LABELS

    label = rules.STEPS[action].label
    if action == "reopen" and ticket.status == S.REPLIED:
        message = f"已超过 {current_app.config['TICKET_FEEDBACK_DAYS']} 天，不能再申请重新办理"
    else:
        message = f"工单当前为“{STATUS_LABELS[S(ticket.status)]}”，不能{label}"
    return InvalidTransition(message, fields={"status": ticket.status, "allowed": allowed})


def _require_text(value: str | None, field: str, message: str) -> str:
    if not value:
        raise ValidationFailed(message, fields={field: [message]})
    return value


def _apply(action: str, ticket: Ticket, args: dict, note: str | None, now: datetime) -> None:
    """What each action changes beyond the status."""
    if action == "accept":
        ticket.accepted_at = now
        if now > as_utc(ticket.accept_due_at):
            ticket.missed_deadline = True
    elif action == "assign":
        ticket.assignee_id = _assignee(ticket, args.get("assignee_id"))
    elif action == "reply":
        _require_text(note, "note", "请填写办理结果")
        if now > as_utc(ticket.reply_due_at):
            ticket.missed_deadline = True
        ticket.replied_at = now
    elif action == "reject":
        reason = (args.get("reason") or note or "").strip()
        ticket.reject_reason = _require_text(reason, "reason", "请填写不予受理的原因")
        ticket.closed_at = now
    elif action == "duplicate":
        ticket.duplicate_of_id = _original(ticket, args.get("duplicate_of_id")).id
        ticket.closed_at = now
        if ticket.reporter_id:
            _add_supporter(ticket.duplicate_of_id, ticket.reporter_id)
    elif action == "reopen":
        _require_text(note, "note", "请说明不满意的原因")
        ticket.reopen_count += 1
        _, reply_h = rules.hours_for(ticket.county_id, ticket.category)
        ticket.reply_due_at = now + timedelta(hours=reply_h)


def _event_note(action: str, ticket: Ticket, note: str | None) -> str | None:
    if action == "reject":
        return ticket.reject_reason
    if action == "duplicate":
        return f"与工单 #{ticket.duplicate_of_id} 重复" + (f"：{note}" if note else "")
    if action == "assign" and ticket.assignee is not None:
        return f"转交 {mask_name(person_name(ticket.assignee))}" + (f"：{note}" if note else "")
    return note


def _assignee(ticket: Ticket, assignee_id: int | None) -> int:
    if assignee_id is None:
        raise ValidationFailed("请选择承办人", fields={"assignee_id": ["请选择承办人"]})
    eligible = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == assignee_id,
            Membership.estate_id == ticket.estate_id,
            Membership.role.in_(rules.ASSIGNEE_ROLES),
        )
    )
    if eligible is None:
        message = "承办人须为本小区的物业项目经理或业委会委员"
        raise ValidationFailed(message, fields={"assignee_id": [message]})
    ticket.assignee = db.session.get(User, assignee_id)
    return assignee_id


def _original(ticket: Ticket, original_id: int | None) -> Ticket:
    original = db.session.get(Ticket, original_id) if original_id else None
    if (
        original is None
        or original.id == ticket.id
        or original.estate_id != ticket.estate_id
        or original.status not in OPEN_STATUSES
    ):
        message = "请填写本小区另一件未办结工单的编号"
        raise ValidationFailed(message, fields={"duplicate_of_id": [message]})
    return original


def rate(user: User, ticket_id: int, rating: int, comment: str | None) -> Ticket:
    """The reporter rates the handling; the ticket is closed.

    :raises Forbidden: not the reporter.
    :raises InvalidTransition: not replied, or the rating window has passed.
    """
    ticket, roles = _ticket(user, ticket_id, lock=True)
    if ticket.reporter_id != user.id:
        raise Forbidden("只有提交人可以评价")
    now = utcnow()
    if ticket.status != S.REPLIED:
        raise InvalidTransition(
            "工单尚未反馈结果或已办结，不能评价",
            fields={
                "status": ticket.status,
                "allowed": rules.allowed_actions(ticket, user.id, roles, now),
            },
        )
    if now > rules.feedback_deadline(ticket):
        raise InvalidTransition("已超过评价期限", fields={"status": ticket.status, "allowed": []})
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment or None, now
    _close(ticket, "rated", now)
    note = f"{rating} 星" + (f"：{comment}" if comment else "")
    _event(
        ticket,
        "rated",
        actor_label(user, roles),
        user.id,
        note=note,
        from_status=S.REPLIED,
        now=now,
    )
    db.session.commit()
    return _detail(ticket, user, roles)


def _close(ticket: Ticket, reason: str, now: datetime) -> None:
    ticket.status = S.CLOSED
    ticket.close_reason = reason
    ticket.closed_at = ticket.updated_at = now
    ticket.escalate_at = None


def support(user: User, ticket_id: int) -> Ticket:
    """ "Me too": a verified owner of the estate joins an open ticket instead of filing again.

    :raises Forbidden: not a verified owner there.
    :raises Conflict: own ticket, already supported (already_supported), or no longer open.
    """
    ticket, roles = _ticket(user, ticket_id, lock=True)
    if Role.OWNER not in roles:
        raise Forbidden("只有已认证的业主可以附议", code="owner_not_verified")
    if ticket.reporter_id == user.id:
        raise Conflict("这是您自己提交的工单")
    if ticket.status not in OPEN_STATUSES:
        raise Conflict("工单已办结，不能再附议")
    if db.session.get(TicketSupporter, (ticket.id, user.id)):
        raise Conflict("您已附议过该工单", code="already_supported")
    _add_supporter(ticket.id, user.id)
    _event(ticket, "supported", actor_label(user, roles), user.id)
    db.session.commit()
    return _detail(ticket, user, roles)


def withdraw_support(user: User, ticket_id: int) -> Ticket:
    """Take back a "me too".

    :raises Conflict: the user had not supported it.
    """
    ticket, roles = _ticket(user, ticket_id, lock=True)
    row = db.session.get(TicketSupporter, (ticket.id, user.id))
    if row is None:
        raise Conflict("您尚未附议该工单", code="not_supported")
    db.session.delete(row)
    ticket.supporter_count -= 1
    db.session.commit()
    return _detail(ticket, user, roles)


def _add_supporter(ticket_id: int, user_id: int) -> None:
    if db.session.get(TicketSupporter, (ticket_id, user_id)) is None:
        db.session.add(TicketSupporter(ticket_id=ticket_id, user_id=user_id))
        db.session.execute(
            Ticket.__table__.update()
            .where(Ticket.id == ticket_id)
            .values(supporter_count=Ticket.supporter_count + 1)
        )
        db.session.expire_all()


def _notify_person(user_id: int | None, event: TicketEvent, ticket: Ticket) -> None:
    """A subscribe message to the person now holding the ticket (if a template is set)."""
    if user_id and current_app.config["TICKET_TEMPLATE_ID"]:
        outbox.add_for_person(ASSIGNED_TOPIC, event.id, user_id, ticket.estate_id)


# -- nearby duplicates ---------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def nearby(
    user: User, estate_id: int, category: str, building_id=None, lat=None, lng=None
) -> list[Ticket]:
    """Open tickets of the category from the last 14 days in the same building or within
    50 m, nearest first (then newest), offered before a new report is filed.

    :raises ValidationFailed: neither a building nor a coordinate pair given.
    """
    estate = get_estate_for(user, estate_id)
    if building_id is None and (lat is None or lng is None):
        message = "请选择楼栋或提供位置"
        raise ValidationFailed(message, fields={"building_id": [message]})
    since = utcnow() - timedelta(days=NEARBY_DAYS)
    where = []
    if building_id is not None:
        where.append(Ticket.building_id == building_id)
    if lat is not None and lng is not None:
        # A box a little larger than the circle, on the indexed integers; then the exact test.
        dlat = NEARBY_METERS / 111_000 * 1.1
        dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
        where.append(
            and_(
                Ticket.lat_e6.between(round((lat - dlat) * 1e6), round((lat + dlat) * 1e6)),
                Ticket.lng_e6.between(round((lng - dlng) * 1e6), round((lng + dlng) * 1e6)),
            )
        )
    candidates = db.session.scalars(
        _list_options(select(Ticket))
        .where(
            Ticket.estate_id == estate.id,
            Ticket.category == category,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.created_at >= since,
            or_(*where),
        )
        .order_by(Ticket.id.desc())
        .limit(200)
    ).all()

    def metres(t: Ticket) -> float | None:
        if lat is None or t.lat_e6 is None:
            return None
        return distance_m(lat, lng, t.lat_e6 / 1e6, t.lng_e6 / 1e6)

    found = []
    for t in candidates:
        d = metres(t)
        same_building = building_id is not None and t.building_id == building_id
        if same_building or (d is not None and d <= NEARBY_METERS):
            t.distance_m = round(d) if d is not None else None
            found.append(t)
    found.sort(key=lambda t: (t.distance_m is None, t.distance_m or 0, -t.id))
    return decorate(found[:NEARBY_LIMIT], user)
