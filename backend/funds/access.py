"""Who may reach an estate's fund and its repair projects, and how.

- committee (委员, 主任): write projects, quotes, cite votes, start, change budgets, accept, pay,
  sign for the committee, tell owners; import the authority's statement
- property manager: import the statement, upload documents
- community auditor: sign for the community; township officer: pre-check, sign for the township
- county officers and admins: read everything in scope
- owners: their buildings' and units' balances, projects past draft, rate what they bear
Outside the estate's scope the answer is 404; in scope without the role 403; the wrong stage 409.
"""

from sqlalchemy import select

from backend.access.models import Membership
from backend.access.roles import Role, ScopeKind
from backend.access.scope import get_estate_for, roles_on_estate
from backend.accounts.models import User
from backend.errors import Forbidden, NotFound
from backend.extensions import db
from backend.funds.models import ProjectStatus, RepairProject, SignOffKind
from backend.places.models import Estate, Unit

COMMITTEE_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER)
WRITER_ROLES = (*COMMITTEE_ROLES, Role.PROPERTY_MANAGER)
STAFF_ROLES = (
    *WRITER_ROLES,
    Role.AUDITOR,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
)
PRECHECK_ROLES = (Role.TOWNSHIP_OFFICER,)
SIGN_OFF_ROLES = {
    SignOffKind.COMMITTEE: COMMITTEE_ROLES,
    SignOffKind.COMMUNITY: (Role.AUDITOR,),
    SignOffKind.TOWNSHIP: (Role.TOWNSHIP_OFFICER,),
}


def roles_on(user: User, estate: Estate) -> set[str]:
    return set(roles_on_estate(user, estate))


def is_staff(roles: set[str]) -> bool:
    return bool(roles & set(STAFF_ROLES))


def require(roles: set[str], allowed, message: str) -> str:
    """The first of ``allowed`` the user holds.

    :raises Forbidden: with ``message``, none of them.
    """
    role = next((r for r in allowed if r in roles), None)
    if role is None:
        raise Forbidden(message)
    return role


def estate_for(user: User, estate_id: int) -> tuple[Estate, set[str]]:
    """(estate, the user's roles on it). :raises NotFound: outside the user's scope."""
    estate = get_estate_for(user, estate_id)
    return estate, roles_on(user, estate)


def owned_units(user: User, estate_id: int) -> list[Unit]:
    """The units of ``estate_id`` the user is a verified owner of."""
    return db.session.scalars(
        select(Unit)
        .join(Membership, Membership.scope_id == Unit.id)
        .where(
            Membership.user_id == user.id,
            Membership.role == Role.OWNER,
            Membership.scope_kind == ScopeKind.UNIT,
            Unit.estate_id == estate_id,
        )
        .order_by(Unit.id)
    ).all()


def project_for(user: User, estate_id: int, project_id: int, lock: bool = False):
    """(estate, project, roles) for a project the user may see: drafts only to those who
    write them.

    :raises NotFound: outside scope, another estate's project, or someone else's draft.
    """
    estate, roles = estate_for(user, estate_id)
    query = select(RepairProject).where(
        RepairProject.id == project_id, RepairProject.estate_id == estate.id
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    project = db.session.scalar(query)
    if project is None or (project.status == ProjectStatus.DRAFT and not roles & set(WRITER_ROLES)):
        raise NotFound("维修项目不存在或您无权查看")
    return estate, project, roles
