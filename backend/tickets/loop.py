"""The closed loop of a ticket: accept → assign → work → reply → rate or reopen.

Who may do what (outside the estate's scope 404, a member without the role 403, the right
person at the wrong moment 409 naming what is allowed now): see ``rules.STEPS``; only the
reporter rates or reopens.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from backend.access.models import Membership
from backend.accounts.models import User
from backend.common.clock import as_utc, utcnow
from backend.common.masking import mask_name
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, InvalidTransition, ValidationFailed
from backend.extensions import db
from backend.subscriptions import services as subscriptions
from backend.tickets import rules, subscribe_sends
from backend.tickets.events import record_event
from backend.tickets.models import OPEN_STATUSES, Level, Ticket, TicketEvent
from backend.tickets.models import TicketStatus as S
from backend.tickets.people import actor_label, person_name
from backend.tickets.queries import detail_view, ticket_for
from backend.tickets.support import add_supporter
from backend.tickets.uploads import attach_photos, claim_photos

ASSIGNED_TOPIC = "ticket.assigned"


@unit_of_work
def transition(user: User, ticket_id: int, args: dict) -> Ticket:
    """Take one step of the loop (see rules.STEPS).

    :raises Forbidden: the user may never take this action on this ticket at its rung.
    :raises InvalidTransition: not from the ticket's state (``fields.allowed`` lists what is).
    :raises ValidationFailed: a required note, reason, assignee or original ticket is missing
        or wrong.
    """
    action = args["action"]
    ticket, roles = ticket_for(user, ticket_id, lock=True)
    step = rules.STEPS[action]
    if not rules.may_act(action, ticket, user.id, roles):
        raise Forbidden(_forbidden_message(action, ticket))
    now = utcnow()
    allowed = rules.allowed_actions(ticket, user.id, roles, now)
    if action not in allowed:
        raise _invalid(action, ticket, allowed)
    before = ticket.status
    note = (args.get("note") or "").strip() or None
    photos_ = (
        claim_photos(user, ticket.estate_id, args.get("photo_ids"), 0) if action == "reply" else []
    )
    _apply(action, ticket, args, note, now)
    ticket.status = step.target
    ticket.updated_at = now
    ticket.escalate_at = rules.next_escalation(ticket)
    label = actor_label(user, roles)
    event = record_event(
        ticket,
        step.event,
        label,
        user.id,
        note=_event_note(action, ticket, note),
        from_status=before,
        now=now,
    )
    attach_photos(photos_, ticket, event)
    if action == "assign" and ticket.assignee_id != user.id:
        _notify_person(ticket.assignee_id, event, ticket)
    if action == "reply":
        subscribe_sends.replied(ticket, event)
    return detail_view(ticket, user, roles)


def _forbidden_message(action: str, ticket: Ticket) -> str:
    if rules.actor_kind(action) == rules.REPORTER:
        return "只有提交人可以申请重新办理"
    level = Level(ticket.escalation_level)
    if level == Level.PROPERTY:
        return "该工单由物业处理，尚未升级"
    return "您不是该工单当前的承办人"


def _invalid(action: str, ticket: Ticket, allowed: list[str]) -> InvalidTransition:
    from backend.tickets.models import STATUS_LABELS

    label = rules.STEPS[action].label
    if action == "reopen" and ticket.status == S.REPLIED:
        message = f"已超过 {current_app.config['TICKET_FEEDBACK_DAYS']} 天，不能再申请重新办理"
    else:
        message = f"工单当前为“{STATUS_LABELS[S(ticket.status)]}”，不能{label}"
    return InvalidTransition(message, fields={"status": ticket.status, "allowed": allowed})


def _require_text(value: str | None, field: str, message: str) -> str:
    if not value:
        raise ValidationFailed(message, fields={field: [message]})
    return value


def _apply(action: str, ticket: Ticket, args: dict, note: str | None, now: datetime) -> None:
    """What each action changes beyond the status."""
    if action == "accept":
        ticket.accepted_at = now
        if now > as_utc(ticket.accept_due_at):
            ticket.missed_deadline = True
    elif action == "assign":
        ticket.assignee_id = _assignee(ticket, args.get("assignee_id"))
    elif action == "reply":
        _require_text(note, "note", "请填写办理结果")
        if now > as_utc(ticket.reply_due_at):
            ticket.missed_deadline = True
        ticket.replied_at = now
    elif action == "reject":
        reason = (args.get("reason") or note or "").strip()
        ticket.reject_reason = _require_text(reason, "reason", "请填写不予受理的原因")
        ticket.closed_at = now
    elif action == "duplicate":
        original = _original(ticket, args.get("duplicate_of_id"))
        ticket.duplicate_of_id = original.id
        ticket.closed_at = now
        # The reporter joins the original, unless it is their own ticket already.
        if ticket.reporter_id and ticket.reporter_id != original.reporter_id:
            add_supporter(original.id, ticket.reporter_id)
    elif action == "reopen":
        _require_text(note, "note", "请说明不满意的原因")
        ticket.reopen_count += 1
        _, reply_h = rules.hours_for(ticket.county_id, ticket.category)
        ticket.reply_due_at = now + timedelta(hours=reply_h)


def _event_note(action: str, ticket: Ticket, note: str | None) -> str | None:
    if action == "reject":
        return ticket.reject_reason
    if action == "duplicate":
        return f"与工单 #{ticket.duplicate_of_id} 重复" + (f"：{note}" if note else "")
    if action == "assign" and ticket.assignee is not None:
        return f"转交 {mask_name(person_name(ticket.assignee))}" + (f"：{note}" if note else "")
    return note


def _assignee(ticket: Ticket, assignee_id: int | None) -> int:
    if assignee_id is None:
        raise ValidationFailed("请选择承办人", fields={"assignee_id": ["请选择承办人"]})
    eligible = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == assignee_id,
            Membership.estate_id == ticket.estate_id,
            Membership.role.in_(rules.ASSIGNEE_ROLES),
        )
    )
    if eligible is None:
        message = "承办人须为本小区的物业项目经理或业委会委员"
        raise ValidationFailed(message, fields={"assignee_id": [message]})
    ticket.assignee = db.session.get(User, assignee_id)
    return assignee_id


def _original(ticket: Ticket, original_id: int | None) -> Ticket:
    original = db.session.get(Ticket, original_id) if original_id else None
    if (
        original is None
        or original.id == ticket.id
        or original.estate_id != ticket.estate_id
        or original.status not in OPEN_STATUSES
    ):
        message = "请填写本小区另一件未办结工单的编号"
        raise ValidationFailed(message, fields={"duplicate_of_id": [message]})
    return original


@unit_of_work
def rate(user: User, ticket_id: int, rating: int, comment: str | None) -> Ticket:
    """The reporter rates the handling; the ticket is closed.

    :raises Forbidden: not the reporter.
    :raises InvalidTransition: not replied, or the rating window has passed.
    """
    ticket, roles = ticket_for(user, ticket_id, lock=True)
    if ticket.reporter_id != user.id:
        raise Forbidden("只有提交人可以评价")
    now = utcnow()
    if ticket.status != S.REPLIED:
        raise InvalidTransition(
            "工单尚未反馈结果或已办结，不能评价",
            fields={
                "status": ticket.status,
                "allowed": rules.allowed_actions(ticket, user.id, roles, now),
            },
        )
    if now > rules.feedback_deadline(ticket):
        raise InvalidTransition("已超过评价期限", fields={"status": ticket.status, "allowed": []})
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment or None, now
    _close(ticket, "rated", now)
    note = f"{rating} 星" + (f"：{comment}" if comment else "")
    record_event(
        ticket,
        "rated",
        actor_label(user, roles),
        user.id,
        note=note,
        from_status=S.REPLIED,
        now=now,
    )
    return detail_view(ticket, user, roles)


def _close(ticket: Ticket, reason: str, now: datetime) -> None:
    ticket.status = S.CLOSED
    ticket.close_reason = reason
    ticket.closed_at = ticket.updated_at = now
    ticket.escalate_at = None


def _notify_person(user_id: int | None, event: TicketEvent, ticket: Ticket) -> None:
    """A subscribe message to the person now holding the ticket (if a template is set)."""
    if user_id and current_app.config["TICKET_TEMPLATE_ID"]:
        subscriptions.reach("ticket_assigned", [(event.id, user_id, ticket.estate_id)])
