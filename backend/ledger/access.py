"""Who may reach a period's accounts, and how: the roles, and the scoped lookups of periods and
entries.

Who may do what (anyone outside the estate's scope gets 404, a member without the role 403,
the right person at the wrong moment 409):
- prepare (create periods, write entries and vouchers, submit): committee, property manager
- approve or return a submission: committee members other than whoever prepared or submitted it
- audit or return an approved period: the auditor of the estate's community
- publish an audited period: committee or auditor
- read drafts: preparers, approvers and auditors; everyone else sees published periods only
"""

from sqlalchemy import select

from backend.access.roles import Role
from backend.access.scope import get_estate_for, roles_on_estate
from backend.accounts.models import User
from backend.errors import Forbidden, NotFound
from backend.extensions import db
from backend.ledger.models import LedgerEntry, LedgerPeriod
from backend.places.models import Estate

PREPARER_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER, Role.PROPERTY_MANAGER)
APPROVER_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER)
AUDITOR_ROLES = (Role.AUDITOR,)
PUBLISHER_ROLES = (*APPROVER_ROLES, Role.AUDITOR)
ANSWER_ROLES = PREPARER_ROLES
DRAFT_READER_ROLES = (*PREPARER_ROLES, Role.AUDITOR)
# Vouchers carry names and amounts of third parties: verified owners and staff only.
VOUCHER_READER_ROLES = (
    Role.OWNER,
    *DRAFT_READER_ROLES,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
)


def roles_on(user: User, estate: Estate) -> set[str]:
    """The roles ``user`` holds on ``estate``, as a set to intersect with the role tuples."""
    return set(roles_on_estate(user, estate))


def _pick_role(roles: set[str], allowed) -> str | None:
    """The first of ``allowed`` (most specific first) that the user holds."""
    return next((r for r in allowed if r in roles), None)


def require_role(roles: set[str], allowed, message: str) -> str:
    """The role of ``allowed`` by which the user acts.

    :raises Forbidden: with ``message``, the user holds none of them.
    """
    role = _pick_role(roles, allowed)
    if role is None:
        raise Forbidden(message)
    return role


def require_preparer(user: User, estate_id: int) -> str:
    """The role by which ``user`` prepares ``estate_id``'s accounts (404 / 403 otherwise)."""
    estate = get_estate_for(user, estate_id)
    return require_role(roles_on(user, estate), PREPARER_ROLES, "只有业委会或物业可以编制账目")


def reads_drafts(roles: set[str]) -> bool:
    """Whether these roles see periods before they are published."""
    return bool(roles & set(DRAFT_READER_ROLES))


def period_for(user: User, estate_id: int, period_id: int, lock: bool = False):
    """(estate, period, the user's roles on the estate) for a period the user may see.

    :raises NotFound: outside the user's scope, another estate's period, or a period not yet
        published asked for by someone who does not take part in preparing or checking it.
    """
    estate = get_estate_for(user, estate_id)
    query = select(LedgerPeriod).where(
        LedgerPeriod.id == period_id, LedgerPeriod.estate_id == estate.id
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    period = db.session.scalar(query)
    roles = roles_on(user, estate)
    if period is None or (not period.is_published and not reads_drafts(roles)):
        raise NotFound("账期不存在或您无权查看")
    return estate, period, roles


def entry_for(user: User, estate_id: int, entry_id: int, lock: bool = False):
    """(estate, period, entry, roles) for an entry of a period the user may see (see
    ``period_for``).

    :raises NotFound: outside scope, another estate's entry, or an entry of a hidden period.
    """
    entry = db.session.scalar(
        select(LedgerEntry).where(LedgerEntry.id == entry_id, LedgerEntry.estate_id == estate_id)
    )
    if entry is None:
        get_estate_for(user, estate_id)
        raise NotFound("分录不存在或您无权查看")
    estate, period, roles = period_for(user, estate_id, entry.period_id, lock=lock)
    return estate, period, entry, roles
