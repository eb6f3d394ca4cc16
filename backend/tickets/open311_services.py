"""What the Open311 routes (open311.py) do with tickets: civic tools' keys, finding and
describing a county's tickets in GeoReport v2's request shape, and filing one.

Nothing here names a person: no reporter, caller, phone, actor or supporter leaves through
Open311. Coordinates cross between Open311's WGS84 and the GCJ-02 that phones in China report
and Linli stores (some hundreds of metres apart inside China).
"""

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from backend.common.clock import as_utc, local_text, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.places.models import County
from backend.tickets import reporting
from backend.tickets.models import (
    CATEGORIES,
    HANDLING_STATUSES,
    LEVEL_LABELS,
    NEWEST_FIRST,
    OPEN_STATUSES,
    STATUS_LABELS,
    Level,
    Open311Client,
    Ticket,
    TicketEvent,
)
from backend.tickets.models import TicketStatus as S
from backend.tickets.open311_formats import FORMATS, MIMETYPES

MAX_REQUESTS = 1000
WINDOW = timedelta(days=90)
CLIENT_NAME_MAX = 48
PRIORITY_GROUP, OTHER_GROUP = "十件实事", "其他"
SERVICE_DESCRIPTIONS = {
    "security": "门禁损坏、监控失灵、可疑人员滞留等治安隐患",
    "cleaning": "垃圾清运不及时、公共区域脏乱、乱堆乱放",
    "fire_safety": "消防通道堵塞、消防设施缺失或损坏、楼道堆物",
    "ebike": "电动车进楼入户、飞线充电、充电设施不足或损坏",
    "elevator": "电梯停运、困人、异响或检验过期",
    "parking": "占用消防通道或绿地停车、车位管理混乱",
    "drains": "下水道、化粪池、雨污管道堵塞或外溢",
    "pavement": "小区道路、人行道坑洼破损，井盖缺失",
    "lighting": "楼道灯、路灯不亮或损坏",
    "green_land": "绿地黄土裸露、绿化缺损、毁绿种菜",
    "other": "不属于以上类别的物业管理问题",
}
CLOSE_REASONS = {"rated": "业主已评价", "not_rated": "超时未评价"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the services list last changed: discovery tells clients to refresh their cached copy
# when it moves. Move it with any change to CATEGORIES or SERVICE_DESCRIPTIONS (a test pins
# the list's fingerprint to remind whoever changes it).
SERVICES_CHANGESET = "2026-12-07T00:00:00+00:00"
KEY_SERVICE = "api_key 由县住建局发放，一个平台一个县一个 key：请向所在县住建局申请"


# -- clients -----------------------------------------------------------------------------------


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@unit_of_work
def create_client(county_id: int, name: str) -> tuple[Open311Client, str]:
    """Register a civic tool for a county; the key is returned once and only its hash kept.

    :raises NotFound: no such county.
    :raises ValidationFailed: an empty or over-long name.
    """
    if db.session.get(County, county_id) is None:
        raise NotFound(f"县 {county_id} 不存在")
    name = name.strip()
    if not 1 <= len(name) <= CLIENT_NAME_MAX:
        raise ValidationFailed(f"平台名称应为 1–{CLIENT_NAME_MAX} 个字")
    key = secrets.token_urlsafe(32)
    client = Open311Client(county_id=county_id, name=name, key_hash=_hash(key))
    db.session.add(client)
    db.session.flush()
    return client, key


def authenticate(values, required: bool = True) -> Open311Client | None:
    """The client whose ``api_key`` is in ``values``, checked against ``jurisdiction_id``.
    Without ``required``, no key is fine (then a jurisdiction_id must still be a county).

    :raises Forbidden: (403) no key, an unknown key or a revoked one.
    :raises NotFound: jurisdiction_id is not the client's county.
    """
    key, jurisdiction = values.get("api_key"), values.get("jurisdiction_id")
    if not key:
        if required:
            raise Forbidden("缺少 api_key：请向县住建局申请")
        if jurisdiction and not (
            jurisdiction.isdigit() and db.session.get(County, int(jurisdiction))
        ):
            raise NotFound(f"jurisdiction_id {jurisdiction} 不存在")
        return None
    client = db.session.scalar(select(Open311Client).where(Open311Client.key_hash == _hash(key)))
    if client is None:
        raise Forbidden("api_key 无效")
    if client.revoked_at is not None:
        raise Forbidden("api_key 已停用，请向县住建局重新申请")
    if jurisdiction and jurisdiction != str(client.county_id):
        raise NotFound(f"jurisdiction_id {jurisdiction} 不存在，或不属于该 api_key 所在的县")
    return client


# -- coordinates: Open311 speaks WGS84, phones in China (and Linli's columns) GCJ-02 -------------

_A, _EE = 6378245.0, 0.00669342162296594323


def _gcj_offset(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 minus WGS84 at a WGS84 point, by the published approximation; none abroad."""
    if not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return 0.0, 0.0
    x, y, pi = lng - 105.0, lat - 35.0, math.pi
    shared = (20 * math.sin(6 * x * pi) + 20 * math.sin(2 * x * pi)) * 2 / 3
    dlat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + shared
    dlat += (20 * math.sin(y * pi) + 40 * math.sin(y / 3 * pi)) * 2 / 3
    dlat += (160 * math.sin(y / 12 * pi) + 320 * math.sin(y * pi / 30)) * 2 / 3
    dlng = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + shared
    dlng += (20 * math.sin(x * pi) + 40 * math.sin(x / 3 * pi)) * 2 / 3
    dlng += (150 * math.sin(x / 12 * pi) + 300 * math.sin(x / 30 * pi)) * 2 / 3
    rad = lat / 180 * pi
    magic = 1 - _EE * math.sin(rad) ** 2
    dlat = dlat * 180 / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * pi)
    dlng = dlng * 180 / (_A / math.sqrt(magic) * math.cos(rad) * pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    dlat, dlng = _gcj_offset(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """The inverse, by fixed-point iteration (the offset changes slowly: a few steps reach
    far below a microdegree)."""
    wlat, wlng = lat, lng
    for _ in range(8):
        dlat, dlng = _gcj_offset(wlat, wlng)
        wlat, wlng = lat - dlat, lng - dlng
    return wlat, wlng


def stored_to_wgs84(lat_e6: int, lng_e6: int) -> tuple[float, float]:
    """A stored GCJ-02 point in WGS84, to the microdegree (about 0.1 m) it was stored to."""
    lat, lng = gcj02_to_wgs84(lat_e6 / 1e6, lng_e6 / 1e6)
    return round(lat, 6), round(lng, 6)


# -- requests ----------------------------------------------------------------------------------


def _caller_name(first: str, last: str) -> str:
    if (first + last).isascii():
        return f"{first} {last}".strip()
    return f"{last}{first}"  # Chinese names put the family name first


@unit_of_work
def file_request(client: Open311Client, args: dict) -> Ticket:
    """File a request for the client's county.

    :raises NotFound: an unknown service_code, or an estate outside the county.
    :raises ValidationFailed: half a coordinate pair.
    """
    if args["service_code"] not in CATEGORIES:
        raise NotFound(f"service_code {args['service_code']} 不存在，请先查询 services.json")
    lat, lng = args["lat"], args["lng"]
    if lat is not None and lng is not None:
        lat, lng = wgs84_to_gcj02(float(lat), float(lng))
    fields = {
        "category": args["service_code"],
        "description": args["description"],
        "location_text": args["address_string"],
        "lat": lat,
        "lng": lng,
        "caller_name": _caller_name(args["first_name"], args["last_name"]),
        "caller_phone": args["phone"],
    }
    return reporting.report_external(args["address_id"], client.county_id, fields, client.name)


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The spec's default: the most recent 90 days; a range may not span more."""
    if start and end:
        if end < start:
            raise ValidationFailed(fields={"end_date": ["结束时间不能早于开始时间"]})
        if end - start > WINDOW:
            raise ValidationFailed(fields={"end_date": ["时间跨度不能超过 90 天"]})
        return start, end
    if start:
        return start, start + WINDOW
    end = end or utcnow()
    return end - WINDOW, end


def find_requests(client: Open311Client, args: dict) -> list[Ticket]:
    """The county's tickets matching the filters, newest report first, at most 1000;
    service_request_id overrides every other filter (the spec's rule)."""
    query = select(Ticket).where(Ticket.county_id == client.county_id)
    if args["service_request_id"]:
        query = query.where(Ticket.id.in_(args["service_request_id"]))
    else:
        start, end = _window(args["start_date"], args["end_date"])
        query = query.where(Ticket.created_at >= start, Ticket.created_at <= end)
        if args["service_code"]:
            query = query.where(Ticket.category.in_(args["service_code"]))
        statuses = set(args["status"] or ())
        if statuses == {"open"}:
            query = query.where(Ticket.status.in_(OPEN_STATUSES))
        elif statuses == {"closed"}:
            query = query.where(Ticket.status.not_in(OPEN_STATUSES))
    query = query.options(selectinload(Ticket.estate), selectinload(Ticket.building))
    return list(db.session.scalars(query.order_by(*NEWEST_FIRST).limit(MAX_REQUESTS)))


def find_request(client: Open311Client, ticket_id: int) -> list[Ticket]:
    """:raises NotFound: no such ticket in the client's county."""
    args = {"service_request_id": [ticket_id]}
    found = find_requests(client, args)
    if not found:
        raise NotFound(f"没有编号为 {ticket_id} 的工单")
    return found


def _reply_notes(ticket_ids: list[int]) -> dict[int, str]:
    """Each ticket's latest reply, in one query."""
    if not ticket_ids:
        return {}
    latest = (
        select(func.max(TicketEvent.id))
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind == "replied")
        .group_by(TicketEvent.ticket_id)
    )
    rows = db.session.execute(
        select(TicketEvent.ticket_id, TicketEvent.note).where(TicketEvent.id.in_(latest))
    )
    return {ticket_id: note or "" for ticket_id, note in rows}


def _status_notes(ticket: Ticket, reply: str) -> str:
    label = STATUS_LABELS[S(ticket.status)]
    if ticket.status == S.REJECTED:
        return f"{label}：{ticket.reject_reason}"
    if ticket.status == S.DUPLICATE:
        return f"{label}：与工单 {ticket.duplicate_of_id} 重复，请查看该工单"
    if ticket.status == S.CLOSED:
        return f"{label}（{CLOSE_REASONS.get(ticket.close_reason, '')}）：{reply}"
    if ticket.status == S.REPLIED:
        return f"{label}：{reply}"
    if ticket.status == S.IN_PROGRESS and ticket.reopen_count:
        return f"{label}（业主不满意，已重新办理 {ticket.reopen_count} 次）"
    return label


def _service_notice(ticket: Ticket) -> str:
    if ticket.status not in HANDLING_STATUSES:
        return ""
    reply = f"{local_text(ticket.reply_due_at)} 前反馈办理结果（北京时间）"
    if ticket.status == S.SUBMITTED:
        return f"应于 {local_text(ticket.accept_due_at)} 前受理，{reply}"
    return f"应于 {reply}"


def _w3c(value: datetime | None) -> str | None:
    return as_utc(value).isoformat(timespec="seconds") if value else None


def describe(tickets: list[Ticket]) -> list[dict]:
    """Tickets in GeoReport v2's request shape, with nobody's identity in it."""
    replies = _reply_notes([t.id for t in tickets])
    return [_request(t, replies.get(t.id, "")) for t in tickets]


def _request(ticket: Ticket, reply: str) -> dict:
    is_open = ticket.status in OPEN_STATUSES
    updated = ticket.updated_at if is_open else (ticket.closed_at or ticket.updated_at)
    place = (ticket.estate.name, ticket.building.name if ticket.building_id else "")
    item = {
        "service_request_id": str(ticket.id),
        "status": "open" if is_open else "closed",
        "status_notes": _status_notes(ticket, reply),
        "service_name": CATEGORIES[ticket.category],
        "service_code": ticket.category,
        "description": ticket.description,
        "agency_responsible": LEVEL_LABELS[Level(ticket.escalation_level)],
        "service_notice": _service_notice(ticket),
        "requested_datetime": _w3c(ticket.created_at),
        "updated_datetime": _w3c(updated),
        "expected_datetime": _w3c(ticket.reply_due_at),
        "address": " ".join(filter(None, (*place, ticket.location_text))),
        "address_id": str(ticket.estate_id),
        "zipcode": "",
    }
    if ticket.lat_e6 is not None and ticket.lng_e6 is not None:
        item["lat"], item["long"] = stored_to_wgs84(ticket.lat_e6, ticket.lng_e6)
    return item


def filed(ticket: Ticket) -> list[dict]:
    """The answer to a POST: the new id and what happens next (no account_id: none is made)."""
    return [
        {
            "service_request_id": str(ticket.id),
            "service_notice": _service_notice(ticket),
            "account_id": None,
        }
    ]


def discovery(url: str, contact: str) -> dict:
    """The service-discovery document: one production GeoReport v2 endpoint at ``url``."""
    return {
        "changeset": SERVICES_CHANGESET,
        "contact": contact,
        "key_service": KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": SERVICES_CHANGESET,
                "type": "production",
                "formats": [MIMETYPES[fmt] for fmt in FORMATS],
            }
        ],
    }


def services_list() -> list[dict]:
    return [
        {
            "service_code": code,
            "service_name": label,
            "description": SERVICE_DESCRIPTIONS[code],
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": OTHER_GROUP if code == "other" else PRIORITY_GROUP,
        }
        for code, label in CATEGORIES.items()
    ]
