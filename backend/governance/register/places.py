"""The rest of an estate's register: its party branches (joint ones covering several estates
of one community), volunteer teams and property company; and each community's committee
candidate pool (业委会人选库). Access as in services.py; changing the company is for township
and county officers only (an auditor gets 403)."""

from sqlalchemy import Select, or_, select

from backend.access.models import Membership
from backend.access.roles import Role, ScopeKind
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.register.models import (
    CandidateStatus,
    CommitteeCandidate,
    PartyBranch,
    PartyBranchEstate,
    VolunteerTeam,
)
from backend.governance.register.services import (
    EDITOR_ROLES,
    editable_estate,
    locked_row,
    not_future,
)
from backend.places.models import Community, Estate, PropertyCompany, Township

COMPANY_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)


def branches_of(estate_id: int) -> list[PartyBranch]:
    """The branches that cover (or covered) the estate, newest first."""
    return list(
        db.session.scalars(
            select(PartyBranch)
            .join(PartyBranchEstate, PartyBranchEstate.branch_id == PartyBranch.id)
            .where(PartyBranchEstate.estate_id == estate_id)
            .order_by(PartyBranch.established_on.desc(), PartyBranch.id.desc())
        )
    )


@unit_of_work
def add_branch(user: User, estate_id: int, args: dict) -> PartyBranch:
    """A branch covering the estate and, for a joint branch, ``estate_ids`` of its community.

    :raises NotFound, Forbidden: as services.editable_estate.
    :raises ValidationFailed: a future date; an estate outside the community.
    """
    estate = editable_estate(user, estate_id)
    not_future(args["established_on"], "established_on", "成立日期")
    ids = {estate.id, *args.get("estate_ids", [])}
    found = set(
        db.session.scalars(
            select(Estate.id).where(Estate.id.in_(ids), Estate.community_id == estate.community_id)
        )
    )
    if found != ids:
        raise ValidationFailed(fields={"estate_ids": ["联合党支部只能覆盖同一社区的小区"]})
    branch = PartyBranch(
        community_id=estate.community_id,
        township_id=estate.township_id,
        county_id=estate.county_id,
        name=args["name"].strip(),
        secretary_name=(args.get("secretary_name") or "").strip(),
        established_on=args["established_on"],
        created_by_id=user.id,
    )
    db.session.add(branch)
    db.session.flush()
    db.session.add_all(PartyBranchEstate(branch_id=branch.id, estate_id=i) for i in sorted(ids))
    return branch


@unit_of_work
def dissolve_branch(user: User, estate_id: int, branch_id: int, args: dict) -> PartyBranch:
    """Record that a branch covering the estate was dissolved on ``args["dissolved_on"]``.

    :raises NotFound, Forbidden: as editable_estate; the branch does not cover the estate.
    :raises ValidationFailed: a future date, or one before it was established.
    :raises Conflict: already dissolved.
    """
    estate = editable_estate(user, estate_id)
    branch = next((b for b in branches_of(estate.id) if b.id == branch_id), None)
    if branch is None:
        raise NotFound("未找到该党支部，或您无权查看")
    day = args["dissolved_on"]
    not_future(day, "dissolved_on", "撤销日期")
    if day < branch.established_on:
        raise ValidationFailed(fields={"dissolved_on": ["撤销日期不能早于成立日期"]})
    branch = locked_row(PartyBranch, branch.id)
    if branch.dissolved_on is not None:
        raise Conflict("该党支部已撤销", code="branch_dissolved")
    branch.dissolved_on = day
    return branch


@unit_of_work
def add_team(user: User, estate_id: int, args: dict) -> VolunteerTeam:
    """:raises NotFound, Forbidden: as editable_estate. :raises ValidationFailed: future date."""
    estate = editable_estate(user, estate_id)
    not_future(args["founded_on"], "founded_on", "成立日期")
    team = VolunteerTeam(
        estate_id=estate.id,
        name=args["name"].strip(),
        leader_name=args["leader_name"].strip(),
        leader_phone=args.get("leader_phone") or None,
        member_count=args["member_count"],
        founded_on=args["founded_on"],
    )
    db.session.add(team)
    return team


@unit_of_work
def set_company(user: User, estate_id: int, company_id: int | None) -> Estate:
    """Change (or clear, with None) the estate's property company.

    :raises NotFound: outside scope. :raises Forbidden: not a township or county officer.
    :raises ValidationFailed: no such company in the estate's county.
    """
    estate = editable_estate(user, estate_id, COMPANY_ROLES)
    if company_id is not None:
        company = db.session.get(PropertyCompany, company_id)
        if company is None or company.county_id != estate.county_id:
            raise ValidationFailed(fields={"property_company_id": ["请选择本县登记的物业企业"]})
    estate.property_company_id = company_id
    return estate


# -- the candidate pool ------------------------------------------------------------------------


def _reaching(user: User, roles) -> Select:
    return select(Membership.scope_id).where(
        Membership.user_id == user.id, Membership.role.in_(roles)
    )


def supervised_community(user: User, community_id: int, roles=EDITOR_ROLES) -> Community:
    """The community, if the user is its auditor or an officer above it.

    :raises NotFound: no such community, or not one the user supervises.
    """
    reach = _reaching(user, roles)
    community = db.session.scalar(
        select(Community)
        .join(Township, Township.id == Community.township_id)
        .where(
            Community.id == community_id,
            or_(
                Community.id.in_(reach.where(Membership.scope_kind == ScopeKind.COMMUNITY)),
                Township.id.in_(reach.where(Membership.scope_kind == ScopeKind.TOWNSHIP)),
                Township.county_id.in_(reach.where(Membership.scope_kind == ScopeKind.COUNTY)),
            ),
        )
    )
    if community is None:
        raise NotFound("未找到该社区，或您无权查看")
    return community


def candidates(community_id: int) -> list[CommitteeCandidate]:
    return list(
        db.session.scalars(
            select(CommitteeCandidate)
            .where(CommitteeCandidate.community_id == community_id)
            .order_by(CommitteeCandidate.status, CommitteeCandidate.id)
        )
    )


@unit_of_work
def add_candidate(user: User, community_id: int, args: dict) -> CommitteeCandidate:
    """Add a person to the community's pool (schemas.CandidateArgs).

    :raises NotFound: the community is outside the user's scope.
    :raises ValidationFailed: the estate they live in is not in the community.
    """
    community = supervised_community(user, community_id)
    estate = db.session.get(Estate, args["estate_id"])
    if estate is None or estate.community_id != community.id:
        raise ValidationFailed(fields={"estate_id": ["请选择本社区的小区"]})
    row = CommitteeCandidate(
        community_id=community.id,
        estate_id=estate.id,
        name=args["name"].strip(),
        phone=args.get("phone") or None,
        is_party_member=args["is_party_member"],
        note=(args.get("note") or "").strip(),
        added_by_id=user.id,
    )
    db.session.add(row)
    return row


@unit_of_work
def withdraw_candidate(user: User, community_id: int, candidate_id: int) -> CommitteeCandidate:
    """:raises NotFound: outside scope or not this community's. :raises Conflict: not active."""
    community = supervised_community(user, community_id)
    row = db.session.get(CommitteeCandidate, candidate_id)
    if row is None or row.community_id != community.id:
        raise NotFound("未找到该人选，或您无权查看")
    row = locked_row(CommitteeCandidate, row.id)
    if row.status != CandidateStatus.ACTIVE:
        raise Conflict("该人选已退出或已当选", code="candidate_not_active")
    row.status = CandidateStatus.WITHDRAWN
    return row
