"""What the console's maintenance-fund pages (公维金) show and do: the auditor's view — the
funds of the estates a staff member supervises, one fund with its buildings' shares, its
movements and their chain hashes, the repair projects with their stages, authorisation,
payments and ratings — and the township's pre-check (事前指导) queue with its pass / return
form.

Rules and their checks stay in backend.funds (the pre-check is its transition); this module
reads rows for the templates, scoped like every console page (outside scope: 404), with a
fixed number of queries whatever the rows.
"""

from math import ceil

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from backend.access.roles import ROLE_LABELS, STAFF_ROLES, Role
from backend.access.scope import get_estate_for, roles_on_estate, visible_estates
from backend.accounts.models import User
from backend.common.clock import local_text
from backend.common.money import format_fen
from backend.common.pagination import paginate, paginate_rows
from backend.common.ratios import average
from backend.console.forms import page_arg
from backend.errors import NotFound, ValidationFailed
from backend.extensions import db
from backend.funds import chain as fund_chain
from backend.funds import workflow
from backend.funds.events import ACTION_LABELS
from backend.funds.models import (
    DOCUMENT_LABELS,
    NEWEST_FIRST,
    SIGN_OFF_LABELS,
    STATUS_LABELS,
    ApprovalPath,
    DocumentKind,
    EmergencySignOff,
    FundAllocation,
    FundMovement,
    MaintenanceFund,
    ProjectStatus,
    RepairDocument,
    RepairPayment,
    RepairProject,
    RepairProjectEvent,
    RepairProjectUnit,
    RepairQuote,
    RepairRating,
)
from backend.places.models import Building, Estate
from backend.votes.models import Motion

PAGE_SIZE = 20
MOVEMENTS_PAGE_SIZE = 50
# A county has a few hundred estates; the funds table lists them all, up to this many.
FUNDS_SHOWN = 500
HASH_PREVIEW = 12
# Stages a project leaves the pre-check for, shown as the queue's counts.
PRECHECK_COUNTED = (ProjectStatus.SUBMITTED, ProjectStatus.RETURNED, ProjectStatus.PRECHECKED)


def _staff_estates(user: User):
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
        .where(Estate.id.in_(_staff_estates(user)))
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
            RepairProject.estate_id.in_(_staff_estates(user)),
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
        "projects": [_project_row(p, name) for p, name in result.items],
    }


def _project_row(p: RepairProject, estate_name: str) -> dict:
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


def _supervised_project(user: User, project_id: int) -> tuple[RepairProject, Estate]:
    project = db.session.get(RepairProject, project_id)
    if project is None or project.status == ProjectStatus.DRAFT:
        raise NotFound()
    return project, get_estate_for(user, project.estate_id, STAFF_ROLES)


def may_precheck(user: User, project: RepairProject, estate: Estate) -> bool:
    """A township officer of the project's estate, while the project waits for it."""
    return project.status == ProjectStatus.SUBMITTED and Role.TOWNSHIP_OFFICER in roles_on_estate(
        user, estate
    )


def _name(user: User | None) -> str:
    return (user.real_name or user.display_name) if user else ""


def project_page(user: User, project_id: int) -> dict:
    """A project as its auditor reads it: scope, bearing buildings, quotes and the choice,
    authorisation (the vote or the sign-offs), pre-check, events, documents, payments with
    their chain hashes, and ratings. Staff read names in full.

    :raises NotFound: no such project, a draft, or outside the user's scope.
    """
    project, estate = _supervised_project(user, project_id)
    pid = project.id
    bearing = db.session.execute(
        select(
            Building.name,
            func.count(RepairProjectUnit.id),
            func.coalesce(func.sum(RepairProjectUnit.area_dm2), 0),
        )
        .join(Building, Building.id == RepairProjectUnit.building_id)
        .where(RepairProjectUnit.project_id == pid)
        .group_by(Building.name)
        .order_by(Building.name)
    ).all()
    quotes = db.session.scalars(
        select(RepairQuote).where(RepairQuote.project_id == pid).order_by(RepairQuote.id)
    ).all()
    events = db.session.scalars(
        select(RepairProjectEvent)
        .options(joinedload(RepairProjectEvent.actor))
        .where(RepairProjectEvent.project_id == pid)
        .order_by(RepairProjectEvent.created_at, RepairProjectEvent.id)
    ).all()
    documents = db.session.scalars(
        select(RepairDocument)
        .where(RepairDocument.project_id == pid)
        .order_by(RepairDocument.kind, RepairDocument.id)
    ).all()
    payments = db.session.execute(
        select(RepairPayment, FundMovement)
        .join(FundMovement, FundMovement.id == RepairPayment.movement_id)
        .where(RepairPayment.project_id == pid)
        .order_by(RepairPayment.paid_on, RepairPayment.id)
    ).all()
    rating_total, rated = db.session.execute(
        select(func.coalesce(func.sum(RepairRating.score), 0), func.count()).where(
            RepairRating.project_id == pid
        )
    ).one()
    people = _users(
        {project.prechecked_by_id, project.accepted_by_id}
        | {p.overdraft_by_id for p, _ in payments}
    )
    motion = db.session.get(Motion, project.motion_id) if project.motion_id else None
    return {
        "project": project,
        "row": _project_row(project, estate.name),
        "budget": format_fen(project.budget_fen),
        "approved_budget": format_fen(project.approved_budget_fen)
        if project.approved_budget_fen is not None
        else "—",
        "paid": format_fen(project.paid_fen),
        "bearing": [
            {"building": name, "units": units, "area": _area(int(area))}
            for name, units, area in bearing
        ],
        "quotes": [
            {
                "contractor": q.contractor,
                "amount": format_fen(q.amount_fen),
                "note": q.note,
                "chosen": q.is_chosen,
            }
            for q in quotes
        ],
        "motion": motion,
        "is_vote": project.path == ApprovalPath.VOTE,
        "sign_offs": _sign_offs(project),
        "prechecked_by": _name(people.get(project.prechecked_by_id)),
        "prechecked_at": local_text(project.prechecked_at),
        "accepted_by": _name(people.get(project.accepted_by_id)),
        "accepted_at": local_text(project.accepted_at),
        "owners_told_at": local_text(project.owners_told_at),
        "events": [
            {
                "when": local_text(e.created_at),
                "action": ACTION_LABELS.get(e.action, e.action),
                "to": STATUS_LABELS.get(e.to_status, e.to_status),
                "who": _name(e.actor),
                "role": ROLE_LABELS.get(e.actor_role, e.actor_role),
                "note": e.note or "",
            }
            for e in events
        ],
        "documents": [
            {
                "id": d.id,
                "kind": DOCUMENT_LABELS.get(DocumentKind(d.kind), d.kind),
                "caption": d.caption or d.name,
                "is_photo": d.content_type.startswith("image/"),
            }
            for d in documents
        ],
        "payments": [
            {
                "date": p.paid_on.isoformat(),
                "amount": format_fen(p.amount_fen),
                "payee": p.payee,
                "seq": m.chain_seq,
                "hash": m.hash,
                "overdraft": p.overdraft_reason or "",
                "overdraft_by": _name(people.get(p.overdraft_by_id)),
            }
            for p, m in payments
        ],
        "rating": {"count": rated, "average": average(int(rating_total), rated) or "暂无评价"},
        "can_precheck": may_precheck(user, project, estate),
    }


def _area(dm2: int) -> str:
    return f"{dm2 // 100}.{dm2 % 100:02d} ㎡"


def _users(ids: set) -> dict[int, User]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _sign_offs(project: RepairProject) -> list[dict]:
    rows = db.session.scalars(
        select(EmergencySignOff)
        .options(joinedload(EmergencySignOff.user))
        .where(EmergencySignOff.project_id == project.id)
        .order_by(EmergencySignOff.approval_round, EmergencySignOff.id)
    ).all()
    return [
        {
            "round": s.approval_round,
            "kind": SIGN_OFF_LABELS.get(s.kind, s.kind),
            "who": _name(s.user),
            "role": ROLE_LABELS.get(s.role, s.role),
            "when": local_text(s.signed_at),
            "note": s.note,
        }
        for s in rows
    ]


def precheck_queue(user: User, args) -> dict:
    """The projects in scope waiting for the township's pre-check, longest waiting first, and
    the counts of waiting, returned and passed ones (one grouped query)."""
    page = page_arg(args.get("page"))
    query = (
        select(RepairProject, Estate.name)
        .join(Estate, Estate.id == RepairProject.estate_id)
        .where(
            RepairProject.estate_id.in_(_staff_estates(user)),
            RepairProject.status == ProjectStatus.SUBMITTED,
        )
        .order_by(RepairProject.submitted_at, RepairProject.id)
    )
    result = paginate_rows(query, page, PAGE_SIZE)
    counts = {status.value: 0 for status in PRECHECK_COUNTED}
    for status, n in db.session.execute(
        select(RepairProject.status, func.count())
        .where(
            RepairProject.estate_id.in_(_staff_estates(user)),
            RepairProject.status.in_(PRECHECK_COUNTED),
        )
        .group_by(RepairProject.status)
    ):
        counts[status] = n
    return {
        "result": result,
        "pages": max(1, ceil(result.total / PAGE_SIZE)),
        "projects": [_project_row(p, name) for p, name in result.items],
        "counts": counts,
        "labels": STATUS_LABELS,
        "query": {},
    }


def document_for(user: User, document_id: int) -> RepairDocument:
    """:raises NotFound: no such document, or its project is outside the user's scope."""
    document = db.session.get(RepairDocument, document_id)
    if document is None:
        raise NotFound()
    _supervised_project(user, document.project_id)
    return document


PRECHECK_DECISIONS = {"pass": "precheck_pass", "return": "precheck_return"}


def precheck(user: User, project_id: int, form) -> RepairProject:
    """Pass or return the project (事前指导) with the officer's comments, as the API's
    transition does: the township officer of the estate, while the project waits for it.

    :raises NotFound: outside scope. :raises Forbidden: not a township officer of the estate.
    :raises Conflict: the project no longer waits for the pre-check.
    :raises ValidationFailed: no decision, or a return without comments.
    """
    action = PRECHECK_DECISIONS.get(form.get("decision", ""))
    if action is None:
        raise ValidationFailed("请选择通过或退回", fields={"decision": ["请选择通过或退回"]})
    project, estate = _supervised_project(user, project_id)
    note = (form.get("note") or "").strip() or None
    return workflow.transition(user, estate.id, project.id, action, note)
