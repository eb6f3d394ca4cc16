"""What one person reads in a subscribe message (Chinese), one renderer per kind.

Every kind fills the same template shape, so one template of the mini-program's console fits
each: thing1 what happened, thing2 the estate, time3 when, thing4 a note (thing fields are
at most 20 characters). The template id is the kind's setting as the message is sent.
"""

from backend.common.clock import local_text
from backend.extensions import db
from backend.ledger.models import LedgerEvent, LedgerPeriod, LedgerQuestion
from backend.places.models import Estate
from backend.subscriptions.kinds import KINDS, template_id
from backend.tickets.models import LEVEL_LABELS, Level, TicketEvent
from backend.votes.models import Motion

THING_CHARS = 20
PROGRESS = {"approve": "已通过业委会审批", "audit": "已通过社区审核", "publish": "已公示"}


def _thing(text: str) -> dict:
    text = " ".join((text or "").split()) or "无"
    return {"value": text if len(text) <= THING_CHARS else text[: THING_CHARS - 1] + "…"}


def _message(kind: str, estate_id: int, what: str, when, page: str, note: str = "") -> list[dict]:
    estate = db.session.get(Estate, estate_id)
    return [
        {
            "template_id": template_id(kind),
            "data": {
                "thing1": _thing(what),
                "thing2": _thing(estate.name),
                "time3": {"value": local_text(when)},
                "thing4": _thing(note),
            },
            "page": page,
        }
    ]


def _period_page(period: LedgerPeriod) -> str:
    return f"pages/ledger-period/index?estate_id={period.estate_id}&id={period.id}"


def ticket_replied(event: TicketEvent) -> list[dict]:
    return _message(
        "ticket_replied",
        event.estate_id,
        f"工单 #{event.ticket_id} 已反馈办理结果",
        event.created_at,
        f"pages/ticket/index?id={event.ticket_id}",
        event.note or "请查看并评价",
    )


def ticket_escalated(event: TicketEvent) -> list[dict]:
    return _message(
        "ticket_escalated",
        event.estate_id,
        f"工单 #{event.ticket_id} 已超时升级",
        event.created_at,
        f"pages/ticket/index?id={event.ticket_id}",
        f"已升级至{LEVEL_LABELS[Level(event.escalation_level)]}督办",
    )


def question_answered(question: LedgerQuestion) -> list[dict]:
    period = db.session.get(LedgerPeriod, question.period_id)
    return _message(
        "question_answered",
        question.estate_id,
        f"您对{period.label}账目的质询已答复",
        question.answered_at,
        _period_page(period),
        question.answer or "",
    )


def owner_asked(question: LedgerQuestion) -> list[dict]:
    period = db.session.get(LedgerPeriod, question.period_id)
    return _message(
        "owner_asked",
        question.estate_id,
        f"业主对{period.label}账目提出质询",
        question.asked_at,
        _period_page(period),
        question.body,
    )


def motion_opened(motion: Motion) -> list[dict]:
    return _message(
        "motion_opened",
        motion.estate_id,
        f"表决已开始：{motion.title}",
        motion.opened_at,
        f"pages/motion/index?id={motion.id}",
        f"截止 {local_text(motion.closes_at)}",
    )


def motion_result(motion: Motion) -> list[dict]:
    outcome = "通过" if motion.passed else "未通过"
    if motion.quorum_met is False:
        outcome = "参与未达法定比例，未通过"
    return _message(
        "motion_result",
        motion.estate_id,
        f"表决结果：{motion.title}",
        motion.closed_at,
        f"pages/motion-result/index?id={motion.id}",
        outcome,
    )


def period_returned(event: LedgerEvent) -> list[dict]:
    period = db.session.get(LedgerPeriod, event.period_id)
    return _message(
        "period_returned",
        event.estate_id,
        f"{period.label}账目被退回",
        event.created_at,
        _period_page(period),
        event.reason or "",
    )


def period_progress(event: LedgerEvent) -> list[dict]:
    period = db.session.get(LedgerPeriod, event.period_id)
    return _message(
        "period_progress",
        event.estate_id,
        f"{period.label}账目{PROGRESS.get(event.action, '有新进展')}",
        event.created_at,
        _period_page(period),
        "点击查看账期",
    )


def _rendered(model, render):
    def for_subject(subject_id: int) -> list[dict]:
        subject = db.session.get(model, subject_id, populate_existing=True)
        return render(subject) if subject else []

    return for_subject


_RENDERERS = {
    "ticket_replied": (TicketEvent, ticket_replied),
    "ticket_escalated": (TicketEvent, ticket_escalated),
    "question_answered": (LedgerQuestion, question_answered),
    "owner_asked": (LedgerQuestion, owner_asked),
    "motion_opened": (Motion, motion_opened),
    "motion_result": (Motion, motion_result),
    "period_returned": (LedgerEvent, period_returned),
    "period_progress": (LedgerEvent, period_progress),
}
# Kinds with a topic of their own render in bot.messages (ticket.assigned, ticket.escalated).
assert set(_RENDERERS) == {name for name, kind in KINDS.items() if kind.own_topic is None}

# Outbox topic -> messages for its subject id (bot.messages.TOPICS takes these in).
TOPICS = {KINDS[kind].topic: _rendered(*spec) for kind, spec in _RENDERERS.items()}
