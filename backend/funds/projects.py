"""Writing repair projects (维修项目): scope, the buildings and units that bear the cost, the
budget, quotes and the choice among them; and reading them back with their whole trail."""

from flask import current_app
from sqlalchemy import func, select

from backend.accounts.models import User
from backend.common.masking import mask_name
from backend.common.pagination import Page, paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.funds import events
from backend.funds.access import (
    COMMITTEE_ROLES,
    WRITER_ROLES,
    estate_for,
    project_for,
    require,
)
from backend.funds.models import (
    EMERGENCY_CATEGORIES,
    NEWEST_FIRST,
    ApprovalPath,
    ProjectStatus,
    RepairProject,
    RepairProjectUnit,
    RepairQuote,
)
from backend.places.models import Building, Unit

EDITABLE = (ProjectStatus.DRAFT, ProjectStatus.RETURNED)
MAX_QUOTES = 20


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.real_name or user.display_name or user.username or "用户"


def shown_name(user: User | None, viewer: User, staff: bool) -> str:
    """Staff and the person themselves see a name in full; owners see it masked (张*)."""
    name = person_name(user)
    return name if staff or (user is not None and user.id == viewer.id) else mask_name(name)


def quotes_required(budget_fen: int) -> int:
    """How many quotes a budget needs (0 at or below LINLI_FUND_QUOTES_ABOVE_FEN)."""
    cfg = current_app.config
    return cfg["FUND_QUOTES_MIN"] if budget_fen > cfg["FUND_QUOTES_ABOVE_FEN"] else 0


def _check_kind(args: dict) -> None:
    if args["path"] == ApprovalPath.EMERGENCY and args["category"] not in EMERGENCY_CATEGORIES:
        raise ValidationFailed(
            "应急维修仅限电梯、屋面外墙渗漏、消防设施、供水供电设施",
            fields={"category": ["该类别不能走应急维修程序"]},
        )


def _bearing_units(estate_id: int, building_ids, unit_ids) -> list[Unit]:
    """The units that bear the cost: those named, or every unit of the buildings.

    :raises ValidationFailed: a building or unit not of this estate, or no unit at all.
    """
    building_ids, unit_ids = set(building_ids), set(unit_ids or ())
    found = set(
        db.session.scalars(
            select(Building.id).where(
                Building.id.in_(building_ids), Building.estate_id == estate_id
            )
        )
    )
    if found != building_ids:
        raise ValidationFailed("楼栋不属于本小区", fields={"building_ids": ["楼栋无效"]})
    query = select(Unit).where(Unit.estate_id == estate_id, Unit.building_id.in_(building_ids))
    if unit_ids:
        query = query.where(Unit.id.in_(unit_ids))
    units = db.session.scalars(query.order_by(Unit.id)).all()
    if unit_ids and {u.id for u in units} != unit_ids:
        raise ValidationFailed("房屋须属于所选楼栋", fields={"unit_ids": ["房屋不属于所选楼栋"]})
    if not units:
        raise ValidationFailed("所选楼栋没有登记房屋", fields={"building_ids": ["没有房屋"]})
    return units


def _set_units(project: RepairProject, units: list[Unit]) -> None:
    db.session.execute(
        RepairProjectUnit.__table__.delete().where(RepairProjectUnit.project_id == project.id)
    )
    db.session.add_all(
        RepairProjectUnit(
            project_id=project.id, unit_id=u.id, building_id=u.building_id, area_dm2=u.area_dm2
        )
        for u in units
    )
    db.session.flush()
    db.session.expire(project, ["units"])


@unit_of_work
def create_project(user: User, estate_id: int, args: dict) -> RepairProject:
    """A draft project of the committee.

    :raises NotFound: outside scope. :raises Forbidden: not the committee.
    :raises ValidationFailed: emergency path for another category, units not of the buildings.
    """
    estate, roles = estate_for(user, estate_id)
    role = require(roles, COMMITTEE_ROLES, "只有业委会可以发起维修项目")
    _check_kind(args)
    units = _bearing_units(estate.id, args["building_ids"], args.get("unit_ids"))
    project = RepairProject(
        estate_id=estate.id,
        title=args["title"],
        scope=args["scope"],
        category=args["category"],
        path=args["path"],
        budget_fen=args["budget_fen"],
        status=ProjectStatus.DRAFT,
        paid_fen=0,
        approval_round=1,
        created_by_id=user.id,
    )
    db.session.add(project)
    db.session.flush()
    _set_units(project, units)
    events.record(project, "create", user, role, data={"budget_fen": project.budget_fen})
    return project


def _editable(user: User, estate_id: int, project_id: int):
    estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    role = require(roles, COMMITTEE_ROLES, "只有业委会可以修改维修项目")
    if project.status not in EDITABLE:
        raise Conflict(f"项目{project.status_label}，不能再修改")
    return project, role


@unit_of_work
def update_project(user: User, estate_id: int, project_id: int, changes: dict) -> RepairProject:
    """Change a draft or returned project.

    :raises Conflict: the project is past draft / returned.
    """
    project, role = _editable(user, estate_id, project_id)
    merged = {"path": project.path, "category": project.category, **changes}
    _check_kind(merged)
    if "building_ids" in changes or "unit_ids" in changes:
        buildings = changes.get("building_ids") or sorted({u.building_id for u in project.units})
        _set_units(project, _bearing_units(project.estate_id, buildings, changes.get("unit_ids")))
    for key in ("title", "scope", "category", "path", "budget_fen"):
        if key in changes:
            setattr(project, key, changes[key])
    db.session.flush()
    events.record(project, "edit", user, role, project.status, data={"fields": sorted(changes)})
    return project


@unit_of_work
def add_quote(user: User, estate_id: int, project_id: int, args: dict) -> RepairQuote:
    """A contractor's quote on a draft or returned project."""
    project, role = _editable(user, estate_id, project_id)
    count = db.session.scalar(
        select(func.count()).select_from(RepairQuote).where(RepairQuote.project_id == project.id)
    )
    if count >= MAX_QUOTES:
        raise ValidationFailed(f"每个项目最多 {MAX_QUOTES} 份报价")
    quote = RepairQuote(
        project_id=project.id,
        contractor=args["contractor"],
        amount_fen=args["amount_fen"],
        note=args.get("note") or "",
        is_chosen=False,
        created_by_id=user.id,
    )
    db.session.add(quote)
    db.session.flush()
    events.record(
        project,
        "add_quote",
        user,
        role,
        project.status,
        data={"contractor": quote.contractor, "amount_fen": quote.amount_fen},
    )
    return quote


@unit_of_work
def choose_quote(user: User, estate_id: int, project_id: int, quote_id: int, reason: str):
    """Choose a quote, with the reason it was chosen.

    :raises NotFound: no such quote on this project.
    """
    project, role = _editable(user, estate_id, project_id)
    quotes = db.session.scalars(
        select(RepairQuote).where(RepairQuote.project_id == project.id)
    ).all()
    chosen = next((q for q in quotes if q.id == quote_id), None)
    if chosen is None:
        raise NotFound("报价不存在")
    for quote in quotes:
        quote.is_chosen = quote.id == chosen.id
    project.choice_reason = reason
    db.session.flush()
    events.record(
        project,
        "choose_quote",
        user,
        role,
        project.status,
        note=reason,
        data={"quote_id": chosen.id, "amount_fen": chosen.amount_fen},
    )
    return project


def list_projects(
    user: User, estate_id: int, page: int, page_size: int, status: str | None = None
) -> Page:
    """The estate's projects, newest first; drafts only for the committee and manager."""
    estate, roles = estate_for(user, estate_id)
    query = select(RepairProject).where(RepairProject.estate_id == estate.id)
    if not roles & set(WRITER_ROLES):
        query = query.where(RepairProject.status != ProjectStatus.DRAFT)
    if status:
        query = query.where(RepairProject.status == status)
    result = paginate(query.order_by(*NEWEST_FIRST), page, page_size)
    names = building_names([p.id for p in result.items])
    result.items = [{"project": p, "building_names": names.get(p.id, [])} for p in result.items]
    return result


def building_names(project_ids) -> dict[int, list[str]]:
    rows = db.session.execute(
        select(RepairProjectUnit.project_id, Building.name)
        .join(Building, Building.id == RepairProjectUnit.building_id)
        .where(RepairProjectUnit.project_id.in_(list(project_ids)))
        .distinct()
        .order_by(RepairProjectUnit.project_id, Building.name)
    )
    names: dict[int, list[str]] = {}
    for project_id, name in rows:
        names.setdefault(project_id, []).append(name)
    return names
