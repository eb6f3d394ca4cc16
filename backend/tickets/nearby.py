"""Nearby duplicates: open tickets of the same category in the same building or within 50 m
from the last 14 days, offered before a new report is filed."""

import math
from datetime import timedelta

from sqlalchemy import and_, or_, select

from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.tickets.models import (
    NEWEST_FIRST,
    OPEN_STATUSES,
    Ticket,
)
from backend.tickets.queries import decorate, list_options

NEARBY_METERS = 50
NEARBY_DAYS = 14
NEARBY_LIMIT = 20

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
        lat, lng = float(lat), float(lng)  # for the trigonometry; metres need no more
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
        list_options(select(Ticket))
        .where(
            Ticket.estate_id == estate.id,
            Ticket.category == category,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.created_at >= since,
            or_(*where),
        )
        .order_by(*NEWEST_FIRST)
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
    # A stable sort: among equally near ones the candidates' order (newest report) stays.
    found.sort(key=lambda t: (t.distance_m is None, t.distance_m or 0))
    return decorate(found[:NEARBY_LIMIT], user)
