"""Reading credit: a company's public credit page, and the staff's list of companies with
their scores and penalty counts."""

from flask import current_app
from sqlalchemy import and_, case, func, select

from backend.accounts.models import User
from backend.common.pagination import Page, paginate
from backend.extensions import db
from backend.governance.credit import figures, services
from backend.governance.credit.models import CreditPenalty, PenaltyKind
from backend.places.models import PropertyCompany


def public_credit(user: User, company_id: int) -> dict:
    """Score and history of a company, as owners read it.

    :raises NotFound: outside the caller's reach (see services.public_company).
    """
    company = services.public_company(user, company_id)
    return {
        "company_id": company.id,
        "name": company.name,
        "credit_code": company.credit_code,
        "score": figures.score(company.id),
        "base_score": figures.base_score(),
        "window_days": current_app.config["CREDIT_WINDOW_DAYS"],
        "penalties": services.history(company.id),
    }


def company_figures(company_ids) -> dict[int, dict]:
    """Per company: live and revoked penalty counts and the credit score, from one grouped
    query (companies without penalties are absent: full score, no penalties)."""
    ids = list(company_ids)
    if not ids:
        return {}
    live = CreditPenalty.revoked_at.is_(None)
    counting = and_(
        live,
        CreditPenalty.kind == PenaltyKind.DEDUCTION,
        CreditPenalty.decided_on >= figures.window_start(),
        CreditPenalty.decided_on <= figures.today(),
    )
    rows = db.session.execute(
        select(
            CreditPenalty.property_company_id,
            func.count(case((live, 1))),
            func.count(case((CreditPenalty.revoked_at.is_not(None), 1))),
            func.coalesce(func.sum(case((counting, CreditPenalty.points), else_=0)), 0),
        )
        .where(CreditPenalty.property_company_id.in_(ids))
        .group_by(CreditPenalty.property_company_id)
    )
    return {
        cid: {"live": n, "revoked": r, "score": figures.score_from(int(points))}
        for cid, n, r, points in rows
    }


def supervised_page(user: User, q: str, page: int, page_size: int) -> Page:
    """One page of the companies a staff member supervises, by name."""
    query = (
        select(PropertyCompany)
        .where(PropertyCompany.id.in_(services.supervised_companies(user)))
        .order_by(PropertyCompany.name, PropertyCompany.id)
    )
    if q:
        query = query.where(PropertyCompany.name.contains(q, autoescape=True))
    return paginate(query, page, page_size)


def public_page(user: User, q: str | None, page: int, page_size: int) -> Page:
    """One page of the companies whose credit page the user may read (services.
    public_companies), by name, each with its score and live penalty count (two statements
    for the page, whatever its size)."""
    query = (
        select(PropertyCompany)
        .where(PropertyCompany.id.in_(services.public_companies(user)))
        .order_by(PropertyCompany.name, PropertyCompany.id)
    )
    if q:
        query = query.where(PropertyCompany.name.contains(q.strip(), autoescape=True))
    result = paginate(query, page, page_size)
    counts = company_figures(c.id for c in result.items)
    full = {"live": 0, "score": figures.base_score()}
    result.items = [
        {
            "id": c.id,
            "name": c.name,
            "credit_code": c.credit_code,
            "score": counts.get(c.id, full)["score"],
            "penalty_count": counts.get(c.id, full)["live"],
        }
        for c in result.items
    ]
    return result
