"""Small factories: a place tree, units, users with roles, tokens."""

import io
import itertools
from datetime import timedelta

from flask import current_app
from openpyxl import Workbook

from backend.access.models import Membership
from backend.access.roles import SCOPE_OF_ROLE, Role, ScopeKind
from backend.accounts.models import User
from backend.accounts.tokens import issue_access_token
from backend.claims.models import Claim
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.places.models import Building, Community, County, Estate, Township, Unit

_seq = itertools.count(1)


def county(name=None) -> County:
    row = County(name=name or f"测试县{next(_seq)}")
    db.session.add(row)
    db.session.flush()
    return row


def township(county_row=None, name=None) -> Township:
    row = Township(county_id=(county_row or county()).id, name=name or f"测试镇{next(_seq)}")
    db.session.add(row)
    db.session.flush()
    return row


def community(township_row=None, name=None) -> Community:
    row = Community(township_id=(township_row or township()).id, name=name or f"社区{next(_seq)}")
    db.session.add(row)
    db.session.flush()
    return row


def township_of(community_row) -> Township:
    return db.session.get(Township, community_row.township_id)


def estate(community_row=None, name=None) -> Estate:
    community_row = community_row or community()
    tw = db.session.get(Township, community_row.township_id)
    row = Estate(
        community_id=community_row.id,
        township_id=tw.id,
        county_id=tw.county_id,
        name=name or f"小区{next(_seq)}",
        address="测试路1号",
    )
    db.session.add(row)
    db.session.commit()
    return row


def unit(estate_row, building="1栋", number=None, area_dm2=8912, unsold=False) -> Unit:
    b = Building.query.filter_by(estate_id=estate_row.id, name=building).first()
    if b is None:
        b = Building(estate_id=estate_row.id, name=building)
        db.session.add(b)
        db.session.flush()
    row = Unit(
        estate_id=estate_row.id,
        building_id=b.id,
        number=number or str(100 + next(_seq)),
        floor=1,
        area_dm2=area_dm2,
        is_developer_unsold=unsold,
    )
    db.session.add(row)
    db.session.commit()
    return row


def user(openid=None, **fields) -> User:
    fields.setdefault("display_name", "微信用户")
    row = User(openid=openid or f"openid-{next(_seq)}", **fields)
    db.session.add(row)
    db.session.commit()
    return row


def member(role: Role, place, person=None) -> User:
    """A user holding ``role`` on ``place`` (a Unit for owners, else the role's place)."""
    person = person or user()
    kind = SCOPE_OF_ROLE[role]
    estate_id = (
        place.estate_id
        if kind == ScopeKind.UNIT
        else (place.id if kind == ScopeKind.ESTATE else None)
    )
    db.session.add(
        Membership(
            user_id=person.id, role=role, scope_kind=kind, scope_id=place.id, estate_id=estate_id
        )
    )
    db.session.commit()
    return person


def claim(person, unit_row, status="pending") -> Claim:
    row = Claim(
        estate_id=unit_row.estate_id,
        unit_id=unit_row.id,
        user_id=person.id,
        real_name="张三丰",
        phone="13812341234",
        status=status,
    )
    db.session.add(row)
    db.session.commit()
    return row


def group_chat(
    estate_row, channel="wecom_robot", address=None, active=True, profile="internal"
) -> GroupChat:
    row = GroupChat(
        estate_id=estate_row.id,
        name=f"{estate_row.name}监督群",
        channel=channel,
        address=address or f"robot-key-{next(_seq):06d}",
        active=active,
        profile=profile,
    )
    db.session.add(row)
    db.session.commit()
    return row


def auth_headers(person: User) -> dict:
    cfg = current_app.config
    token = issue_access_token(
        person.id, cfg["JWT_SECRET"], cfg["JWT_ACCESS_MINUTES"], version=person.token_version
    )
    return {"Authorization": f"Bearer {token}"}


def xlsx(rows: list[list], header: list[str] | None = None) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header or ["楼栋", "房号", "楼层", "建筑面积(㎡)", "开发商未售"])
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


# -- rows written straight to their tables, for figures (no rules applied) ------------------


def places_of(estate) -> dict:
    """The place columns every estate-scoped row copies from its estate."""
    return {
        "estate_id": estate.id,
        "community_id": estate.community_id,
        "township_id": estate.township_id,
        "county_id": estate.county_id,
    }


def raw_ticket(estate, created=None, **fields):
    """A ticket created at ``created`` (now by default), accepted unless ``fields`` say
    otherwise; added, not committed."""
    from backend.common.clock import utcnow
    from backend.tickets.models import Ticket

    created = created or utcnow()
    values = {
        "category": "cleaning",
        "channel": "miniprogram",
        "description": "楼道垃圾未清理",
        "status": "accepted",
        "accept_due_at": created + timedelta(hours=24),
        "reply_due_at": created + timedelta(hours=72),
        "created_at": created,
        "updated_at": created,
        **fields,
    }
    row = Ticket(**places_of(estate), **values)
    db.session.add(row)
    return row


def raw_problem(estate, by, deadline, closed_at=None, **fields):
    """A problem-list item, closed out at ``closed_at`` if given; added, not committed."""
    from backend.common.clock import SHANGHAI
    from backend.governance.problems.models import ProblemItem

    closure = {}
    if closed_at is not None:
        closure = {
            "status": "closed_out",
            "closed_at": closed_at,
            "closed_on": closed_at.astimezone(SHANGHAI).date(),
            "closed_by_id": by.id,
            "close_note": "已整改",
        }
    values = {
        "category": "fire_safety",
        "title": "消防通道堵塞",
        "plan": "清理",
        "deadline": deadline,
        "created_by_id": by.id,
        **closure,
        **fields,
    }
    row = ProblemItem(**places_of(estate), **values)
    db.session.add(row)
    return row


def consent(person: User, template: str | None = None, count: int = 1):
    """``count`` accepted subscribe consents of ``person`` to ``template`` (default: the
    tests' TICKET_TEMPLATE_ID), as the mini-program would have posted them."""
    from backend.subscriptions.models import SubscribeConsent

    row = SubscribeConsent(
        user_id=person.id,
        template_id=template or current_app.config["TICKET_TEMPLATE_ID"],
        remaining=count,
    )
    db.session.add(row)
    db.session.commit()
    return row
