"""A project's trail and what its estate's group chats hear: every change is an event row
(who, in which role, when, what), and a stage the group follows also queues one outbox row
per group, keyed by the event so each stage is posted once however often a job or request
is retried. The messages themselves are rendered in bot/group_posts.py."""

from backend.accounts.models import User
from backend.extensions import db
from backend.funds.models import RepairProject, RepairProjectEvent
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox

PROPOSED = "fund.proposed"
PRECHECKED = "fund.prechecked"
VOTE_OPENED = "fund.vote_opened"
AUTHORISED = "fund.authorised"
STARTED = "fund.started"
STOPPED = "fund.stopped"
ACCEPTED = "fund.accepted"
PAID = "fund.paid"
TOPICS = (PROPOSED, PRECHECKED, VOTE_OPENED, AUTHORISED, STARTED, STOPPED, ACCEPTED, PAID)

ACTION_LABELS = {
    "create": "创建项目",
    "edit": "修改项目",
    "add_quote": "添加报价",
    "choose_quote": "选定报价",
    "submit": "提交事前指导",
    "precheck_pass": "事前指导通过",
    "precheck_return": "事前指导退回",
    "cite_motion": "关联业主表决",
    "sign_off": "应急签批",
    "authorise": "批准使用维修资金",
    "notify_owners": "告知业主",
    "start": "开始施工",
    "change_budget": "调整预算",
    "stop": "预算超限暂停",
    "upload": "上传资料",
    "accept": "竣工验收",
    "pay": "支付",
    "cancel": "取消项目",
}


def record(
    project: RepairProject,
    action: str,
    user: User,
    role: str,
    from_status: str | None = None,
    note: str | None = None,
    data: dict | None = None,
    topic: str | None = None,
) -> RepairProjectEvent:
    """Write the event (the project's status after it is ``to_status``) and, given a topic,
    queue it for the estate's group chats, in the caller's transaction."""
    event = RepairProjectEvent(
        estate_id=project.estate_id,
        project_id=project.id,
        action=action,
        from_status=from_status,
        to_status=project.status,
        actor_id=user.id,
        actor_role=role,
        note=note,
        data=data or {},
    )
    db.session.add(event)
    db.session.flush()
    if topic is not None:
        outbox.add_once_for_groups(topic, event.id, active_groups([project.estate_id]))
    return event
