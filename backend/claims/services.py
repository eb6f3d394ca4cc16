"""Owners' claims: made by the owner, decided by the estate's verifiers, listed in scope."""

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from backend.access.models import Membership
from backend.access.roles import STAFF_ROLES, VERIFIER_ROLES, Role, ScopeKind
from backend.access.scope import get_estate_for, require_estate_role, roles_on_estate
from backend.accounts import services as accounts
from backend.accounts.models import User
from backend.claims.models import CLAIMS_NEWEST_FIRST, Claim, ClaimView
from backend.common.clock import utcnow
from backend.common.pagination import Page, paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound
from backend.extensions import db
from backend.places.models import Unit

# What a claim's schema shows (estate name, unit label), loaded with the claims, not per row.
_CLAIM_DISPLAY = (joinedload(Claim.unit).joinedload(Unit.building), joinedload(Claim.estate))


@unit_of_work
def create_claim(user: User, estate_id: int, unit_id: int, real_name: str, phone: str) -> Claim:
    """An owner claims a unit of an estate; this is how an owner joins, so no membership
    is needed yet.

    :raises NotFound: no such estate, or the unit is not in it.
    :raises Conflict: already verified on that unit, or a claim is already waiting.
    """
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.estate_id != estate_id:
        raise NotFound("该小区没有这个房屋", fields={"unit_id": ["房屋不存在"]})
    owns = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.role == Role.OWNER,
            Membership.scope_kind == ScopeKind.UNIT,
            Membership.scope_id == unit_id,
        )
    )
    if owns:
        raise Conflict("您已是该房屋的认证业主", code="already_owner")
    claim = Claim(
        estate_id=estate_id, unit_id=unit_id, user_id=user.id, real_name=real_name, phone=phone
    )
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict("您对该房屋的认领正在审核中，请勿重复提交", code="claim_pending") from None
    if not user.real_name:
        user.real_name, user.phone = real_name, phone
    return claim


def list_claims(user: User, estate_id: int, status: str | None, page: int, page_size: int) -> Page:
    """Verifiers and supervisors of the estate see every claim; owners only their own
    (a claimant who is not yet a member finds theirs in ``profile``).

    :raises NotFound: the estate is outside the caller's scope.
    """
    query = (
        select(Claim)
        .options(*_CLAIM_DISPLAY)
        .where(Claim.estate_id == estate_id)
        .order_by(*CLAIMS_NEWEST_FIRST)
    )
    estate = get_estate_for(user, estate_id)
    if not set(roles_on_estate(user, estate)) & {*VERIFIER_ROLES, *STAFF_ROLES}:
        query = query.where(Claim.user_id == user.id)
    if status:
        query = query.where(Claim.status == status)
    return paginate(query, page, page_size)


def _claim_for_verifier(user: User, claim_id: int) -> Claim:
    """The pending claim, locked, if ``user`` verifies on its estate.

    :raises NotFound: unknown claim, or its estate is outside the caller's scope.
    :raises Forbidden: the caller sees the estate but does not verify there.
    :raises Conflict: already decided.
    """
    claim = db.session.scalar(select(Claim).where(Claim.id == claim_id).with_for_update())
    if claim is None:
        raise NotFound()
    require_estate_role(user, claim.estate_id, VERIFIER_ROLES)
    if claim.status != "pending":
        raise Conflict("该认领已处理，无需重复操作", code="claim_decided")
    return claim


@unit_of_work
def verify_claim(user: User, claim_id: int) -> Claim:
    """Verify a claim against the register: the claimant becomes an owner of the unit."""
    claim = _claim_for_verifier(user, claim_id)
    claim.status, claim.decided_by_id, claim.decided_at = "verified", user.id, utcnow()
    # The verified claim's name is the owner's name on record from now on.
    if not claim.user.real_name:
        claim.user.real_name, claim.user.phone = claim.real_name, claim.phone
    accounts.add_membership(claim.user, Role.OWNER, ScopeKind.UNIT, claim.unit_id)
    return claim


@unit_of_work
def reject_claim(user: User, claim_id: int, reason: str) -> Claim:
    """Reject a claim with a reason the claimant will read."""
    claim = _claim_for_verifier(user, claim_id)
    claim.status, claim.reason = "rejected", reason
    claim.decided_by_id, claim.decided_at = user.id, utcnow()
    return claim


@unit_of_work
def claim_detail(user: User, claim_id: int) -> Claim:
    """One claim in full. Its estate's committee and manager read the claimant's full name
    and phone (the decision needs them) and how the name compares with the register's owner
    of record, and each such look is recorded; the claimant reads their own claim, without
    the comparison (a claimant never learns what the register holds).

    :raises NotFound: unknown claim, or not the caller's own and its estate outside their scope.
    :raises Forbidden: the caller sees the estate but does not verify there.
    """
    claim = db.session.scalar(select(Claim).options(*_CLAIM_DISPLAY).where(Claim.id == claim_id))
    if claim is None:
        raise NotFound()
    if claim.user_id == user.id:
        claim.owner_of_record_match = None
        return claim
    require_estate_role(user, claim.estate_id, VERIFIER_ROLES)
    db.session.add(ClaimView(claim_id=claim.id, estate_id=claim.estate_id, viewer_id=user.id))
    claim.owner_of_record_match = owner_of_record_match(claim.real_name, claim.unit)
    return claim


# Several owners of record share a cell: "张三、李四", "张三,李四", "张三 李四".
_NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def owner_of_record_match(real_name: str, unit: Unit) -> str:
    """``match``, ``mismatch``, or ``unregistered`` (the register has no owner of record)."""
    if not unit.owner_of_record_name:
        return "unregistered"
    recorded = {n for n in _NAME_SEPARATORS.split(unit.owner_of_record_name) if n}
    return "match" if "".join(real_name.split()) in recorded else "mismatch"


def claims_of(user: User) -> list[Claim]:
    return list(
        db.session.scalars(
            select(Claim)
            .options(*_CLAIM_DISPLAY)
            .where(Claim.user_id == user.id)
            .order_by(*CLAIMS_NEWEST_FIRST)
        )
    )


def profile(user: User) -> dict:
    """The caller's own page: roles with place names, and claims with their outcome."""
    return {**accounts.profile(user), "claims": claims_of(user)}
