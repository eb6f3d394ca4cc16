"""Tickets (随手拍): reporting with photos, the closed loop (accept → assign → work → reply →
rate or reopen), "me too", nearby duplicates and hotline intake.

Who may do what (outside the estate's scope 404, a member without the role 403, the right
person at the wrong moment 409 naming what is allowed now): see ``rules.STEPS``; owners must be
verified to report or say "me too"; only the reporter rates or reopens.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.models import Membership
from backend.access.roles import Role
from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.common.clock import as_utc, utcnow
from backend.common.masking import mask_name
from backend.common.schemas import microdegrees
from backend.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from backend.extensions import db
from backend.outbox import services as outbox
from backend.places.models import Building, Estate
from backend.tickets import rules
from backend.tickets.models import (
    OPEN_STATUSES,
    Level,
    Ticket,
    TicketEvent,
    TicketSupporter,
)
from backend.tickets.models import TicketStatus as S
from backend.tickets.people import actor_label, person_name, roles_on
from backend.tickets.queries import detail_view, ticket_for
from backend.tickets.uploads import attach_photos, claim_photos

ASSIGNED_TOPIC = "ticket.assigned"


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
        "lat_e6": microdegrees(lat) if lat is not None else None,
        "lng_e6": microdegrees(lng) if lng is not None else None,
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
    roles = roles_on(user, estate)
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
        photos_ = claim_photos(user, estate.id, args.get("photo_ids"), minimum=1)
    except ValidationFailed:
        # The same post, retried while the first was being written, finds its photos taken.
        db.session.rollback()
        if token and (existing := _by_token(user.id, token)):
            return existing
        raise
    now = utcnow()
    # The same token filed meanwhile by a concurrent retry (with other photos) makes the
    # INSERT fail on the unique key: at its flush in _new_ticket, or at the commit.
    try:
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
        attach_photos(photos_, ticket, event)
        ticket_id = ticket.id
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if token and (existing := _by_token(user.id, token)):
            return existing
        raise
    return db.session.get(Ticket, ticket_id)


def _by_token(user_id: int, token: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).where(Ticket.reporter_id == user_id, Ticket.client_token == token)
    )


def report_hotline(staff: User, estate_id: int, args: dict) -> Ticket:
    """Enter a 12345 hotline case into the loop; its case number is unique per county.

    :raises Forbidden: not community, township or county staff over the estate.
    :raises Conflict: the county already has this case number (code duplicate_case_no).
    """
    estate = get_estate_for(staff, estate_id)
    roles = roles_on(staff, estate)
    if not roles & set(rules.HOTLINE_ROLES):
        raise Forbidden("只有社区、街道或住建局工作人员可以录入热线工单")
    case_no = args["hotline_case_no"].strip()
    if _case_taken(estate.county_id, case_no):
        raise _duplicate_case(case_no)
    location = _location(estate, args)
    now = utcnow()
    # A concurrent entry of the same case makes the INSERT fail on the unique key: at its
    # flush in _new_ticket, or at the commit.
    try:
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
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if _case_taken(estate.county_id, case_no):
            raise _duplicate_case(case_no) from exc
        raise
    return db.session.get(Ticket, ticket_id)


def report_external(estate_id: int, county_id: int, args: dict, client_name: str) -> Ticket:
    """File a ticket sent by an Open311 client of the county (channel open311). Whoever
    reported it is kept as a caller (name and phone, shown masked), never as a user.

    :raises NotFound: no such estate in the client's county.
    :raises ValidationFailed: half a coordinate pair.
    """
    estate = db.session.get(Estate, estate_id)
    if estate is None or estate.county_id != county_id:
        raise NotFound("小区不存在，或不在该平台所属的县", fields={"estate_id": ["小区不存在"]})
    location = _location(estate, args)
    now = utcnow()
    ticket = _new_ticket(
        estate,
        args["category"],
        "open311",
        args["description"],
        now,
        caller_name=args.get("caller_name") or None,
        caller_phone=args.get("caller_phone") or None,
        **location,
    )
    # The label column holds 60 characters; a client's name may hold 64.
    _event(ticket, "created", f"外部平台 {client_name}"[:60], now=now)
    ticket_id = ticket.id
    db.session.commit()
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


# -- the loop ------------------------------------------------------------------------------


def transition(user: User, ticket_id: int, args: dict) -> Ticket:
    """Take one step of the loop (see rules.STEPS).

    :raises Forbidden: the user may never take this action on this ticket at its rung.
    :raises InvalidTransition: not from the ticket's state (``fields.allowed`` lists what is).
    :raises ValidationFailed: a required note, reason, assignee or original ticket is missing
        or wrong.
    """
    action = args["action"]
    ticket, roles = ticket_for(user, ticket_id, lock=True)
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
        claim_photos(user, ticket.estate_id, args.get("photo_ids"), 0) if action == "reply" else []
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
    attach_photos(photos_, ticket, event)
    if action == "assign" and ticket.assignee_id != user.id:
        _notify_person(ticket.assignee_id, event, ticket)
    db.session.commit()
    return detail_view(ticket, user, roles)


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
        original = _original(ticket, args.get("duplicate_of_id"))
        ticket.duplicate_of_id = original.id
        ticket.closed_at = now
        # The reporter joins the original, unless it is their own ticket already.
        if ticket.reporter_id and ticket.reporter_id != original.reporter_id:
            _add_supporter(original.id, ticket.reporter_id)
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
    ticket, roles = ticket_for(user, ticket_id, lock=True)
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
    return detail_view(ticket, user, roles)


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
    ticket, roles = ticket_for(user, ticket_id, lock=True)
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
    return detail_view(ticket, user, roles)


def withdraw_support(user: User, ticket_id: int) -> Ticket:
    """Take back a "me too".

    :raises Conflict: the user had not supported it.
    """
    ticket, roles = ticket_for(user, ticket_id, lock=True)
    row = db.session.get(TicketSupporter, (ticket.id, user.id))
    if row is None:
        raise Conflict("您尚未附议该工单", code="not_supported")
    db.session.delete(row)
    ticket.supporter_count -= 1
    db.session.commit()
    return detail_view(ticket, user, roles)


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
