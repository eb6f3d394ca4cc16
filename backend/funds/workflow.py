"""A project's stages and who moves it (see models.ProjectStatus and the fund API spec):

- submit (committee): draft or returned → submitted; when the budget is above
  LINLI_FUND_QUOTES_ABOVE_FEN it needs LINLI_FUND_QUOTES_MIN quotes and a chosen one with its reason
- precheck_pass / precheck_return (township, 事前指导): submitted → prechecked / returned
- authorise (committee): prechecked or stopped → authorised when approvals.problem() is empty
- start (committee): authorised → in_progress, with the contract uploaded
- accept (committee, 竣工验收): in_progress → accepted, with a note and acceptance photos
- cancel (committee): before works start
"""

from sqlalchemy import func, select

from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, ValidationFailed
from backend.extensions import db
from backend.funds import approvals, events
from backend.funds.access import COMMITTEE_ROLES, PRECHECK_ROLES, project_for, require
from backend.funds.models import (
    DocumentKind,
    ProjectStatus,
    RepairDocument,
    RepairProject,
    RepairQuote,
)
from backend.funds.projects import quotes_required

S = ProjectStatus
ACTIONS = ("submit", "precheck_pass", "precheck_return", "authorise", "start", "accept", "cancel")
CANCELLABLE = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.PRECHECKED, S.AUTHORISED)


def _documents(project: RepairProject, kind: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RepairDocument)
        .where(RepairDocument.project_id == project.id, RepairDocument.kind == kind)
    )


def quotes_problem(project: RepairProject) -> str | None:
    """Why the project's quotes do not yet allow submitting it (None: they do)."""
    needed = quotes_required(project.budget_fen)
    if not needed:
        return None
    quotes = db.session.scalars(
        select(RepairQuote).where(RepairQuote.project_id == project.id)
    ).all()
    if len(quotes) < needed:
        return f"预算超过规定金额，须至少 {needed} 份报价（现有 {len(quotes)} 份）"
    if not any(q.is_chosen for q in quotes) or not project.choice_reason:
        return "请选定一份报价并说明理由"
    return None


def _require_note(note: str | None, message: str) -> str:
    if not (note or "").strip():
        raise ValidationFailed(message, fields={"note": [message]})
    return note.strip()


@unit_of_work
def transition(user: User, estate_id: int, project_id: int, action: str, note=None):
    """Move the project by ``action`` (see the module docstring); returns the project.

    :raises Forbidden: the user may not take this action.
    :raises Conflict: not at this stage, or a rule of the stage is not met.
    """
    _estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    before = project.status
    now = utcnow()
    topic, data = None, {}
    if action == "precheck_pass" or action == "precheck_return":
        role = require(roles, PRECHECK_ROLES, "事前指导由街道（乡镇）办理")
        if before != S.SUBMITTED:
            raise Conflict(f"项目{project.status_label}，不在事前指导阶段")
        if action == "precheck_return":
            note = _require_note(note, "退回时请写明指导意见")
        project.status = S.PRECHECKED if action == "precheck_pass" else S.RETURNED
        project.precheck_comment = (note or "").strip() or None
        project.prechecked_by_id, project.prechecked_at = user.id, now
        topic, data = events.PRECHECKED, {"comment": project.precheck_comment}
    else:
        role = require(roles, COMMITTEE_ROLES, "只有业委会可以办理该操作")
        if action == "submit":
            if before not in (S.DRAFT, S.RETURNED):
                raise Conflict(f"项目{project.status_label}，不能提交")
            reason = quotes_problem(project)
            if reason:
                raise Conflict(reason)
            project.status, project.submitted_at = S.SUBMITTED, now
            data = {"budget_fen": project.budget_fen, "resubmitted": before == S.RETURNED}
            topic = events.PROPOSED
        elif action == "authorise":
            if before not in approvals.WAITING:
                raise Conflict(f"项目{project.status_label}，不在待批准阶段")
            reason = approvals.problem(project)
            if reason:
                raise Conflict(reason)
            approvals.authorise_if_ready(project, user, role)
            return project
        elif action == "start":
            if before != S.AUTHORISED:
                raise Conflict(f"项目{project.status_label}，不能开工")
            if not _documents(project, DocumentKind.CONTRACT):
                raise Conflict("请先上传施工合同")
            project.status, project.started_at = S.IN_PROGRESS, now
            topic = events.STARTED
        elif action == "accept":
            if before != S.IN_PROGRESS:
                raise Conflict(f"项目{project.status_label}，不能验收")
            note = _require_note(note, "请填写验收意见")
            photos = db.session.scalars(
                select(RepairDocument.id).where(
                    RepairDocument.project_id == project.id,
                    RepairDocument.kind == DocumentKind.ACCEPTANCE_PHOTO,
                )
            ).all()
            if not photos:
                raise Conflict("请先上传验收照片")
            project.status = S.ACCEPTED
            project.acceptance_note, project.accepted_by_id, project.accepted_at = (
                note,
                user.id,
                now,
            )
            topic, data = events.ACCEPTED, {"photo_ids": list(photos)}
        elif action == "cancel":
            if before not in CANCELLABLE:
                raise Conflict(f"项目{project.status_label}，不能取消")
            note = _require_note(note, "请写明取消原因")
            project.status = S.CANCELLED
        else:  # the schema allows only ACTIONS
            raise ValidationFailed("操作无效", fields={"action": ["操作无效"]})
    db.session.flush()
    events.record(project, action, user, role, before, note=note, data=data, topic=topic)
    if action == "precheck_pass":
        # An emergency repair may have been signed by all three while waiting for the check.
        approvals.authorise_if_ready(project, user, role)
    return project
