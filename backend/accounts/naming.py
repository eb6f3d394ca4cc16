"""How a person is named to a given viewer: the one place that decides it (DESIGN.md "People
and trails").

Staff and committee of the estate read names in full (they must know who acted); owners and
the property company read them masked (张*); a person always reads their own name unmasked.
Someone with no real name on record (an owner who never claimed, an old account) is "用户",
never the WeChat default nickname: "微信用户" names nobody.
"""

from backend.access.roles import STAFF_ROLES, Role
from backend.access.scope import roles_on_estate
from backend.accounts.models import User
from backend.common.masking import mask_name
from backend.places.models import Estate

# Who reads names in full on an estate: its committee and the staff over it. Not the property
# manager: the company is what the trails supervise (a claim's details are another matter:
# claims.services.claim_detail shows them to every verifier, and records each look).
FULL_NAME_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, *STAFF_ROLES})
UNNAMED = "用户"


class Naming:
    """Names as one viewer sees them on one estate (or outside any estate: staff only)."""

    def __init__(self, viewer: User | None, full: bool):
        self.viewer = viewer
        self.viewer_id = viewer.id if viewer is not None else None
        self.full = full

    def name(self, person: User | None) -> str:
        """The person's real name, in full or masked for this viewer; "" for nobody."""
        if person is None:
            return ""
        if not person.real_name:
            return UNNAMED
        if self.full or person.id == self.viewer_id:
            return person.real_name
        return mask_name(person.real_name)

    def text(self, name: str | None, person_id: int | None = None) -> str | None:
        """A name recorded as text (a register's member, a company's manager) for this
        viewer; ``person_id`` is the user it belongs to, if one."""
        if not name or self.full or (person_id is not None and person_id == self.viewer_id):
            return name
        return mask_name(name)

    def label(self, role_label: str, person: User | None) -> str:
        """``物业项目经理 赵强``: the role someone acted in, then their name."""
        return f"{role_label} {self.name(person)}".strip()


def naming_for(viewer: User | None, estate: Estate | None) -> Naming:
    """The naming of ``viewer`` on ``estate``; with no estate, in full only to staff."""
    if viewer is None:
        return Naming(None, full=False)
    if estate is None:
        held = {m.role for m in viewer.memberships}
        return Naming(viewer, full=bool(held & set(STAFF_ROLES)))
    return naming_from_roles(viewer, roles_on_estate(viewer, estate))


def naming_from_roles(viewer: User, roles) -> Naming:
    """The naming of ``viewer`` who holds ``roles`` on the estate in question (already read)."""
    return Naming(viewer, full=bool(set(roles) & FULL_NAME_ROLES))


def shown_name(person: User | None, viewer: User | None, estate: Estate | None) -> str:
    """One person's name as ``viewer`` sees it on ``estate``."""
    return naming_for(viewer, estate).name(person)


def staff_naming() -> Naming:
    """The console's naming: every console page is read by staff, who see names in full."""
    return Naming(None, full=True)
