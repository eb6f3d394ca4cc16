"""What the estate's group hears about a repair project paid from the maintenance fund (公维金),
one post per stage (Chinese): proposed, pre-checked (passed or returned), vote opened,
authorised, started, stopped by a budget rise, accepted (with its first photo) and paid (with
the fund chain's hash); and, daily, an emergency repair whose owners were not told in time.

The subject of each stage's post is the project's event row (``RepairProjectEvent``): an event
is a fact that stays true, so a post reads the event's own figures (``event.data``) and the
project only for its name and buildings. The outbox's dedupe key (topic, event, group) makes
each stage post once per group however often its event is queued. The daily reminder's subject
is the project, read as it is when sent: told meanwhile, it is cancelled.
"""

from flask import current_app
from sqlalchemy import select

from backend.common.clock import local_text
from backend.common.money import format_fen
from backend.extensions import db
from backend.funds.events import (
    ACCEPTED,
    AUTHORISED,
    PAID,
    PRECHECKED,
    PROPOSED,
    STARTED,
    STOPPED,
    VOTE_OPENED,
)
from backend.funds.models import (
    ApprovalPath,
    DocumentKind,
    ProjectStatus,
    RepairDocument,
    RepairProject,
    RepairProjectEvent,
    RepairProjectUnit,
    RepairQuote,
)
from backend.funds.posts import NOTICE_OVERDUE
from backend.places.models import Building, Estate
from backend.votes.models import Motion

MINI_PROGRAM_HINT = "项目详情、报价、合同和照片可在小程序“维修资金”中查看。"


def _project(event: RepairProjectEvent) -> tuple[RepairProject, Estate]:
    project = db.session.get(RepairProject, event.project_id)
    return project, db.session.get(Estate, project.estate_id)


def _bearing(project: RepairProject) -> str:
    """ "1号楼、2号楼（48 户）": the buildings bearing the cost and how many units."""
    rows = db.session.execute(
        select(Building.name, RepairProjectUnit.unit_id)
        .join(Building, Building.id == RepairProjectUnit.building_id)
        .where(RepairProjectUnit.project_id == project.id)
        .order_by(Building.name, RepairProjectUnit.unit_id)
    ).all()
    names = list(dict.fromkeys(name for name, _ in rows))
    return f"{'、'.join(names) or '—'}（{len(rows)} 户）"


def _page(project: RepairProject) -> str:
    return f"pages/repair-project/index?estate_id={project.estate_id}&id={project.id}"


def _head(label: str, estate: Estate, project: RepairProject) -> str:
    return f"【{label}】{estate.name}“{project.title}”"


def proposed(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    budget = event.data.get("budget_fen", project.budget_fen)
    # A project the township returned is submitted again: the group heard it proposed already.
    if event.data.get("resubmitted"):
        head = _head("维修项目重新提交", estate, project) + "已按街道指导意见修改，"
    else:
        head = _head("维修项目立项", estate, project) + "（"
        head += f"{project.category_label}，{project.path_label}）"
    return [
        {
            "type": "text",
            "page": _page(project),
            "content": head + "已提交街道事前指导。\n"
            f"预算：{format_fen(budget)}\n承担费用：{_bearing(project)}\n{MINI_PROGRAM_HINT}",
        }
    ]


def prechecked(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    comment = event.data.get("comment") or event.note or "无"
    if event.action == "precheck_return":
        return [
            {
                "type": "text",
                "page": _page(project),
                "content": _head("事前指导退回", estate, project)
                + f"未通过街道事前指导，已退回业委会修改。\n指导意见：{comment}",
            }
        ]
    next_step = (
        "下一步：由承担费用的业主表决（业主共同决定）。"
        if project.path == ApprovalPath.VOTE
        else "下一步：完成业委会、社区、街道三方应急签批，并告知业主。"
    )
    return [
        {
            "type": "text",
            "page": _page(project),
            "content": _head("事前指导通过", estate, project)
            + f"已通过街道事前指导。\n指导意见：{comment}\n{next_step}",
        }
    ]


def vote_opened(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    motion = db.session.get(Motion, event.data.get("motion_id") or project.motion_id)
    if motion is None:
        return []
    return [
        {
            "type": "text",
            "page": f"pages/motion/index?id={motion.id}",
            "content": _head("维修项目表决", estate, project)
            + f"使用专项维修资金的业主表决“{motion.title}”已发起，"
            f"投票时间 {local_text(motion.opens_at)} 至 {local_text(motion.closes_at)}。\n"
            f"参与表决：{_bearing(project)}的业主（按专有部分面积和人数双过半计算）。\n"
            "请在小程序“业主表决”中投票。",
        }
    ]


def authorised(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    data = event.data
    budget = data.get("approved_budget_fen") or project.approved_budget_fen or project.budget_fen
    if data.get("path", project.path) == ApprovalPath.EMERGENCY:
        how = "已由业委会、社区、街道三方签批，按应急维修办理"
        notice_days = current_app.config["FUND_EMERGENCY_NOTICE_DAYS"]
        how += f"，业委会将在 {notice_days} 日内告知业主"
    else:
        motion = db.session.get(Motion, data.get("motion_id") or project.motion_id)
        how = f"经业主表决“{motion.title}”通过" if motion else "经业主表决通过"
    return [
        {
            "type": "text",
            "page": _page(project),
            "content": _head("维修项目获批", estate, project)
            + f"{how}。\n批准预算：{format_fen(budget)}\n{MINI_PROGRAM_HINT}",
        }
    ]


def started(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    quote = db.session.scalar(
        select(RepairQuote).where(RepairQuote.project_id == project.id, RepairQuote.is_chosen)
    )
    builder = f"施工单位：{quote.contractor}\n" if quote else ""
    return [
        {
            "type": "text",
            "page": _page(project),
            "content": _head("维修项目开工", estate, project)
            + f"于{local_text(event.created_at)}开工。\n{builder}"
            "施工过程照片将在小程序“维修资金”中陆续公示，欢迎业主监督。",
        }
    ]


def stopped(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    data = event.data
    again = "重新表决" if project.path == ApprovalPath.VOTE else "重新应急签批"
    return [
        {
            "type": "text",
            "page": _page(project),
            "content": _head("维修项目暂停", estate, project)
            + f"预算由 {format_fen(data.get('from_fen', 0))} 调整为 "
            f"{format_fen(data.get('to_fen', project.budget_fen))}，超过批准预算允许的上限 "
            f"{format_fen(data.get('limit_fen', 0))}，项目暂停，须{again}后方可继续。",
        }
    ]


def accepted(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    days = current_app.config["FUND_RATING_DAYS"]
    text = {
        "type": "text",
        "page": _page(project),
        "content": _head("竣工验收", estate, project)
        + f"已于{local_text(event.created_at)}由业委会验收。\n"
        f"验收意见：{event.note or project.acceptance_note or '无'}\n"
        f"承担费用的业主可在 {days} 天内在小程序中为维修质量评分（1–5 星）。",
    }
    photo_ids = event.data.get("photo_ids") or []
    photo = (
        db.session.scalar(
            select(RepairDocument)
            .where(
                RepairDocument.id.in_(photo_ids),
                RepairDocument.project_id == project.id,
                RepairDocument.kind == DocumentKind.ACCEPTANCE_PHOTO,
            )
            .order_by(RepairDocument.id)
            .limit(1)
        )
        if photo_ids
        else None
    )
    return [text, *([{"type": "image", "storage_key": photo.storage_key}] if photo else [])]


def paid(event: RepairProjectEvent) -> list[dict]:
    project, estate = _project(event)
    data = event.data
    return [
        {
            "type": "text",
            "page": _page(project),
            "content": _head("维修资金支付", estate, project)
            + f"从专项维修资金支付 {format_fen(data.get('amount_fen', 0))}，"
            f"按专有部分面积分摊至 {data.get('units', 0)} 户（精确到分）。\n"
            f"记入维修资金账本第 {data.get('chain_seq')} 笔，哈希：{data.get('hash')}\n"
            "付款凭证和每户分摊明细可在小程序“维修资金”中查看，账本可随时核验。",
        }
    ]


def notice_overdue(project: RepairProject) -> list[dict]:
    """An emergency repair whose owners were not told by the due date (subject: the project);
    nothing once they have been told, or the repair was cancelled, before it went out."""
    if project.owners_told_at is not None or project.status == ProjectStatus.CANCELLED:
        return []
    estate = db.session.get(Estate, project.estate_id)
    days = current_app.config["FUND_EMERGENCY_NOTICE_DAYS"]
    due = project.owners_notice_due_on.isoformat() if project.owners_notice_due_on else "—"
    return [
        {
            "type": "text",
            "page": _page(project),
            "content": _head("应急维修未按时告知", estate, project)
            + f"已按应急维修签批动用维修资金，按规定应在签批后 {days} 日内（{due} 前）告知业主，"
            "目前仍未告知。请业委会尽快在小程序中发布告知，社区将跟进督促。",
        }
    ]


def _project_messages(subject_id: int) -> list[dict]:
    project = db.session.get(RepairProject, subject_id, populate_existing=True)
    return notice_overdue(project) if project else []


def _messages(render):
    def for_subject(subject_id: int) -> list[dict]:
        event = db.session.get(RepairProjectEvent, subject_id, populate_existing=True)
        return render(event) if event else []

    return for_subject


# Outbox topic -> messages for its subject id (bot.messages.TOPICS takes them all).
TOPICS = {
    PROPOSED: _messages(proposed),
    PRECHECKED: _messages(prechecked),
    VOTE_OPENED: _messages(vote_opened),
    AUTHORISED: _messages(authorised),
    STARTED: _messages(started),
    STOPPED: _messages(stopped),
    ACCEPTED: _messages(accepted),
    PAID: _messages(paid),
    NOTICE_OVERDUE: _project_messages,
}
