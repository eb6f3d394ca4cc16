"""Credit penalties: who sees a company's credit, who records and revokes penalties, and the
recording and revoking themselves (one transaction each).

Who records or revokes: county officers of the company's county, and its admin; a township
officer for a company serving an estate in the township, naming that estate. Everyone else
who can see the company gets 403; anyone who cannot, 404.
"""

from sqlalchemy import or_, select

from backend.access.models import Membership
from backend.access.roles import Role, ScopeKind
from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.common import uploads
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.credit.models import CreditPenalty, PenaltyEvidence, PenaltyKind
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.places.models import Community, Estate, PropertyCompany, Township

COUNTY_ROLES = (Role.COUNTY_OFFICER, Role.ADMIN)
STAFF_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, *COUNTY_ROLES)
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
EVIDENCE_KINDS = "PDF、JPG、PNG"
EVIDENCE_MAX_FILES = 9
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Every estate the company serves hears of a penalty against it.
PENALTY_TOPIC = "credit.penalty"
COMPANY_NOT_FOUND = "未找到该物业企业，或您无权查看"


def _scopes(user: User, roles, kind: ScopeKind):
    return select(Membership.scope_id).where(
        Membership.user_id == user.id, Membership.role.in_(roles), Membership.scope_kind == kind
    )


def _county_ids(user: User, roles=COUNTY_ROLES):
    return _scopes(user, roles, ScopeKind.COUNTY)


def staff_county_ids(user: User):
    """Counties the user works in as staff (county, township or community level)."""
    townships = select(Township.county_id).where(
        Township.id.in_(_scopes(user, (Role.TOWNSHIP_OFFICER,), ScopeKind.TOWNSHIP))
    )
    communities = (
        select(Township.county_id)
        .join(Community, Community.township_id == Township.id)
        .where(Community.id.in_(_scopes(user, (Role.AUDITOR,), ScopeKind.COMMUNITY)))
    )
    return _county_ids(user).union(townships, communities)


def supervised_companies(user: User):
    """A SELECT of the ids of companies a staff member supervises: every company of a county
    officer's county; for township and community staff, those serving an estate of theirs."""
    served = (
        visible_estates(user, (Role.AUDITOR, Role.TOWNSHIP_OFFICER))
        .with_only_columns(Estate.property_company_id)
        .where(Estate.property_company_id.is_not(None))
    )
    return select(PropertyCompany.id).where(
        or_(PropertyCompany.county_id.in_(_county_ids(user)), PropertyCompany.id.in_(served))
    )


def supervised_company(user: User, company_id: int) -> PropertyCompany:
    """The company, if the staff member supervises it.

    :raises NotFound: no such company, or not one of the user's.
    """
    company = db.session.scalar(
        select(PropertyCompany).where(
            PropertyCompany.id == company_id, PropertyCompany.id.in_(supervised_companies(user))
        )
    )
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND)
    return company


def public_companies(user: User):
    """A SELECT of the ids of the companies whose credit page the user may read: those serving
    an estate the user belongs to or supervises, every company of the county of such an estate
    (an owner choosing a company looks beyond their own), and every company of a county the
    user works in as staff."""
    mine = visible_estates(user)
    served = mine.with_only_columns(Estate.property_company_id)
    counties = mine.with_only_columns(Estate.county_id)
    return select(PropertyCompany.id).where(
        or_(
            PropertyCompany.id.in_(served),
            PropertyCompany.county_id.in_(counties),
            PropertyCompany.county_id.in_(staff_county_ids(user)),
        )
    )


def public_company(user: User, company_id: int) -> PropertyCompany:
    """The company, for its public credit page (see ``public_companies``).

    :raises NotFound: no such company, or not one the user may read.
    """
    company = db.session.scalar(
        select(PropertyCompany).where(
            PropertyCompany.id == company_id, PropertyCompany.id.in_(public_companies(user))
        )
    )
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND)
    return company


def _is_county_officer(user: User, company: PropertyCompany) -> bool:
    return (
        db.session.scalar(
            _county_ids(user).where(Membership.scope_id == company.county_id).limit(1)
        )
        is not None
    )


def _township_estate(user: User, company: PropertyCompany, estate_id: int | None) -> Estate:
    """The estate a township officer records for: in their township, served by the company.

    :raises ValidationFailed: no estate named, or the company does not serve it.
    :raises NotFound: the estate is not in the officer's township.
    """
    if estate_id is None:
        raise ValidationFailed(fields={"estate_id": ["街道（乡镇）记录惩戒须选择所涉小区"]})
    estate = db.session.scalar(
        visible_estates(user, (Role.TOWNSHIP_OFFICER,)).where(Estate.id == estate_id)
    )
    if estate is None:
        raise NotFound("未找到该小区，或您无权查看")
    return _served(company, estate)


def _served(company: PropertyCompany, estate: Estate) -> Estate:
    if estate.property_company_id != company.id:
        raise ValidationFailed(fields={"estate_id": ["该小区不由该物业企业服务"]})
    return estate


def may_record(user: User, company: PropertyCompany) -> bool:
    """Whether the page should offer the record and revoke forms (the services still decide)."""
    return _is_county_officer(user, company) or bool(
        db.session.scalar(
            visible_estates(user, (Role.TOWNSHIP_OFFICER,))
            .with_only_columns(Estate.id)
            .where(Estate.property_company_id == company.id)
            .limit(1)
        )
    )


def _estate_for_recording(user, company, estate_id) -> Estate | None:
    """:raises Forbidden, NotFound, ValidationFailed: see ``record_penalty``."""
    if _is_county_officer(user, company):
        if estate_id is None:
            return None
        estate = db.session.get(Estate, estate_id)
        if estate is None or estate.county_id != company.county_id:
            raise NotFound("未找到该小区，或您无权查看")
        return _served(company, estate)
    if not may_record(user, company):
        raise Forbidden("只有县住建局或所涉街道（乡镇）可以记录失信惩戒")
    return _township_estate(user, company, estate_id)


def _manager(company: PropertyCompany, args: dict) -> tuple[int | None, str | None]:
    """(manager_user_id, manager_name): a named manager must hold the property-manager role
    on an estate the company serves.

    :raises ValidationFailed: that user is no manager of the company; a dismissal names none.
    """
    user_id, name = args.get("manager_user_id"), (args.get("manager_name") or "").strip()
    if user_id is not None:
        manager = db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(Estate, Estate.id == Membership.estate_id)
            .where(
                User.id == user_id,
                Membership.role == Role.PROPERTY_MANAGER,
                Estate.property_company_id == company.id,
            )
            .limit(1)
        )
        if manager is None:
            raise ValidationFailed(fields={"manager_user_id": ["该用户不是该企业的物业项目经理"]})
        name = name or manager.real_name
    if args["kind"] == PenaltyKind.MANAGER_DISMISSAL and not name:
        raise ValidationFailed(fields={"manager_name": ["请填写被清退的项目经理姓名"]})
    return user_id, (name or None)


def _check_rules(args: dict) -> None:
    """:raises ValidationFailed: points that do not fit the kind; a date in the future."""
    deduction = args["kind"] == PenaltyKind.DEDUCTION
    points = args.get("points")
    if deduction and not points:
        raise ValidationFailed(fields={"points": ["信用扣分须填写扣分分值（1–100）"]})
    if not deduction and points:
        raise ValidationFailed(fields={"points": ["只有信用扣分需要填写扣分分值"]})
    if args["decided_on"] > today():
        raise ValidationFailed(fields={"decided_on": ["决定日期不能晚于今天"]})


@unit_of_work
def record_penalty(user: User, company_id: int, args: dict, evidence=()) -> CreditPenalty:
    """Record a penalty with its evidence files ((filename, bytes) pairs); one transaction.

    :raises NotFound: the company (or the estate named) is outside the user's scope.
    :raises Forbidden: the user sees the company but may not record penalties on it.
    :raises ValidationFailed: points that do not fit the kind, a future date, a manager or
        estate that is not the company's, too many or unacceptable files.
    """
    company = supervised_company(user, company_id)
    estate = _estate_for_recording(user, company, args.get("estate_id"))
    _check_rules(args)
    manager_user_id, manager_name = _manager(company, args)
    if len(evidence) > EVIDENCE_MAX_FILES:
        raise ValidationFailed(fields={"evidence": [f"最多上传 {EVIDENCE_MAX_FILES} 个证据文件"]})
    penalty = CreditPenalty(
        county_id=company.county_id,
        property_company_id=company.id,
        estate_id=estate.id if estate else None,
        manager_user_id=manager_user_id,
        manager_name=manager_name,
        kind=args["kind"],
        points=args.get("points") or 0,
        reason=args["reason"].strip(),
        decided_on=args["decided_on"],
        recorded_by_id=user.id,
    )
    db.session.add(penalty)
    db.session.flush()
    for filename, data in evidence:
        stored = uploads.keep(
            filename, data, EVIDENCE_SUFFIXES, EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES
        )
        db.session.add(PenaltyEvidence(penalty_id=penalty.id, **stored))
    _post(penalty)
    return penalty


def _post(penalty: CreditPenalty) -> None:
    """Queue the penalty for the group chats of every estate its company serves today."""
    served = db.session.scalars(
        select(Estate.id).where(Estate.property_company_id == penalty.property_company_id)
    ).all()
    outbox.add_once_for_groups(PENALTY_TOPIC, penalty.id, active_groups(served))


def supervised_penalty(user: User, penalty_id: int) -> CreditPenalty:
    """:raises NotFound: no such penalty, or its company is not one the user supervises."""
    penalty = db.session.get(CreditPenalty, penalty_id)
    if penalty is None:
        raise NotFound("未找到该惩戒记录，或您无权查看")
    supervised_company(user, penalty.property_company_id)
    return penalty


@unit_of_work
def revoke_penalty(user: User, penalty_id: int, reason: str) -> CreditPenalty:
    """Revoke a mistaken penalty with a reason; it stays on record, marked 已撤销.

    :raises NotFound: outside the user's scope.
    :raises Forbidden: neither a county officer of the company's county nor the township
        officer of the estate the penalty names.
    :raises Conflict: already revoked.
    """
    penalty = supervised_penalty(user, penalty_id)
    if not _is_county_officer(user, penalty.company):
        in_township = penalty.estate_id is not None and db.session.scalar(
            visible_estates(user, (Role.TOWNSHIP_OFFICER,))
            .with_only_columns(Estate.id)
            .where(Estate.id == penalty.estate_id)
        )
        if not in_township:
            raise Forbidden("只有县住建局或所涉街道（乡镇）可以撤销失信惩戒")
    # Locked and read again: two officers revoking at once must not both succeed.
    penalty = db.session.scalar(
        select(CreditPenalty)
        .where(CreditPenalty.id == penalty.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if penalty.revoked_at is not None:
        raise Conflict("该惩戒已撤销", code="already_revoked")
    penalty.revoked_at = utcnow()
    penalty.revoked_by_id = user.id
    penalty.revoke_reason = reason.strip()
    return penalty


def evidence_for(user: User, evidence_id: int) -> PenaltyEvidence:
    """An evidence file, for staff who supervise the company.

    :raises NotFound: no such file, or outside the user's scope.
    """
    row = db.session.get(PenaltyEvidence, evidence_id)
    if row is None:
        raise NotFound("未找到该文件，或您无权查看")
    supervised_penalty(user, row.penalty_id)
    return row


def history(company_id: int) -> list[CreditPenalty]:
    """A company's penalties, newest decision first (revoked ones included)."""
    return list(
        db.session.scalars(
            select(CreditPenalty)
            .where(CreditPenalty.property_company_id == company_id)
            .order_by(CreditPenalty.decided_on.desc(), CreditPenalty.id.desc())
        )
    )
