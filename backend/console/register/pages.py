"""What the console's estate-register pages (小区档案) show and do: one estate's register with
its forms, and a community's candidate pool (the lists are in .lists).

Rules and scope stay in backend.governance.register (outside scope: 404); this module turns
forms into the register's argument schemas and rows into what a template prints.
"""

from flask import current_app
from sqlalchemy import select

from backend.access.models import Membership
from backend.access.roles import Role
from backend.accounts.models import User
from backend.accounts.naming import staff_naming
from backend.common.masking import mask_phone
from backend.console.forms import load, typed_int
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register import places, reelection, schemas, services
from backend.governance.register.models import (
    CANDIDATE_STATUS_LABELS,
    MEMBER_ROLE_LABELS,
    CandidateStatus,
    Committee,
    CommitteeCandidate,
    MemberRole,
    VolunteerTeam,
)
from backend.places.models import Community, Estate, PropertyCompany


def _flag(form, name: str) -> bool:
    return form.get(name, "") in ("1", "on", "true")


def _optional_id(form, name: str, fields: dict) -> None:
    if form.get(name, "").strip():
        fields[name] = typed_int(form[name])


# -- one estate's register ---------------------------------------------------------------------


def _managers(estate_id: int) -> list[str]:
    people = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.PROPERTY_MANAGER, Membership.estate_id == estate_id)
        .order_by(User.id)
    )
    return [staff_naming().name(u) for u in people]


def _member_row(m) -> dict:
    return {
        "id": m.id,
        "name": m.name,
        "phone": mask_phone(m.phone) or "—",
        "role": m.role_label,
        "is_chair": m.role == MemberRole.CHAIR,
        "party": m.is_party_member,
        "secretary": m.is_branch_secretary,
        "joined_on": m.joined_on.isoformat(),
        "left_on": m.left_on.isoformat() if m.left_on else "",
    }


def estate_register(user: User, estate_id: int) -> dict:
    """:raises NotFound: no such estate, or not one the user's roles reach."""
    estate = services.register_estate(user, estate_id)
    on = today()
    terms = list(
        db.session.scalars(
            select(Committee)
            .where(Committee.estate_id == estate.id)
            .order_by(Committee.formed_on.desc(), Committee.id.desc())
        )
    )
    live = next((c for c in terms if c.ended_on is None), None)
    rank = {MemberRole.CHAIR: 0, MemberRole.VICE_CHAIR: 1, MemberRole.MEMBER: 2}
    people = sorted(live.members, key=lambda m: (rank[m.role], m.id)) if live else []
    members = [_member_row(m) for m in people]
    branches = places.branches_of(estate.id)
    can_company = services.may_edit(user, estate, places.COMPANY_ROLES)
    community = db.session.get(Community, estate.community_id)
    return {
        "estate": estate,
        "community": community,
        "today": on.isoformat(),
        "live": live,
        "due": reelection.is_due(live, on) if live else False,
        "lapsed": bool(live and live.term_ends_on < on),
        "chair_vacant": bool(live) and not any(m["is_chair"] and not m["left_on"] for m in members),
        "current": [m for m in members if not m["left_on"]],
        "former": [m for m in members if m["left_on"]],
        "past_terms": [c for c in terms if c.ended_on is not None],
        "branches": [
            {
                "branch": b,
                "covering": b.established_on <= on
                and (b.dissolved_on is None or b.dissolved_on > on),
                "joint": len(b.estates) > 1,
            }
            for b in branches
        ],
        "teams": [
            {
                "name": t.name,
                "leader": t.leader_name,
                "phone": mask_phone(t.leader_phone) or "—",
                "members": t.member_count,
                "founded_on": t.founded_on.isoformat(),
            }
            for t in db.session.scalars(
                select(VolunteerTeam)
                .where(VolunteerTeam.estate_id == estate.id)
                .order_by(VolunteerTeam.id)
            )
        ],
        "company": estate.property_company,
        "managers": _managers(estate.id),
        "can_edit": services.may_edit(user, estate),
        "can_company": can_company,
        "companies": db.session.scalars(
            select(PropertyCompany)
            .where(PropertyCompany.county_id == estate.county_id)
            .order_by(PropertyCompany.name)
        ).all()
        if can_company
        else [],
        "neighbours": db.session.scalars(
            select(Estate)
            .where(Estate.community_id == estate.community_id, Estate.id != estate.id)
            .order_by(Estate.name)
        ).all(),
        "candidates": db.session.scalars(
            select(CommitteeCandidate)
            .where(
                CommitteeCandidate.community_id == estate.community_id,
                CommitteeCandidate.status == CandidateStatus.ACTIVE,
            )
            .order_by(CommitteeCandidate.name)
        ).all(),
        "roles": MEMBER_ROLE_LABELS,
        "term_years": current_app.config["COMMITTEE_TERM_YEARS"],
    }


def record_committee(user: User, estate_id: int, form):
    fields = {k: form.get(k, "") for k in ("formed_on", "reason", "chair_name", "chair_phone")}
    if form.get("term_ends_on", "").strip():
        fields["term_ends_on"] = form["term_ends_on"]
    fields["chair_is_party_member"] = _flag(form, "chair_is_party_member")
    fields["chair_is_branch_secretary"] = _flag(form, "chair_is_branch_secretary")
    _optional_id(form, "chair_candidate_id", fields)
    _optional_id(form, "replaces_id", fields)
    args = load(schemas.CommitteeArgs(), fields)
    return services.record_committee(user, estate_id, args)


def end_committee(user: User, estate_id: int, committee_id: int, form):
    args = load(schemas.EndArgs(), {"on": form.get("on", ""), "reason": form.get("reason", "")})
    return services.end_committee(user, estate_id, committee_id, args)


def add_member(user: User, estate_id: int, committee_id: int, form):
    fields = {k: form.get(k, "") for k in ("name", "phone", "role", "joined_on")}
    fields["is_party_member"] = _flag(form, "is_party_member")
    fields["is_branch_secretary"] = _flag(form, "is_branch_secretary")
    _optional_id(form, "candidate_id", fields)
    args = load(schemas.MemberArgs(), fields)
    return services.add_member(user, estate_id, committee_id, args)


def remove_member(user: User, estate_id: int, member_id: int, form):
    args = load(schemas.LeaveArgs(), {"left_on": form.get("left_on", "")})
    return services.remove_member(user, estate_id, member_id, args)


def add_branch(user: User, estate_id: int, form):
    fields = {k: form.get(k, "") for k in ("name", "secretary_name", "established_on")}
    fields["estate_ids"] = [typed_int(v) for v in form.getlist("estate_ids") if v.strip()]
    args = load(schemas.BranchArgs(), fields)
    return places.add_branch(user, estate_id, args)


def dissolve_branch(user: User, estate_id: int, branch_id: int, form):
    args = load(schemas.DissolveBranchArgs(), {"dissolved_on": form.get("dissolved_on", "")})
    return places.dissolve_branch(user, estate_id, branch_id, args)


def add_team(user: User, estate_id: int, form):
    fields = {k: form.get(k, "") for k in ("name", "leader_name", "leader_phone", "founded_on")}
    fields["member_count"] = typed_int(form.get("member_count", ""))
    args = load(schemas.TeamArgs(), fields)
    return places.add_team(user, estate_id, args)


def set_company(user: User, estate_id: int, form):
    fields = {}
    _optional_id(form, "property_company_id", fields)
    args = load(schemas.CompanyArgs(), fields)
    return places.set_company(user, estate_id, args["property_company_id"])


# -- a community's candidate pool ---------------------------------------------------------------


def candidate_page(user: User, community_id: int) -> dict:
    """:raises NotFound: the community is outside the user's scope."""
    community = places.supervised_community(user, community_id)
    rows = places.candidates(community.id)
    return {
        "community": community,
        "estates": db.session.scalars(
            select(Estate).where(Estate.community_id == community.id).order_by(Estate.name)
        ).all(),
        "statuses": CANDIDATE_STATUS_LABELS,
        "rows": [
            {
                "id": c.id,
                "name": c.name,
                "phone": mask_phone(c.phone) or "—",
                "estate": c.estate.name,
                "party": c.is_party_member,
                "note": c.note,
                "status": c.status,
                "status_label": c.status_label,
                "active": c.status == CandidateStatus.ACTIVE,
            }
            for c in rows
        ],
    }


def add_candidate(user: User, community_id: int, form):
    places.supervised_community(user, community_id)  # 404 before anything about the form
    fields = {k: form.get(k, "") for k in ("name", "phone", "note")}
    fields["estate_id"] = typed_int(form.get("estate_id", ""))
    fields["is_party_member"] = _flag(form, "is_party_member")
    args = load(schemas.CandidateArgs(), fields)
    return places.add_candidate(user, community_id, args)


def withdraw_candidate(user: User, community_id: int, candidate_id: int):
    return places.withdraw_candidate(user, community_id, candidate_id)
