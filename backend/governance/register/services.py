"""Committees by term and their members: recording a term, dissolving it, adding and removing
members, and keeping the derived party-led flag (rules.py) in step.

Who may do what, on the estates in their scope:
- anyone whose role reaches the estate reads its register; outside scope everything is 404;
- the community auditor, township and county officers (and admins) edit it; other roles that
  see the estate get 403;
- bad input is 422 and writes nothing; a change that no longer fits what is stored (a second
  live term, a second chair, removing someone twice) is 409. Changes to one committee take the
  committee's (or, for a new term, the estate's) row lock, so two officers at once do it once.
"""

from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.roles import Role
from backend.access.scope import get_estate_for, require_estate_role, roles_on_estate
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register import rules
from backend.governance.register.models import (
    CandidateStatus,
    Committee,
    CommitteeCandidate,
    CommitteeMember,
    MemberRole,
)
from backend.places.models import Estate

EDITOR_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)
COMMITTEE_NOT_FOUND = "未找到该届业委会，或您无权查看"
MEMBER_NOT_FOUND = "未找到该委员，或您无权查看"


def register_estate(user: User, estate_id: int) -> Estate:
    """:raises NotFound: no such estate, or not one the user's roles reach."""
    return get_estate_for(user, estate_id)


def editable_estate(user: User, estate_id: int, roles=EDITOR_ROLES) -> Estate:
    """:raises NotFound: outside scope. :raises Forbidden: in scope, but not an editor."""
    return require_estate_role(user, estate_id, roles)


def may_edit(user: User, estate: Estate, roles=EDITOR_ROLES) -> bool:
    return bool(set(roles_on_estate(user, estate)) & set(roles))


def places_of(estate: Estate) -> dict:
    return {
        "estate_id": estate.id,
        "community_id": estate.community_id,
        "township_id": estate.township_id,
        "county_id": estate.county_id,
    }


def live_committee(estate_id: int) -> Committee | None:
    return db.session.scalar(
        select(Committee).where(Committee.estate_id == estate_id, Committee.ended_on.is_(None))
    )


def default_term_end(formed_on: date) -> date:
    """formed_on plus LINLI_COMMITTEE_TERM_YEARS years (29 February ends on 28 February)."""
    years = current_app.config["COMMITTEE_TERM_YEARS"]
    try:
        return formed_on.replace(year=formed_on.year + years)
    except ValueError:
        return formed_on.replace(year=formed_on.year + years, day=28)


def not_future(day: date, field: str, label: str) -> None:
    """:raises ValidationFailed: ``day`` is after today (Shanghai)."""
    if day > today():
        raise ValidationFailed(fields={field: [f"{label}不能晚于今天"]})


def locked_row(model, row_id: int):
    """The row locked and read again, so a change racing ours sees it (PostgreSQL)."""
    return db.session.scalar(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _candidate(estate: Estate, candidate_id: int | None, field: str) -> CommitteeCandidate | None:
    """The active candidate of the estate's community, or None if none was named.

    :raises ValidationFailed: not an active candidate of this community.
    """
    if candidate_id is None:
        return None
    row = db.session.get(CommitteeCandidate, candidate_id)
    if row is None or row.community_id != estate.community_id:
        raise ValidationFailed(fields={field: ["该人选不在本社区人选库中"]})
    if row.status != CandidateStatus.ACTIVE:
        raise ValidationFailed(fields={field: ["该人选已退出或已当选"]})
    return row


def _user(user_id: int | None) -> None:
    if user_id is not None and db.session.get(User, user_id) is None:
        raise ValidationFailed(fields={"user_id": ["该用户不存在"]})


def rederive(committee: Committee) -> None:
    """Store the party-led flag the configured rule gives for the committee's members."""
    rule, percent = rules.configured()
    members = db.session.scalars(
        select(CommitteeMember).where(CommitteeMember.committee_id == committee.id)
    ).all()
    serving = [
        rules.Serving(m.role, m.is_party_member, m.is_branch_secretary, m.joined_on, m.left_on)
        for m in members
    ]
    committee.is_party_led, committee.party_led_since = rules.derive(serving, rule, percent)


def _flush_or_conflict(message: str, code: str) -> None:
    try:
        db.session.flush()
    except IntegrityError as exc:  # the partial unique indexes: without a lock (SQLite) too
        raise Conflict(message, code=code) from exc


@unit_of_work
def record_committee(user: User, estate_id: int, args: dict) -> Committee:
    """Record a committee term (args as schemas.CommitteeArgs) with its chair. A live term is
    ended the day the new one is filed; ``replaces_id`` must name it (what the officer saw).

    :raises NotFound, Forbidden: as editable_estate.
    :raises ValidationFailed: a future filing date, a term end not after it, a filing before
        the live term's, a candidate not in the pool.
    :raises Conflict: the estate's live term is not the one the officer saw (also when two
        officers record at once: one term is recorded).
    """
    estate = editable_estate(user, estate_id)
    formed_on = args["formed_on"]
    not_future(formed_on, "formed_on", "备案日期")
    term_ends_on = args.get("term_ends_on") or default_term_end(formed_on)
    if term_ends_on <= formed_on:
        raise ValidationFailed(fields={"term_ends_on": ["任期届满日期应晚于备案日期"]})
    candidate = _candidate(estate, args.get("chair_candidate_id"), "chair_candidate_id")
    locked_row(Estate, estate.id)  # serialises terms of one estate
    live = live_committee(estate.id)
    if (live.id if live else None) != args.get("replaces_id"):
        raise Conflict("本小区业委会登记已有变化，请刷新页面后重试", code="committee_changed")
    if live is not None:
        if formed_on < live.formed_on:
            raise ValidationFailed(fields={"formed_on": ["新一届备案日期不能早于上一届"]})
        live.ended_on = formed_on
        live.end_reason = (args.get("reason") or "").strip() or "换届选举"
        db.session.flush()
    committee = Committee(
        **places_of(estate),
        formed_on=formed_on,
        term_ends_on=term_ends_on,
        created_by_id=user.id,
    )
    db.session.add(committee)
    db.session.flush()
    db.session.add(
        CommitteeMember(
            committee_id=committee.id,
            name=args["chair_name"].strip(),
            phone=args.get("chair_phone") or None,
            role=MemberRole.CHAIR,
            is_party_member=args.get("chair_is_party_member", False),
            is_branch_secretary=args.get("chair_is_branch_secretary", False),
            joined_on=formed_on,
            candidate_id=candidate.id if candidate else None,
        )
    )
    if candidate:
        candidate.status = CandidateStatus.ELECTED
    db.session.flush()
    rederive(committee)
    _flush_or_conflict("本小区已有在任业委会，请刷新页面后重试", "committee_exists")
    return committee


def _committee_of(estate: Estate, committee_id: int) -> Committee:
    committee = db.session.get(Committee, committee_id)
    if committee is None or committee.estate_id != estate.id:
        raise NotFound(COMMITTEE_NOT_FOUND)
    return committee


def _live_locked(committee: Committee) -> Committee:
    committee = locked_row(Committee, committee.id)
    if committee.ended_on is not None:
        raise Conflict("该届业委会已结束，不能再修改", code="committee_ended")
    return committee


@unit_of_work
def end_committee(user: User, estate_id: int, committee_id: int, args: dict) -> Committee:
    """Dissolve the live term on ``args["on"]`` with a reason (schemas.EndArgs).

    :raises NotFound, Forbidden: as editable_estate; the term is not this estate's.
    :raises ValidationFailed: a future date, or one before the term was filed.
    :raises Conflict: the term has already ended.
    """
    estate = editable_estate(user, estate_id)
    committee = _committee_of(estate, committee_id)
    not_future(args["on"], "on", "解散日期")
    if args["on"] < committee.formed_on:
        raise ValidationFailed(fields={"on": ["解散日期不能早于备案日期"]})
    committee = _live_locked(committee)
    committee.ended_on = args["on"]
    committee.end_reason = args["reason"].strip()
    return committee


@unit_of_work
def add_member(user: User, estate_id: int, committee_id: int, args: dict) -> CommitteeMember:
    """Add a member to the live term (schemas.MemberArgs) and re-derive the party-led flag.

    :raises NotFound, Forbidden: as editable_estate; the term is not this estate's.
    :raises ValidationFailed: a joining date in the future or before the filing, an unknown
        user, a candidate not in the pool.
    :raises Conflict: the term has ended; a chair is added where one serves.
    """
    estate = editable_estate(user, estate_id)
    committee = _committee_of(estate, committee_id)
    not_future(args["joined_on"], "joined_on", "任职日期")
    if args["joined_on"] < committee.formed_on:
        raise ValidationFailed(fields={"joined_on": ["任职日期不能早于本届备案日期"]})
    _user(args.get("user_id"))
    candidate = _candidate(estate, args.get("candidate_id"), "candidate_id")
    committee = _live_locked(committee)
    if args["role"] == MemberRole.CHAIR and _current_chair(committee.id) is not None:
        raise Conflict("本届已有主任，请先登记现任主任离任", code="chair_exists")
    member = CommitteeMember(
        committee_id=committee.id,
        name=args["name"].strip(),
        phone=args.get("phone") or None,
        user_id=args.get("user_id"),
        candidate_id=candidate.id if candidate else None,
        role=args["role"],
        is_party_member=args["is_party_member"],
        is_branch_secretary=args["is_branch_secretary"],
        joined_on=args["joined_on"],
    )
    db.session.add(member)
    if candidate:
        candidate.status = CandidateStatus.ELECTED
    db.session.flush()
    rederive(committee)
    _flush_or_conflict("本届已有主任，请先登记现任主任离任", "chair_exists")
    return member


def _current_chair(committee_id: int) -> CommitteeMember | None:
    return db.session.scalar(
        select(CommitteeMember).where(
            CommitteeMember.committee_id == committee_id,
            CommitteeMember.role == MemberRole.CHAIR,
            CommitteeMember.left_on.is_(None),
        )
    )


@unit_of_work
def remove_member(user: User, estate_id: int, member_id: int, args: dict) -> CommitteeMember:
    """Record that a member left the live term on ``args["left_on"]`` (the row stays), and
    re-derive the party-led flag.

    :raises NotFound, Forbidden: as editable_estate; the member is not of this estate.
    :raises ValidationFailed: a date in the future or before the member joined.
    :raises Conflict: the member has already left, or the term has ended.
    """
    estate = editable_estate(user, estate_id)
    member = db.session.get(CommitteeMember, member_id)
    committee = db.session.get(Committee, member.committee_id) if member else None
    if committee is None or committee.estate_id != estate.id:
        raise NotFound(MEMBER_NOT_FOUND)
    not_future(args["left_on"], "left_on", "离任日期")
    if args["left_on"] < member.joined_on:
        raise ValidationFailed(fields={"left_on": ["离任日期不能早于任职日期"]})
    committee = _live_locked(committee)
    db.session.refresh(member)
    if member.left_on is not None:
        raise Conflict("该委员已离任", code="member_left")
    member.left_on = args["left_on"]
    db.session.flush()
    rederive(committee)
    return member


@unit_of_work
def recompute_party_led() -> int:
    """Re-derive every committee's flag (after the rule changed); returns how many changed.

    :raises ValueError: the configured rule is unknown.
    """
    rules.configured()
    changed = 0
    for committee in db.session.scalars(select(Committee).order_by(Committee.id)):
        before = (committee.is_party_led, committee.party_led_since)
        rederive(committee)
        changed += (committee.is_party_led, committee.party_led_since) != before
    return changed
