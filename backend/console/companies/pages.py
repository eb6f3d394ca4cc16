"""What the console's credit pages show and do: the property companies a staff member
supervises with their credit scores and penalty counts, and one company with its penalty
history, the record-penalty form (with evidence files) and the revoke form.

Rules and scope stay in backend.governance (outside scope: 404); this module turns forms
into the API's own argument schemas and penalties into rows a template prints.
"""

from math import ceil

from flask import current_app
from sqlalchemy import select

from backend.access.models import Membership
from backend.access.roles import Role
from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.accounts.naming import staff_naming
from backend.common.clock import local_text
from backend.common.masking import mask_name
from backend.console.forms import load, page_arg, typed_int
from backend.errors import NotFound
from backend.extensions import db
from backend.governance.credit import figures as credit
from backend.governance.credit import queries, services
from backend.governance.credit.models import KIND_LABELS, CreditPenalty, PenaltyKind
from backend.governance.credit.schemas import PenaltyArgs, RevokeArgs
from backend.places.models import Estate

LIST_PAGE_SIZE = 20
SEARCH_MAX = 40
# What a refused form shows again, so nothing typed is lost.
PENALTY_FIELDS = (
    "kind",
    "points",
    "reason",
    "decided_on",
    "estate_id",
    "manager_user_id",
    "manager_name",
)


def company_list(user: User, args) -> dict:
    """One page of the supervised companies by name, with scores and penalty counts from one
    grouped query."""
    q = args.get("q", "").strip()[:SEARCH_MAX]
    page = page_arg(args.get("page"))
    result = queries.supervised_page(user, q, page, LIST_PAGE_SIZE)
    figures = queries.company_figures(c.id for c in result.items)
    full = {"live": 0, "revoked": 0, "score": credit.base_score()}
    return {
        "q": q,
        "query": {"q": q} if q else {},
        "result": result,
        "pages": max(1, ceil(result.total / LIST_PAGE_SIZE)),
        "rows": [
            {
                "id": c.id,
                "name": c.name,
                "credit_code": c.credit_code or "—",
                **figures.get(c.id, full),
            }
            for c in result.items
        ],
    }


def _penalty_row(p: CreditPenalty) -> dict:
    return {
        "id": p.id,
        "kind": p.kind,
        "kind_label": p.kind_label,
        "decided_on": p.decided_on.isoformat(),
        "estate": p.estate.name if p.estate else "—",
        "manager": mask_name(p.manager_name) or "—",
        "points": p.points or "",
        "reason": p.reason,
        "evidence": p.evidence,
        "revoked": p.revoked_at is not None,
        "revoked_at": local_text(p.revoked_at),
        "revoke_reason": p.revoke_reason or "",
    }


def _estates_for_form(user: User, company_id: int) -> list[Estate]:
    """The estates the user may name when recording: served by the company, in their reach."""
    return list(
        db.session.scalars(
            visible_estates(user, (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN))
            .where(Estate.property_company_id == company_id)
            .order_by(Estate.name)
        )
    )


def _managers(estates: list[Estate]) -> list[User]:
    if not estates:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.role == Role.PROPERTY_MANAGER,
                Membership.estate_id.in_([e.id for e in estates]),
            )
            .distinct()
            .order_by(User.id)
        )
    )


def company_page(user: User, company_id: int) -> dict:
    """A company as staff read it: score, penalty history, and the forms if they may record.

    :raises NotFound: no such company, or not one the user supervises.
    """
    company = services.supervised_company(user, company_id)
    penalties = services.history(company.id)
    can_record = services.may_record(user, company)
    estates = _estates_for_form(user, company.id) if can_record else []
    return {
        "company": company,
        "score": credit.score(company.id),
        "base_score": credit.base_score(),
        "window_days": current_app.config["CREDIT_WINDOW_DAYS"],
        "rows": [_penalty_row(p) for p in penalties],
        "can_record": can_record,
        "estates": estates,
        "managers": [{"id": m.id, "name": staff_naming().name(m)} for m in _managers(estates)],
        "kinds": KIND_LABELS,
        "deduction": PenaltyKind.DEDUCTION.value,
        "today": credit.today().isoformat(),
    }


def _optional_id(form, name, fields):
    if form.get(name, "").strip():
        fields[name] = typed_int(form[name])


def record(user: User, company_id: int, form, files) -> CreditPenalty:
    """Record a penalty from the company page's form and its evidence files.

    :raises ValidationFailed, NotFound, Forbidden: as services.record_penalty.
    """
    fields = {k: form.get(k, "") for k in ("kind", "reason", "decided_on", "manager_name")}
    for name in ("points", "estate_id", "manager_user_id"):
        _optional_id(form, name, fields)
    args = load(PenaltyArgs(), fields)
    evidence = [(f.filename or "", f.read()) for f in files if f and f.filename]
    return services.record_penalty(user, company_id, args, evidence)


def revoke(user: User, company_id: int, penalty_id: int, form) -> CreditPenalty:
    """Revoke a penalty of the company from the page's form.

    :raises ValidationFailed: no reason, or one too long.
    :raises NotFound: the penalty is not this company's, or outside the user's scope.
    :raises Forbidden, Conflict: as services.revoke_penalty.
    """
    args = load(RevokeArgs(), {"reason": form.get("reason", "")})
    penalty = services.supervised_penalty(user, penalty_id)
    if penalty.property_company_id != company_id:
        raise NotFound("未找到该惩戒记录，或您无权查看")
    return services.revoke_penalty(user, penalty_id, args["reason"])
