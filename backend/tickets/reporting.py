"""Filing tickets (随手拍): an owner's report with photos, what staff heard in the group chat or
at the desk, 12345 hotline cases and the requests of the county's Open311 clients.

Owners must be verified to report; outside the estate's scope 404, a member without the role
403.
"""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.roles import Role
from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.schemas import microdegrees
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.places.models import Building, Estate
from backend.tickets import rules
from backend.tickets.events import record_event
from backend.tickets.models import Ticket
from backend.tickets.models import TicketStatus as S
from backend.tickets.people import actor_label, roles_on
from backend.tickets.uploads import attach_photos, claim_photos


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


@unit_of_work
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
        if token and (existing := _by_token(user.id, token)):
            return existing
        raise
    now = utcnow()
    # The same token filed meanwhile by a concurrent retry (with other photos) makes the
    # INSERT fail on the unique key, at a flush: only the savepoint is undone, so the
    # transaction can still read the other request's ticket.
    try:
        with db.session.begin_nested():
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
            event = record_event(ticket, "created", actor_label(user, roles), user.id, now=now)
            attach_photos(photos_, ticket, event)
            db.session.flush()
    except IntegrityError:
        if token and (existing := _by_token(user.id, token)):
            return existing
        raise
    return ticket


def _by_token(user_id: int, token: str) -> Ticket | None:
    return db.session.scalar(
        select(Ticket).where(Ticket.reporter_id == user_id, Ticket.client_token == token)
    )


@unit_of_work
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
    # A concurrent entry of the same case makes the INSERT fail on the unique key, at a
    # flush: only the savepoint is undone, so the transaction can still look the case up.
    try:
        with db.session.begin_nested():
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
            record_event(
                ticket,
                "created",
                actor_label(staff, roles),
                staff.id,
                note=f"12345 工单 {case_no}",
                now=now,
            )
            db.session.flush()
    except IntegrityError as exc:
        if _case_taken(estate.county_id, case_no):
            raise _duplicate_case(case_no) from exc
        raise
    return ticket


@unit_of_work
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
    record_event(ticket, "created", f"外部平台 {client_name}"[:60], now=now)
    db.session.flush()
    return ticket


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
