"""What the console shows about the estates a staff user supervises: the list with its counts,
and one estate with its group chats and delivery log (and requeueing a dead delivery)."""

from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.access.scope import get_estate_for, visible_estates
from backend.accounts.models import User
from backend.claims.models import Claim
from backend.common.clock import local_text
from backend.common.pagination import Page, paginate
from backend.console.forms import page_arg
from backend.console.group_chats.pages import group_rows
from backend.errors import Forbidden, NotFound
from backend.extensions import db
from backend.group_chats.models import CHANNEL_LABELS, PROFILE_LABELS
from backend.outbox import services as outbox
from backend.outbox.models import STATUS_LABELS, OutboxMessage, OutboxStatus
from backend.places.models import Community, Estate, Unit

LOG_PAGE_SIZE = 50
ERROR_PREVIEW_CHARS = 60
# Outbox topics in words; a topic missing here shows as its code rather than failing.
TOPIC_LABELS = {
    "notice.published": "公告发布",
    "notice.withdrawn": "公告撤回",
    "ledger.published": "账目公示",
    "ticket.escalations": "工单升级汇总",
    "ticket.weekly": "工单周报",
    "ticket.escalated": "工单升级提醒",
    "ticket.assigned": "工单转办",
    "vote.announced": "表决公告",
    "vote.opened": "表决开始",
    "vote.closing": "表决即将截止",
    "vote.turnout": "投票进度",
    "vote.quorum": "达到法定人数",
    "vote.result": "表决结果",
    "vote.cancelled": "表决取消",
    "vote.card": "表决卡片",
    "register.reelection": "换届提醒",
    "ledger.question_answered": "质询已答复",
    "ledger.question_overdue": "质询逾期未答复",
    "ledger.late": "账目逾期未公示",
    "problem.closed_out": "问题销号",
    "meeting.decisions": "联席会议决定",
    "rating.confirmed": "星级评定",
    "credit.penalty": "物业信用惩戒",
    "claim.waiting": "认证待审核",
    "group.test": "测试消息",
    "subscribe.ticket_replied": "订阅消息：工单已反馈",
    "subscribe.ticket_escalated": "订阅消息：工单已升级",
    "subscribe.question_answered": "订阅消息：质询已答复",
    "subscribe.owner_asked": "订阅消息：业主质询",
    "subscribe.motion_opened": "订阅消息：表决开始",
    "subscribe.motion_result": "订阅消息：表决结果",
    "subscribe.period_returned": "订阅消息：账目退回",
    "subscribe.period_progress": "订阅消息：账目进度",
    "fund.proposed": "维修项目立项",
    "fund.prechecked": "维修项目事前指导",
    "fund.vote_opened": "维修项目表决发起",
    "fund.authorised": "维修项目获批",
    "fund.started": "维修项目开工",
    "fund.stopped": "维修项目预算超限暂停",
    "fund.accepted": "维修项目竣工验收",
    "fund.paid": "维修资金支付",
    "fund.notice_overdue": "应急维修未按时告知业主",
}


def supervised_estates(user: User, q: str | None, page: int, page_size: int = 50) -> dict:
    """A page of estates in the staff user's scope, with unit and pending-claim counts
    fetched in two grouped queries (never one per estate)."""
    query = visible_estates(user).options(
        joinedload(Estate.community).joinedload(Community.township)
    )
    if q:
        query = query.where(Estate.name.contains(q.strip(), autoescape=True))
    result: Page = paginate(query.order_by(Estate.township_id, Estate.name), page, page_size)
    ids = [e.id for e in result.items]
    units = dict(
        db.session.execute(
            select(Unit.estate_id, func.count())
            .where(Unit.estate_id.in_(ids))
            .group_by(Unit.estate_id)
        ).all()
    )
    pending = dict(
        db.session.execute(
            select(Claim.estate_id, func.count())
            .where(Claim.estate_id.in_(ids), Claim.status == "pending")
            .group_by(Claim.estate_id)
        ).all()
    )
    return {
        "page": result,
        "rows": [
            {"estate": e, "units": units.get(e.id, 0), "pending_claims": pending.get(e.id, 0)}
            for e in result.items
        ],
    }


def log_filter(status: str | None, page: int | None) -> tuple[str | None, int]:
    """A delivery-log filter from the query string: unknown statuses mean all rows."""
    return (status if status in STATUS_LABELS else None), page_arg(page)


def estate_page(user: User, estate_id: int, status: str | None = None, page: int = 1) -> dict:
    """The estate, its group chats and one page of its delivery log, newest first.

    Constant queries whatever the number of rows: groups in one query, log rows with their
    group joined, counts grouped by status.

    :raises NotFound: no such estate, or outside the user's scope.
    """
    estate = get_estate_for(user, estate_id)
    try:
        groups, groups_active = group_rows(user, estate_id)
    except Forbidden:
        # Sees the estate but holds no role that manages its group chats.
        groups, groups_active = None, False
    status, page = log_filter(status, page)
    log = outbox.delivery_log(estate_id, status, page, LOG_PAGE_SIZE)
    counts = outbox.status_counts(estate_id)
    return {
        "estate": estate,
        "groups": groups,
        "groups_active": groups_active,
        "channels": CHANNEL_LABELS,
        "profiles": PROFILE_LABELS,
        "status": status,
        "counts": [
            {"status": str(s), "label": label, "count": counts.get(s, 0)}
            for s, label in STATUS_LABELS.items()
        ],
        "total": sum(counts.values()),
        "log": log,
        "pages": max(1, ceil(log.total / LOG_PAGE_SIZE)),
        "rows": [_log_row(message) for message in log.items],
        "can_requeue": outbox.can_requeue(user),
    }


def _log_row(message: OutboxMessage) -> dict:
    group = message.group_chat
    error = message.last_error or ""
    if group is not None and group.address in error:
        error = error.replace(group.address, group.address_hint)  # should a sender echo it
    preview = error
    if len(error) > ERROR_PREVIEW_CHARS:
        preview = error[: ERROR_PREVIEW_CHARS - 1] + "…"
    return {
        "id": message.id,
        "created": local_text(message.created_at),
        "topic": TOPIC_LABELS.get(message.topic, message.topic),
        "target": group.name if group is not None else "个人消息",
        # The parts are cut on the first send; before that there is nothing to count.
        "parts": f"{message.parts_sent}/{message.parts_total}" if message.parts_total else "—",
        "status": message.status,
        "status_label": STATUS_LABELS.get(message.status, message.status),
        "attempts": message.attempts,
        "error": error,
        "error_preview": preview,
        "dead": message.status == OutboxStatus.DEAD,
    }


def requeue_delivery(user: User, estate_id: int, outbox_id: int) -> OutboxMessage:
    """Give a dead delivery of this estate a fresh set of tries (admins only).

    :raises NotFound: the estate is outside the user's scope, or the row is not its.
    :raises Forbidden: not an admin.
    :raises InvalidTransition: the row is not dead.
    """
    get_estate_for(user, estate_id)
    # The row must be this page's estate's, not just one the user may see.
    owner = db.session.scalar(select(OutboxMessage.estate_id).where(OutboxMessage.id == outbox_id))
    if owner != estate_id:
        raise NotFound("投递记录不存在")
    return outbox.requeue(user, outbox_id)
