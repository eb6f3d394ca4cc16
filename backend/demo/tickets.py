"""Demo tickets (随手拍), made through the tickets' own services so events, photos, outbox rows
and figures are real: a rated ticket, one being handled, one waiting for the owner's rating,
one closed unrated, a "me too", a 12345 hotline case, and overdue tickets that the escalation
job has moved up to the committee (estate 1) and to the community (estate 2)."""

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.places.models import Building, Estate, PropertyCompany
from backend.tickets import escalation, loop, reporting, support, uploads
from backend.tickets.models import Ticket, TicketEvent

COMPANIES = ["安溪城厢物业服务有限公司", "凤城佳园物业管理有限公司"]


def _user(openid: str = None, username: str = None) -> User:
    column, value = (User.openid, openid) if openid else (User.username, username)
    return db.session.scalar(select(User).where(column == value))


def _photo(user: User, estate: Estate, hue: int) -> int:
    """A small made-up scene (sky, wall, a dark patch where the problem is)."""
    image = Image.new("RGB", (640, 480), (150 + hue % 60, 190, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 260, 640, 480), fill=(120, 120, 110))
    draw.rectangle((80, 120, 300, 400), fill=(210, 200, 180), outline=(90, 90, 90), width=4)
    draw.ellipse((360 + hue % 80, 300, 520 + hue % 80, 420), fill=(60, 50, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return uploads.upload_photo(user, estate.id, buffer.getvalue()).id


def _report(owner: User, estate: Estate, category: str, text: str, hue: int, **fields) -> Ticket:
    building = db.session.scalar(
        select(Building).where(Building.estate_id == estate.id).order_by(Building.id)
    )
    args = {
        "category": category,
        "description": text,
        "photo_ids": [_photo(owner, estate, hue)],
        "building_id": building.id,
        **fields,
    }
    return reporting.report(owner, estate.id, args)


def _step(person: User, ticket: Ticket, action: str, **args) -> None:
    loop.transition(person, ticket.id, {"action": action, **args})


@unit_of_work
def _age(ticket: Ticket, hours: int) -> None:
    """Move a ticket and its history back in time, as if it had been filed ``hours`` ago
    (in Python, not SQL: SQLite cannot subtract an interval from a timestamp)."""
    shift = timedelta(hours=hours)
    ticket = db.session.get(Ticket, ticket.id)
    columns = ("created_at", "updated_at", "accept_due_at", "reply_due_at", "escalate_at")
    for column in (*columns, "accepted_at", "replied_at", "escalated_at"):
        if getattr(ticket, column) is not None:
            setattr(ticket, column, getattr(ticket, column) - shift)
    for event in db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)):
        event.created_at -= shift


@unit_of_work
def _property_companies(estates: list[Estate]) -> None:
    county_id = estates[0].county_id
    for n, estate in enumerate(estates):
        name = COMPANIES[n % len(COMPANIES)]
        company = db.session.scalar(select(PropertyCompany).where(PropertyCompany.name == name))
        if company is None:
            company = PropertyCompany(county_id=county_id, name=name)
            db.session.add(company)
            db.session.flush()
        estate.property_company_id = company.id


def seed(estates: list[Estate]) -> None:
    """Not one unit of work: each photo upload ends the open transaction (tickets.uploads)."""
    _property_companies(estates)
    first, second = estates[0], estates[1]
    manager = _user("demo-manager-1")
    owner = [None, *(_user(f"demo-owner-1-{k}") for k in range(1, 8))]

    rated = _report(owner[1], first, "lighting", "3栋1单元楼道灯不亮，晚上回家看不见台阶。", 10)
    _step(manager, rated, "accept")
    _step(manager, rated, "start", note="已安排电工今晚处理")
    _step(manager, rated, "reply", note="已更换楼道感应灯 3 盏，请业主查看。")
    loop.rate(owner[1], rated.id, 5, "修得很快，谢谢物业。")

    working = _report(owner[3], first, "cleaning", "地下车库入口垃圾堆积两天无人清运。", 30)
    _step(manager, working, "accept")
    _step(manager, working, "start", note="保洁班今天下午清运")
    support.support(owner[5], working.id)

    waiting = _report(owner[4], first, "ebike", "5栋楼下有人飞线给电动车充电，存在火灾隐患。", 50)
    _step(manager, waiting, "accept")
    _step(manager, waiting, "start")
    _step(manager, waiting, "reply", note="已拆除飞线，并张贴禁止飞线充电告示。")
    _age(waiting, 72)  # three days left to rate or reopen

    unrated = _report(owner[6], first, "parking", "消防通道长期被私家车占用。", 70)
    _step(manager, unrated, "accept")
    _step(manager, unrated, "start")
    _step(manager, unrated, "reply", note="已联系车主挪车，并在通道口加装隔离桩。")
    _age(unrated, 24 * 9)
    escalation.close_unrated()

    late = _report(owner[2], first, "elevator", "2栋电梯经常停在半层，门开关异常。", 90)
    _age(late, 30)  # the elevator's 2 hours to accept long gone

    auditor = _user(username="auditor1")
    reporting.report_hotline(
        auditor,
        first.id,
        {
            "hotline_case_no": "12345-20261120-0087",
            "caller_name": "陈秀英",
            "caller_phone": "13905951234",
            "category": "drains",
            "description": "来电反映 6 栋化粪池外溢，气味很大，希望尽快处理。",
            "location_text": "6栋北侧",
        },
    )

    owner2 = _user("demo-owner-2-1")
    stalled = _report(owner2, second, "pavement", "小区主干道路面塌陷一处，雨天积水。", 110)
    _age(stalled, 24 * 5)
    escalation.escalate_overdue()  # both climb to the committee
    _age(stalled, 25)  # a day on, nobody has moved on the road: it climbs to the community
    escalation.escalate_overdue()
