"""What Linli tells one person by subscribe message, which template says it, and at which
moment of the mini-program the person is asked to allow it (at most 3 templates a moment)."""

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Kind:
    name: str
    setting: str  # Flask config key of the template id
    # Whether the fact may be told to the estate's group instead when the person gave no
    # consent; private kinds are dropped with a recorded reason.
    private: bool
    # The outbox topic of its personal rows, when older than this table.
    own_topic: str | None = None

    @property
    def topic(self) -> str:
        """The outbox topic of its personal rows."""
        return self.own_topic or f"subscribe.{self.name}"


KINDS = {
    kind.name: kind
    for kind in (
        Kind("ticket_replied", "SUBSCRIBE_TICKET_REPLIED_TEMPLATE", private=True),
        Kind("ticket_escalated", "SUBSCRIBE_TICKET_ESCALATED_TEMPLATE", private=True),
        Kind("question_answered", "SUBSCRIBE_QUESTION_ANSWERED_TEMPLATE", private=False),
        Kind("motion_opened", "SUBSCRIBE_MOTION_OPENED_TEMPLATE", private=False),
        Kind("motion_result", "SUBSCRIBE_MOTION_RESULT_TEMPLATE", private=False),
        Kind("period_returned", "SUBSCRIBE_PERIOD_RETURNED_TEMPLATE", private=True),
        Kind("period_progress", "SUBSCRIBE_PERIOD_PROGRESS_TEMPLATE", private=True),
        Kind("owner_asked", "SUBSCRIBE_OWNER_ASKED_TEMPLATE", private=True),
        # Staff: a ticket now theirs, by assignment or by escalation to their rung.
        Kind("ticket_assigned", "TICKET_TEMPLATE_ID", private=True, own_topic="ticket.assigned"),
        Kind(
            "ticket_escalated_to_you",
            "TICKET_TEMPLATE_ID",
            private=True,
            own_topic="ticket.escalated",
        ),
    )
}

# Moment of the mini-program -> the kinds it asks for (WeChat shows at most 3 at once).
MOMENTS = {
    "ticket_reported": ("ticket_replied", "ticket_escalated"),
    "question_asked": ("question_answered",),
    "motion_announced": ("motion_opened", "motion_result"),
    "ballot_cast": ("motion_result",),
    "period_submitted": ("period_returned", "period_progress"),
    "period_reviewed": ("owner_asked",),
    "ticket_handling": ("ticket_assigned", "ticket_escalated_to_you"),
}
MAX_TEMPLATES_PER_ASK = 3
assert all(len(kinds) <= MAX_TEMPLATES_PER_ASK for kinds in MOMENTS.values())

TOPICS = {kind.topic: kind for kind in KINDS.values()}


def template_id(kind: str) -> str:
    """The kind's template id; empty when the deployment has none (never asked, never sent)."""
    return current_app.config[KINDS[kind].setting]


def moment_templates(moment: str) -> list[str]:
    """The template ids a moment asks for, in order, without empty or repeated ones."""
    found: list[str] = []
    for kind in MOMENTS[moment]:
        template = template_id(kind)
        if template and template not in found:
            found.append(template)
    return found
