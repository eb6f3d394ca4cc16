"""What credit penalties add up to: a company's credit score, and the counts a county,
township or community reports for a date range (约谈、通报批评、信用扣分、清退、清出).

Integer arithmetic only. Revoked penalties count nowhere.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import case, func, select

from backend.common.clock import SHANGHAI, utcnow
from backend.extensions import db
from backend.governance.credit.models import CreditPenalty, PenaltyKind
from backend.places.models import Estate

SCOPE_KINDS = ("county", "township", "community", "estate")


def today() -> date:
    """The date in Shanghai: decisions are dated as officers date them."""
    return utcnow().astimezone(SHANGHAI).date()


def base_score() -> int:
    return current_app.config["CREDIT_BASE_SCORE"]


def window_start(on: date | None = None) -> date:
    """The earliest decision date whose deduction still counts on ``on`` (today): a deduction
    counts for LINLI_CREDIT_WINDOW_DAYS days, the day of the decision included."""
    return (on or today()) - timedelta(days=current_app.config["CREDIT_WINDOW_DAYS"] - 1)


def deducted_points(company_ids, on: date | None = None) -> dict[int, int]:
    """Points of the live deductions in the window, per company (one grouped query)."""
    ids = list(company_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(CreditPenalty.property_company_id, func.sum(CreditPenalty.points))
        .where(
            CreditPenalty.property_company_id.in_(ids),
            CreditPenalty.kind == PenaltyKind.DEDUCTION,
            CreditPenalty.revoked_at.is_(None),
            CreditPenalty.decided_on >= window_start(on),
            CreditPenalty.decided_on <= (on or today()),
        )
        .group_by(CreditPenalty.property_company_id)
    )
    return {company_id: int(points or 0) for company_id, points in rows}


def score_from(points: int) -> int:
    return max(base_score() - points, 0)


def score(company_id: int, on: date | None = None) -> int:
    """Base score minus the live deductions of the window, never below 0."""
    return score_from(deducted_points([company_id], on).get(company_id, 0))


@dataclass(frozen=True)
class Figures:
    interview: int = 0
    criticism: int = 0
    deduction: int = 0
    manager_dismissal: int = 0
    project_removal: int = 0
    companies_interviewed: int = 0
    companies_criticised: int = 0
    points: int = 0


def _in_scope(query, kind: str, place_id: int):
    if kind == "county":
        return query.where(CreditPenalty.county_id == place_id)
    # Below the county a penalty belongs to the estate it names; one naming no estate is a
    # county matter and counts only in the county's figures.
    if kind == "estate":
        return query.where(CreditPenalty.estate_id == place_id)
    column = Estate.township_id if kind == "township" else Estate.community_id
    return query.join(Estate, Estate.id == CreditPenalty.estate_id).where(column == place_id)


def figures(scope: tuple[str, int], since: date, until: date) -> Figures:
    """Live penalties decided from ``since`` to ``until`` (both included) in a county,
    township, community or estate: a count per kind, the distinct companies interviewed and
    criticised, and the points deducted. One query.

    :param scope: ("county" | "township" | "community" | "estate", id).
    """
    kind, place_id = scope
    if kind not in SCOPE_KINDS:
        raise ValueError(f"unknown scope {kind!r}")

    def per_kind(k):
        return func.count(case((CreditPenalty.kind == k, 1)))

    def distinct_companies(k):
        return func.count(
            func.distinct(case((CreditPenalty.kind == k, CreditPenalty.property_company_id)))
        )

    query = select(
        *(per_kind(k) for k in PenaltyKind),
        distinct_companies(PenaltyKind.INTERVIEW),
        distinct_companies(PenaltyKind.CRITICISM),
        func.coalesce(func.sum(CreditPenalty.points), 0),
    ).where(
        CreditPenalty.revoked_at.is_(None),
        CreditPenalty.decided_on >= since,
        CreditPenalty.decided_on <= until,
    )
    row = db.session.execute(_in_scope(query, kind, place_id)).one()
    return Figures(*(int(v) for v in row))
