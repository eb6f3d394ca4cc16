"""What authorises spending the fund on a project, exactly one of:

- a **passed** ``use_maintenance_fund`` motion of the owners who bear the cost (Civil Code
  art. 278 item 5, counted over those owners): the motion's building scope must be exactly the
  project's bearing buildings (a motion of the whole estate fits only a project the whole
  estate bears), and a motion authorises a project once — after a budget rise stops it, only a
  motion not cited before can approve it again;
- the **emergency path** (应急维修, the categories of models.EMERGENCY_CATEGORIES): the
  committee, the community and the township each sign the current approval round, and the
  owners are told by a notice within LINLI_FUND_EMERGENCY_NOTICE_DAYS days.

``problem`` says what is missing, and is asked when authorising and again at every payment:
no money moves without one of the two.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from backend.accounts.models import User
from backend.common.clock import SHANGHAI, utcnow
from backend.common.money import format_fen
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound
from backend.extensions import db
from backend.funds import events
from backend.funds.access import COMMITTEE_ROLES, SIGN_OFF_ROLES, project_for, require
from backend.funds.models import (
    SIGN_OFF_LABELS,
    ApprovalPath,
    EmergencySignOff,
    ProjectStatus,
    RepairProject,
    RepairProjectEvent,
    RepairProjectUnit,
    SignOffKind,
)
from backend.notices import services as notices
from backend.places.models import Building
from backend.votes.models import Motion, MotionStatus

MATTER = "use_maintenance_fund"
# Where an approval can still be given (a new one after a budget rise, too).
WAITING = (ProjectStatus.PRECHECKED, ProjectStatus.STOPPED)
SIGNABLE = (ProjectStatus.SUBMITTED, ProjectStatus.RETURNED, *WAITING)


def bearing_buildings(project: RepairProject) -> set[int]:
    return set(
        db.session.scalars(
            select(RepairProjectUnit.building_id)
            .where(RepairProjectUnit.project_id == project.id)
            .distinct()
        )
    )


def motion_problem(motion: Motion | None, project: RepairProject, passed: bool = True):
    """Why ``motion`` cannot authorise ``project`` (None if it can); with ``passed`` False, only
    whether it is the right kind of motion (it may still be open)."""
    if motion is None or motion.estate_id != project.estate_id:
        return "未关联本小区的业主表决"
    if motion.matter != MATTER:
        return "关联的表决事项不是“使用建筑物及其附属设施的维修资金”"
    if motion.building_ids:
        electorate = set(motion.building_ids)
    else:
        electorate = set(
            db.session.scalars(select(Building.id).where(Building.estate_id == motion.estate_id))
        )
    if electorate != bearing_buildings(project):
        return "表决范围与承担费用的楼栋不一致：须由承担费用的业主表决（民法典第二百七十八条）"
    if motion.status == MotionStatus.CANCELLED or (
        motion.status == MotionStatus.CLOSED and not motion.passed
    ):
        return "关联的业主表决未通过"
    if passed and not (motion.status == MotionStatus.CLOSED and motion.passed):
        return "关联的业主表决尚未结束或未通过"
    return None


def signed_kinds(project: RepairProject) -> set[str]:
    return set(
        db.session.scalars(
            select(EmergencySignOff.kind).where(
                EmergencySignOff.project_id == project.id,
                EmergencySignOff.approval_round == project.approval_round,
            )
        )
    )


def problem(project: RepairProject, paying: bool = False) -> str | None:
    """What is missing for the fund to be spent on ``project`` (None: it is authorised)."""
    if project.path == ApprovalPath.VOTE:
        motion = db.session.get(Motion, project.motion_id) if project.motion_id else None
        return motion_problem(motion, project)
    missing = [SIGN_OFF_LABELS[k] for k in SignOffKind if k not in signed_kinds(project)]
    if missing:
        return "应急维修尚缺" + "、".join(missing) + "签批"
    if paying and project.owners_told_at is None:
        return "应急维修尚未告知业主"
    return None


def authorise_if_ready(project: RepairProject, user: User, role: str) -> bool:
    """Move a project waiting for approval on, if it now has one: to authorised (or back to
    in_progress after a stop once works had started); the budget it covers is the current one."""
    if project.status not in WAITING or problem(project) is not None:
        return False
    before = project.status
    resumed = before == ProjectStatus.STOPPED and project.started_at is not None
    project.status = ProjectStatus.IN_PROGRESS if resumed else ProjectStatus.AUTHORISED
    project.approved_budget_fen = project.budget_fen
    project.authorised_at = utcnow()
    if project.path == ApprovalPath.EMERGENCY and project.owners_told_at is None:
        days = current_app.config["FUND_EMERGENCY_NOTICE_DAYS"]
        project.owners_notice_due_on = utcnow().astimezone(SHANGHAI).date() + timedelta(days)
    db.session.flush()
    events.record(
        project,
        "authorise",
        user,
        role,
        before,
        data={
            "path": project.path,
            "motion_id": project.motion_id,
            "approved_budget_fen": project.approved_budget_fen,
        },
        topic=events.AUTHORISED,
    )
    return True


def _cited_before(project: RepairProject) -> set[int]:
    rows = db.session.scalars(
        select(RepairProjectEvent.data).where(
            RepairProjectEvent.project_id == project.id,
            RepairProjectEvent.action == "cite_motion",
        )
    )
    return {d.get("motion_id") for d in rows}


@unit_of_work
def cite_motion(user: User, estate_id: int, project_id: int, motion_id: int) -> RepairProject:
    """Cite the owners' vote that decides the project; a closed, passed one authorises it.

    :raises NotFound: the motion is not of this estate.
    :raises Conflict: not the vote path, not waiting for approval, wrong matter or scope, the
        motion failed, or it was cited before.
    """
    _estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    role = require(roles, COMMITTEE_ROLES, "只有业委会可以关联业主表决")
    if project.path != ApprovalPath.VOTE:
        raise Conflict("应急维修项目不经业主表决批准")
    if project.status not in WAITING:
        raise Conflict(f"项目{project.status_label}，不能关联业主表决")
    motion = db.session.get(Motion, motion_id)
    if motion is None or motion.estate_id != project.estate_id:
        raise NotFound("业主表决不存在")
    if motion.id in _cited_before(project):
        raise Conflict("该表决已用于批准本项目，预算超限后须重新表决")
    reason = motion_problem(motion, project, passed=False)
    if reason:
        raise Conflict(reason)
    project.motion_id = motion.id
    db.session.flush()
    open_vote = motion.status != MotionStatus.CLOSED
    events.record(
        project,
        "cite_motion",
        user,
        role,
        project.status,
        data={"motion_id": motion.id},
        topic=events.VOTE_OPENED if open_vote else None,
    )
    authorise_if_ready(project, user, role)
    return project


@unit_of_work
def sign_off(user: User, estate_id: int, project_id: int, kind: str, note: str = ""):
    """Sign an emergency repair for the committee, the community or the township; the third
    signature of a pre-checked project authorises it.

    :raises Forbidden: the user does not hold that role on the estate.
    :raises Conflict: not an emergency, not signable now, or signed already this round.
    """
    _estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    role = require(roles, SIGN_OFF_ROLES[SignOffKind(kind)], "您不能代表该单位签批")
    if project.path != ApprovalPath.EMERGENCY:
        raise Conflict("只有应急维修项目需要三方签批")
    if project.status not in SIGNABLE:
        raise Conflict(f"项目{project.status_label}，不能签批")
    if kind in signed_kinds(project):
        raise Conflict(f"{SIGN_OFF_LABELS[SignOffKind(kind)]}已签批")
    db.session.add(
        EmergencySignOff(
            project_id=project.id,
            approval_round=project.approval_round,
            kind=kind,
            user_id=user.id,
            role=role,
            note=note or "",
        )
    )
    db.session.flush()
    events.record(
        project,
        "sign_off",
        user,
        role,
        project.status,
        note=note or None,
        data={"kind": kind, "round": project.approval_round},
    )
    authorise_if_ready(project, user, role)
    return project


@unit_of_work
def notify_owners(user: User, estate_id: int, project_id: int) -> RepairProject:
    """Tell the estate's owners of an emergency repair by a notice (group chats included).

    :raises Conflict: not an emergency, not authorised yet, or told already.
    """
    _estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    role = require(roles, COMMITTEE_ROLES, "只有业委会可以发布告知")
    if project.path != ApprovalPath.EMERGENCY:
        raise Conflict("只有应急维修项目需要事后告知业主")
    if project.owners_told_at is not None:
        raise Conflict("已告知业主")
    if project.authorised_at is None:
        raise Conflict("应急维修签批完成后再告知业主")
    notice = notices.publish(
        user,
        "estate",
        project.estate_id,
        f"应急维修告知：{project.title}"[:100],
        f"{project.scope}\n\n本项目属应急维修（{project.category_label}），已经业委会、社区、"
        f"街道（乡镇）签批，预算 {format_fen(project.budget_fen)}，"
        "由承担费用的业主按专有部分面积分摊。"
        "施工、验收和支付情况可在小程序“维修资金”中查看。",
    )
    project.owners_notice_id = notice.id
    project.owners_told_at = utcnow()
    db.session.flush()
    late = (
        project.owners_notice_due_on is not None
        and project.owners_told_at.astimezone(SHANGHAI).date() > project.owners_notice_due_on
    )
    events.record(
        project,
        "notify_owners",
        user,
        role,
        project.status,
        data={"notice_id": notice.id, "late": late},
    )
    return project


def rise_limit(approved_fen: int) -> int:
    """The highest budget ``approved_fen`` still covers: LINLI_FUND_BUDGET_RISE_PERCENT more
    (rounded down to the fen)."""
    percent = current_app.config["FUND_BUDGET_RISE_PERCENT"]
    return approved_fen * (100 + percent) // 100


@unit_of_work
def change_budget(user: User, estate_id: int, project_id: int, budget_fen: int, reason: str):
    """Change an approved project's budget. A rise past ``rise_limit`` stops the project until
    a new approval (a new passed motion, or three new sign-offs); only that resumes it, even if
    the budget is lowered again meanwhile.

    :raises Conflict: the project is not approved, or already paid / below what was paid.
    """
    _estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    role = require(roles, COMMITTEE_ROLES, "只有业委会可以调整预算")
    if project.status not in (
        ProjectStatus.AUTHORISED,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.STOPPED,
    ):
        raise Conflict(f"项目{project.status_label}，不能调整预算")
    before, old = project.status, project.budget_fen
    limit = rise_limit(project.approved_budget_fen)
    project.budget_fen = budget_fen
    data = {"from_fen": old, "to_fen": budget_fen, "limit_fen": limit}
    if budget_fen > limit or before == ProjectStatus.STOPPED:
        project.status = ProjectStatus.STOPPED
        if project.path == ApprovalPath.EMERGENCY and before != ProjectStatus.STOPPED:
            project.approval_round += 1
        db.session.flush()
        events.record(
            project,
            "stop" if before != ProjectStatus.STOPPED else "change_budget",
            user,
            role,
            before,
            note=reason,
            data=data,
            topic=events.STOPPED if before != ProjectStatus.STOPPED else None,
        )
        return project
    db.session.flush()
    events.record(project, "change_budget", user, role, before, note=reason, data=data)
    return project
