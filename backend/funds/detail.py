"""A project as the caller sees it: everything about it, and what the caller may do now."""

from sqlalchemy import func, select

from backend.accounts.models import User
from backend.extensions import db
from backend.funds import approvals, ratings
from backend.funds.access import (
    COMMITTEE_ROLES,
    PRECHECK_ROLES,
    SIGN_OFF_ROLES,
    WRITER_ROLES,
    is_staff,
    owned_units,
    project_for,
)
from backend.funds.events import ACTION_LABELS
from backend.funds.models import (
    DOCUMENT_LABELS,
    SIGN_OFF_LABELS,
    ApprovalPath,
    DocumentKind,
    EmergencySignOff,
    ProjectStatus,
    RepairDocument,
    RepairPayment,
    RepairProject,
    RepairProjectEvent,
    RepairProjectUnit,
    RepairQuote,
    SignOffKind,
)
from backend.funds.payments import payment_detail
from backend.funds.projects import EDITABLE, quotes_required, shown_name
from backend.funds.workflow import CANCELLABLE
from backend.places.models import Building
from backend.votes.models import STATUS_LABELS as MOTION_STATUS_LABELS
from backend.votes.models import Motion

S = ProjectStatus


def _buildings(project: RepairProject) -> list[dict]:
    rows = db.session.execute(
        select(
            Building.id,
            Building.name,
            func.count(RepairProjectUnit.id),
            func.sum(RepairProjectUnit.area_dm2),
        )
        .join(Building, Building.id == RepairProjectUnit.building_id)
        .where(RepairProjectUnit.project_id == project.id)
        .group_by(Building.id, Building.name)
        .order_by(Building.id)
    )
    return [
        {"building_id": b, "name": n, "unit_count": c, "area_dm2": int(a or 0)}
        for b, n, c, a in rows
    ]


def _motion(project: RepairProject) -> dict | None:
    motion = db.session.get(Motion, project.motion_id) if project.motion_id else None
    if motion is None:
        return None
    return {
        "id": motion.id,
        "title": motion.title,
        "status": motion.status,
        "status_label": MOTION_STATUS_LABELS[motion.status],
        "passed": motion.passed,
        "building_ids": motion.building_ids,
        "closes_at": motion.closes_at,
    }


def document_view(document: RepairDocument) -> dict:
    return {
        "document": document,
        "kind_label": DOCUMENT_LABELS[DocumentKind(document.kind)],
        "url": f"/api/v1/estates/{document.estate_id}/repair-projects/{document.project_id}"
        f"/documents/{document.id}",
    }


def actions(project: RepairProject, roles: set[str], can_rate: bool) -> list[str]:
    """What the caller may do now (the pages show these buttons)."""
    committee = bool(roles & set(COMMITTEE_ROLES))
    status, found = project.status, []
    if committee:
        if status in EDITABLE:
            found += ["edit", "add_quote", "submit"]
        if project.path == ApprovalPath.VOTE and status in approvals.WAITING:
            found += ["cite_motion", "authorise"]
        if status == S.AUTHORISED:
            found.append("start")
        if status in (S.AUTHORISED, S.IN_PROGRESS, S.STOPPED):
            found.append("change_budget")
        if status == S.IN_PROGRESS:
            found.append("accept")
        if status == S.ACCEPTED:
            found.append("pay")
        if (
            project.path == ApprovalPath.EMERGENCY
            and project.authorised_at is not None
            and project.owners_told_at is None
        ):
            found.append("notify_owners")
        if status in CANCELLABLE:
            found.append("cancel")
    if roles & set(WRITER_ROLES) and status not in (S.PAID, S.CANCELLED):
        found.append("upload")
    if roles & set(PRECHECK_ROLES) and status == S.SUBMITTED:
        found += ["precheck_pass", "precheck_return"]
    if project.path == ApprovalPath.EMERGENCY and status in approvals.SIGNABLE:
        signed = approvals.signed_kinds(project)
        for kind in SignOffKind:
            if kind not in signed and roles & set(SIGN_OFF_ROLES[kind]):
                found.append(f"sign_{kind}")
    if can_rate:
        found.append("rate")
    return found


def project_detail(user: User, estate_id: int, project_id: int) -> dict:
    _estate, project, roles = project_for(user, estate_id, project_id)
    return describe(user, project, roles)


def describe(user: User, project: RepairProject, roles: set[str]) -> dict:
    staff = is_staff(roles)
    own = None if staff else {u.id for u in owned_units(user, project.estate_id)}
    people = {}

    def name(u) -> str:
        return shown_name(u, user, staff)

    quotes = db.session.scalars(
        select(RepairQuote).where(RepairQuote.project_id == project.id).order_by(RepairQuote.id)
    ).all()
    sign_offs = db.session.scalars(
        select(EmergencySignOff)
        .where(EmergencySignOff.project_id == project.id)
        .order_by(EmergencySignOff.id)
    ).all()
    documents = db.session.scalars(
        select(RepairDocument)
        .where(RepairDocument.project_id == project.id)
        .order_by(RepairDocument.id)
    ).all()
    payments = db.session.scalars(
        select(RepairPayment)
        .where(RepairPayment.project_id == project.id)
        .order_by(RepairPayment.id)
    ).all()
    trail = db.session.scalars(
        select(RepairProjectEvent)
        .where(RepairProjectEvent.project_id == project.id)
        .order_by(RepairProjectEvent.id)
    ).all()
    rating = ratings.summary(project, user)
    buildings = _buildings(project)
    for user_id in (project.prechecked_by_id, project.accepted_by_id):
        if user_id:
            people[user_id] = name(db.session.get(User, user_id))
    return {
        "project": project,
        "buildings": buildings,
        "bearing_unit_count": sum(b["unit_count"] for b in buildings),
        "bearing_area_dm2": sum(b["area_dm2"] for b in buildings),
        "quotes": quotes,
        "quotes_required": quotes_required(project.budget_fen),
        "motion": _motion(project),
        "sign_offs": [
            {
                "kind": s.kind,
                "kind_label": SIGN_OFF_LABELS[SignOffKind(s.kind)],
                "approval_round": s.approval_round,
                "user_name": name(s.user),
                "role": s.role,
                "note": s.note,
                "signed_at": s.signed_at,
            }
            for s in sign_offs
        ],
        "prechecked_by_name": people.get(project.prechecked_by_id),
        "accepted_by_name": people.get(project.accepted_by_id),
        "documents": [document_view(d) for d in documents],
        # Owners see their own units' shares; their neighbours' balances are not theirs to see.
        "payments": [payment_detail(p, None if staff else own) for p in payments],
        "rating": rating,
        "events": [
            {
                "event": e,
                "action_label": ACTION_LABELS.get(e.action, e.action),
                "actor_name": name(e.actor),
            }
            for e in trail
        ],
        "actions": actions(project, roles, rating["can_rate"]),
    }
