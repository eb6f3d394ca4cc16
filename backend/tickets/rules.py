"""The closed loop's rules: which action moves a ticket from which states, who may take it at
which escalation level, and the time limits that start the escalation clock."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from backend.access.roles import Role
from backend.common.clock import as_utc
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.tickets.models import CATEGORIES, HANDLING_STATUSES, Level, Ticket, TicketTimeLimit
from backend.tickets.models import TicketStatus as S

HANDLER = "handler"  # the handlers of the ticket's current rung
WORKER = "worker"  # a handler, or the person the ticket is assigned to
REPORTER = "reporter"


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str
    event: str
    actor: str
    label: str


STEPS = {
    "accept": Step((S.SUBMITTED,), S.ACCEPTED, "accepted", HANDLER, "受理"),
    "assign": Step((S.ACCEPTED, S.ASSIGNED), S.ASSIGNED, "assigned", HANDLER, "转办"),
    "start": Step((S.ACCEPTED, S.ASSIGNED), S.IN_PROGRESS, "started", WORKER, "开始办理"),
    "reply": Step((S.IN_PROGRESS,), S.REPLIED, "replied", WORKER, "反馈结果"),
    "reject": Step(
        (S.SUBMITTED, S.ACCEPTED, S.ASSIGNED), S.REJECTED, "rejected", HANDLER, "不予受理"
    ),
    "duplicate": Step((S.SUBMITTED, S.ACCEPTED), S.DUPLICATE, "duplicate", HANDLER, "标记重复"),
    "reopen": Step((S.REPLIED,), S.IN_PROGRESS, "reopened", REPORTER, "重新办理"),
}

# Each rung adds the roles that answer for a ticket once it has climbed that far; the
# property manager keeps handling it throughout, and an admin may always step in.
RUNG_ROLES = {
    Level.PROPERTY: (Role.PROPERTY_MANAGER, Role.ADMIN),
    Level.COMMITTEE: (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER),
    Level.COMMUNITY: (Role.AUDITOR,),
    Level.TOWNSHIP: (Role.TOWNSHIP_OFFICER,),
    Level.COUNTY: (Role.COUNTY_OFFICER,),
}
# Roles that may enter tickets on someone's behalf (group chat, console, hotline).
STAFF_ENTRY_ROLES = tuple(role for roles in RUNG_ROLES.values() for role in roles)
HOTLINE_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)
ASSIGNEE_ROLES = (Role.PROPERTY_MANAGER, Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER)


def handler_roles(level: int) -> set[str]:
    """Roles that handle a ticket standing on rung ``level``."""
    return {role for rung, roles in RUNG_ROLES.items() if rung <= level for role in roles}


def new_rung_roles(level: int) -> tuple[str, ...]:
    """Roles that first become responsible when a ticket reaches ``level``."""
    return RUNG_ROLES[Level(level)]


def actor_kind(action: str) -> str:
    return STEPS[action].actor


def may_act(action: str, ticket: Ticket, user_id: int, roles: set[str]) -> bool:
    """Whether the person (holding ``roles`` on the ticket's estate) may take ``action`` at
    all, whatever the ticket's state."""
    actor = STEPS[action].actor
    if actor == REPORTER:
        return ticket.reporter_id == user_id
    if roles & handler_roles(ticket.escalation_level):
        return True
    return actor == WORKER and ticket.assignee_id == user_id


def feedback_deadline(ticket: Ticket) -> datetime | None:
    """Until when the reporter may rate or reopen a replied ticket."""
    if ticket.replied_at is None:
        return None
    return as_utc(ticket.replied_at) + timedelta(days=current_app.config["TICKET_FEEDBACK_DAYS"])


def allowed_actions(ticket: Ticket, user_id: int, roles: set[str], now: datetime) -> list[str]:
    """The actions the person may take on the ticket right now."""
    allowed = []
    for action, step in STEPS.items():
        if ticket.status not in step.sources or not may_act(action, ticket, user_id, roles):
            continue
        if action == "reopen" and now > feedback_deadline(ticket):
            continue
        allowed.append(action)
    return allowed


# -- time limits ---------------------------------------------------------------------------


def _configured() -> dict[str, tuple[int, int]]:
    """Per-category hours from LINLI_TICKET_TIME_LIMITS (parsed at start), over the default
    hours for every category."""
    cfg = current_app.config
    limits = {c: (cfg["TICKET_ACCEPT_HOURS"], cfg["TICKET_REPLY_HOURS"]) for c in CATEGORIES}
    limits.update(cfg["TICKET_TIME_LIMITS"])
    return limits


def time_limits(county_id: int) -> dict[str, tuple[int, int, bool]]:
    """category -> (hours to accept, hours to reply, whether it is the configured default)."""
    rows = db.session.scalars(select(TicketTimeLimit).where(TicketTimeLimit.county_id == county_id))
    own = {r.category: (r.accept_hours, r.reply_hours) for r in rows}
    return {
        category: (*own.get(category, default), category not in own)
        for category, default in _configured().items()
    }


def hours_for(county_id: int, category: str) -> tuple[int, int]:
    accept, reply, _ = time_limits(county_id)[category]
    return accept, reply


def next_escalation(ticket: Ticket) -> datetime | None:
    """When the escalation job should next look at the ticket, or None.

    First the running deadline; once a ticket has climbed, each rung gets
    LINLI_TICKET_ESCALATION_HOURS before the next (never sooner than its deadline).
    """
    if ticket.status not in HANDLING_STATUSES or ticket.escalation_level >= Level.COUNTY:
        return None
    deadline = as_utc(ticket.deadline)
    if ticket.escalated_at is None:
        return deadline
    step = timedelta(hours=current_app.config["TICKET_ESCALATION_HOURS"])
    return max(deadline, as_utc(ticket.escalated_at) + step)


def check_hours(accept: int, reply: int) -> None:
    """:raises ValidationFailed: hours out of a sensible range."""
    errors = {}
    for name, value in (("accept_hours", accept), ("reply_hours", reply)):
        if not 1 <= value <= 24 * 90:
            errors[name] = ["时限应在 1 到 2160 小时之间"]
    if not errors and reply < accept:
        errors["reply_hours"] = ["办理时限不能短于受理时限"]
    if errors:
        raise ValidationFailed(fields=errors)
