"""What the console shows of one repair project and does with it: the auditor's reading
(scope, bearing buildings, quotes and the choice, the vote or the emergency sign-offs, the
pre-check, acceptance, payments with their chain hashes, ratings, documents, every event), the
township's pre-check queue (事前指导), and its pass / return — the fund's own transition.
"""

from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.access.roles import ROLE_LABELS, STAFF_ROLES, Role
from backend.access.scope import get_estate_for, roles_on_estate
from backend.accounts.models import User
from backend.common.clock import local_text
from backend.common.money import format_fen
from backend.common.pagination import paginate_rows
from backend.common.ratios import average
from backend.console.forms import page_arg
from backend.console.funds.pages import PAGE_SIZE, project_row, staff_estates
from backend.errors import NotFound, ValidationFailed
from backend.extensions import db
from backend.funds import workflow
from backend.funds.events import ACTION_LABELS
from backend.funds.models import (
    DOCUMENT_LABELS,
    SIGN_OFF_LABELS,
    STATUS_LABELS,
    ApprovalPath,
    DocumentKind,
    EmergencySignOff,
    FundMovement,
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
from backend.votes.models import STATUS_LABELS as MOTION_STATUS_LABELS
from backend.votes.models import Motion

# Stages a project leaves the pre-check for, shown as the queue's counts.
PRECHECK_COUNTED = (ProjectStatus.SUBMITTED, ProjectStatus.RETURNED, ProjectStatus.PRECHECKED)


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
        "row": project_row(project, estate.name),
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
        "motion_status": MOTION_STATUS_LABELS.get(motion.status, motion.status) if motion else "",
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
            RepairProject.estate_id.in_(staff_estates(user)),
            RepairProject.status == ProjectStatus.SUBMITTED,
        )
        .order_by(RepairProject.submitted_at, RepairProject.id)
    )
    result = paginate_rows(query, page, PAGE_SIZE)
    counts = {status.value: 0 for status in PRECHECK_COUNTED}
    for status, n in db.session.execute(
        select(RepairProject.status, func.count())
        .where(
            RepairProject.estate_id.in_(staff_estates(user)),
            RepairProject.status.in_(PRECHECK_COUNTED),
        )
        .group_by(RepairProject.status)
    ):
        counts[status] = n
    return {
        "result": result,
        "pages": max(1, ceil(result.total / PAGE_SIZE)),
        "projects": [project_row(p, name) for p, name in result.items],
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
