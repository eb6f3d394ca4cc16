"""What the console's maintenance-fund pages (公维金) show: the auditor's view of the funds of
the estates a staff member supervises (balance, chain head, open and paid projects), and one
fund with its buildings' shares, its movements with their chain hashes, the check of the whole
chain and the estate's projects. One project and the township's pre-check are in
``projects``.

Rules stay in backend.funds; this module reads rows for the templates, scoped like every
console page (outside scope: 404), with a fixed number of queries whatever the rows.
"""

from math import ceil

from sqlalchemy import case, func, select

from backend.access.roles import STAFF_ROLES
from backend.access.scope import get_estate_for, visible_estates
from backend.accounts.models import User
from backend.common.clock import local_text
from backend.common.money import format_fen
from backend.common.pagination import paginate, paginate_rows
from backend.console.forms import page_arg
from backend.extensions import db
from backend.funds import chain as fund_chain
from backend.funds.models import (
    NEWEST_FIRST,
    STATUS_LABELS,
    FundAllocation,
    FundMovement,
    MaintenanceFund,
    ProjectStatus,
    RepairProject,
)
from backend.places.models import Building, Estate

PAGE_SIZE = 20
MOVEMENTS_PAGE_SIZE = 50
# A county has a few hundred estates; the funds table lists them all, up to this many.
FUNDS_SHOWN = 500
HASH_PREVIEW = 16  # hex characters of the head: enough to tell funds apart at a glance


def staff_estates(user: User):
    return visible_estates(user, STAFF_ROLES).with_only_columns(Estate.id)


def _status_filter(args) -> str:
    status = args.get("status", "")
    return status if status in STATUS_LABELS else ""


def fund_list(user: User, args) -> dict:
    """The funds of the estates in scope (by estate name) with each one's open and paid projects,
    and one page of the projects in scope, newest first, filtered by stage."""
    page = page_arg(args.get("page"))
    status = _status_filter(args)
    funds = db.session.execute(
        select(Estate.id, Estate.name, MaintenanceFund)
        .join(MaintenanceFund, MaintenanceFund.estate_id == Estate.id)
        .where(Estate.id.in_(staff_estates(user)))
        .order_by(Estate.name, Estate.id)
        .limit(FUNDS_SHOWN)
    ).all()
    settled = (ProjectStatus.PAID, ProjectStatus.CANCELLED, ProjectStatus.DRAFT)
    counts = {
        estate_id: (int(open_n), int(paid_n))
        for estate_id, open_n, paid_n in db.session.execute(
            select(
                RepairProject.estate_id,
                func.count(case((RepairProject.status.not_in(settled), 1))),
                func.count(case((RepairProject.status == ProjectStatus.PAID, 1))),
            )
            .where(RepairProject.estate_id.in_([row.id for row in funds]))
            .group_by(RepairProject.estate_id)
        )
    }
    projects = _projects(user, status, page)
    return {
        "funds": [
            {
                "estate_id": row.id,
                "estate": row.name,
                "balance": format_fen(row.MaintenanceFund.balance_fen),
                "negative": row.MaintenanceFund.balance_fen < 0,
                "links": row.MaintenanceFund.chain_length,
                "head": (row.MaintenanceFund.head_hash or "")[:HASH_PREVIEW],
                "open_projects": counts.get(row.id, (0, 0))[0],
                "paid_projects": counts.get(row.id, (0, 0))[1],
            }
            for row in funds
        ],
        "status": status,
        "statuses": STATUS_LABELS,
        "query": {"status": status} if status else {},
        **projects,
    }


def _projects(user: User, status: str, page: int, estate_id: int | None = None) -> dict:
    # Drafts are the committee's own work in progress; the console sees what was submitted.
    query = (
        select(RepairProject, Estate.name)
        .join(Estate, Estate.id == RepairProject.estate_id)
        .where(
            RepairProject.estate_id.in_(staff_estates(user)),
            RepairProject.status != ProjectStatus.DRAFT,
        )
        .order_by(*NEWEST_FIRST)
    )
    if estate_id is not None:
        query = query.where(RepairProject.estate_id == estate_id)
    if status:
        query = query.where(RepairProject.status == status)
    result = paginate_rows(query, page, PAGE_SIZE)
    return {
        "result": result,
        "pages": max(1, ceil(result.total / PAGE_SIZE)),
        "projects": [project_row(p, name) for p, name in result.items],
    }


def project_row(p: RepairProject, estate_name: str) -> dict:
    return {
        "id": p.id,
        "estate": estate_name,
        "title": p.title,
        "category": p.category_label,
        "path": p.path,
        "path_label": p.path_label,
        "status": p.status,
        "status_label": p.status_label,
        "budget": format_fen(p.budget_fen),
        "paid": format_fen(p.paid_fen),
        "created": local_text(p.created_at),
        "submitted": local_text(p.submitted_at),
    }


def fund_page(user: User, estate_id: int, args) -> dict:
    """One estate's fund: balance, chain head and its check, each building's share, a page of
    movements (newest first) with their hashes, and the estate's projects.

    :raises NotFound: outside the user's scope.
    """
    estate = get_estate_for(user, estate_id, STAFF_ROLES)
    fund = db.session.scalar(select(MaintenanceFund).where(MaintenanceFund.estate_id == estate.id))
    page = page_arg(args.get("page"))
    buildings = db.session.execute(
        select(
            Building.id,
            Building.name,
            func.count(func.distinct(FundAllocation.unit_id)),
            func.coalesce(func.sum(FundAllocation.amount_fen), 0),
        )
        .join(FundAllocation, FundAllocation.building_id == Building.id)
        .where(Building.estate_id == estate.id)
        .group_by(Building.id, Building.name)
        .order_by(Building.name, Building.id)
    ).all()
    movements = paginate(
        select(FundMovement)
        .where(FundMovement.estate_id == estate.id)
        .order_by(FundMovement.occurred_on.desc(), FundMovement.id.desc()),
        page,
        MOVEMENTS_PAGE_SIZE,
    )
    names = _place_names(movements.items)
    return {
        "estate": estate,
        "fund": fund,
        "balance": format_fen(fund.balance_fen) if fund else format_fen(0),
        "check": fund_chain.verify(fund) if fund else None,
        "buildings": [
            {"name": name, "units": units, "balance": format_fen(int(fen)), "negative": fen < 0}
            for _, name, units, fen in buildings
        ],
        "movements": [_movement_row(m, names) for m in movements.items],
        "movement_result": movements,
        "movement_pages": max(1, ceil(movements.total / MOVEMENTS_PAGE_SIZE)),
        "query": {"estate_id": estate.id},
        **_projects(user, "", 1, estate.id),
    }


def _place_names(movements: list[FundMovement]) -> dict[int, str]:
    ids = {m.building_id for m in movements if m.building_id}
    if not ids:
        return {}
    rows = db.session.execute(select(Building.id, Building.name).where(Building.id.in_(ids)))
    return dict(rows.tuples().all())


def _movement_row(m: FundMovement, names: dict[int, str]) -> dict:
    return {
        "seq": m.chain_seq,
        "date": m.occurred_on.isoformat(),
        "kind": m.kind_label,
        "amount": format_fen(m.amount_fen),
        "negative": m.amount_fen < 0,
        "building": names.get(m.building_id, "全小区" if m.unit_id is None else ""),
        "description": m.description,
        "project_id": m.project_id,
        "hash": m.hash,
        "previous_hash": m.previous_hash,
    }
