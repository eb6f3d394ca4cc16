"""How tickets name people: the role they act in and a masked name."""

from backend.access.roles import ROLE_LABELS, Role
from backend.access.scope import roles_on_estate
from backend.accounts.models import User
from backend.accounts.naming import Naming
from backend.common.masking import mask_name
from backend.places.models import Estate

# Most specific first: a committee chair who is also an admin acts as the chair.
_LABEL_ORDER = (
    Role.PROPERTY_MANAGER,
    Role.COMMITTEE_CHAIR,
    Role.COMMITTEE_MEMBER,
    Role.AUDITOR,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
    Role.OWNER,
)


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.real_name or user.display_name or user.username or "用户"


def actor_label(user: User, roles: set[str]) -> str:
    """How an event names its actor: the role they acted in and a masked name."""
    role = next((r for r in _LABEL_ORDER if r in roles), None)
    if role == Role.OWNER or role is None:
        return f"业主 {mask_name(person_name(user))}"
    return f"{ROLE_LABELS[Role(role)]} {mask_name(person_name(user))}"


def shown_label(stored: str, actor: User | None, naming: Naming) -> str:
    """An event's stored label (``物业项目经理 李*``, written then) with the actor's name as
    this reader may see it now; the role part stays as it was when they acted."""
    if actor is None:
        return stored
    role_label = stored.split(" ", 1)[0]
    if role_label == ROLE_LABELS[Role.OWNER]:
        # A reporting owner is not a workflow's actor: masked to all but themself, as in lists.
        naming = Naming(naming.viewer, full=False)
    return naming.label(role_label, actor)


def roles_on(user: User, estate: Estate) -> set[str]:
    return set(roles_on_estate(user, estate))
