"""What the console's star-rating pages show and do (小区星级评定): the estates in scope with
their rating status, total and stars under the year's distribution table; one estate's score
sheet with the scoring, confirmation, 5★ review and appeal forms; the county's criteria form.

Rules and scope stay in backend.governance.ratings (outside scope: 404); this module turns
forms into service arguments and ratings into rows a template prints.
"""

from math import ceil

from sqlalchemy import and_, select

from backend.access.roles import Role, ScopeKind
from backend.accounts.models import User
from backend.accounts.naming import staff_naming
from backend.common.clock import local_text
from backend.common.pagination import paginate
from backend.console.forms import page_arg, typed_int
from backend.errors import NotFound
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.ratings import appeals, criteria, figures, services
from backend.governance.ratings.models import (
    RATING_STATUS_LABELS,
    SOURCE_LABELS,
    EstateRating,
    RatingStatus,
)
from backend.places.models import Estate

LIST_PAGE_SIZE = 20
CRITERIA_ROWS = 12  # rows the criteria form offers
UNRATED = "unrated"
STATUS_FILTERS = {**RATING_STATUS_LABELS, UNRATED: "未评分"}
STAR_FILTERS = {"5": "五星", "4": "四星", "3": "三星", "2": "二星", "1": "一星", "0": "未评星"}
# Where the distribution of a staff member is counted: their widest place.
SCOPE_ORDER = (ScopeKind.COUNTY, ScopeKind.TOWNSHIP, ScopeKind.COMMUNITY)


def stars_text(stars: int) -> str:
    return "★" * stars if stars else "未评星"


def year_arg(value) -> int:
    """The year asked for in the query string, else last year (ratings look back a year)."""
    year = typed_int(value)
    latest = today().year
    if isinstance(year, int) and criteria.MIN_YEAR <= year <= latest + 1:
        return year
    return latest - 1


def widest_scope(user: User) -> tuple[str, int] | None:
    places = {m.scope_kind: m.scope_id for m in user.memberships if m.role != Role.OWNER}
    for kind in SCOPE_ORDER:
        if kind in places:
            return kind.value, places[kind]
    return None


def _filters(args) -> dict:
    status, stars = args.get("status", ""), args.get("stars", "")
    return {
        "status": status if status in STATUS_FILTERS else "",
        "stars": stars if stars in STAR_FILTERS else "",
        "q": args.get("q", "").strip()[:40],
    }


def rating_list(user: User, args) -> dict:
    """One page of the estates in scope with their rating for the year (two queries for the
    rows), and the distribution of the user's widest place (one grouped query)."""
    year = year_arg(args.get("year"))
    filters = _filters(args)
    page = page_arg(args.get("page"))
    joined = and_(EstateRating.estate_id == Estate.id, EstateRating.year == year)
    query = services.visible_estates(user, services.STAFF_ROLES).outerjoin(EstateRating, joined)
    if filters["status"] == UNRATED:
        query = query.where(EstateRating.id.is_(None))
    elif filters["status"]:
        query = query.where(EstateRating.status == filters["status"])
    if filters["stars"]:
        query = query.where(
            EstateRating.status == RatingStatus.CONFIRMED,
            EstateRating.stars == int(filters["stars"]),
        )
    if filters["q"]:
        query = query.where(Estate.name.contains(filters["q"], autoescape=True))
    result = paginate(query.order_by(Estate.name, Estate.id), page, LIST_PAGE_SIZE)
    ratings = {
        r.estate_id: r
        for r in db.session.scalars(
            select(EstateRating).where(
                EstateRating.year == year,
                EstateRating.estate_id.in_([e.id for e in result.items]),
            )
        )
    }
    scope = widest_scope(user)
    return {
        "year": year,
        "years": list(range(today().year, today().year - 6, -1)),
        "filters": filters,
        "query": {"year": year, **{k: v for k, v in filters.items() if v}},
        "result": result,
        "pages": max(1, ceil(result.total / LIST_PAGE_SIZE)),
        "statuses": STATUS_FILTERS,
        "star_filters": STAR_FILTERS,
        "distribution": figures.distribution(scope, year) if scope else None,
        "rows": [_row(e, ratings.get(e.id)) for e in result.items],
        "is_county": criteria.officer_county(user) is not None,
        "no_star_below": services.thresholds()[0],
    }


def _row(estate: Estate, rating: EstateRating | None) -> dict:
    confirmed = rating is not None and rating.status == RatingStatus.CONFIRMED
    return {
        "estate_id": estate.id,
        "estate": estate.name,
        "status": rating.status if rating else UNRATED,
        "status_label": rating.status_label if rating else "未评分",
        "total": rating.total if rating else "—",
        "stars": stars_text(rating.stars) if confirmed else "—",
        "five_pending": confirmed and rating.five_star_review == "pending",
    }


def sheet_page(user: User, estate_id: int, year: int) -> dict:
    """An estate's sheet for the year and the forms the user may use on it.

    :raises NotFound: outside the user's scope, or not a year that can be rated.
    """
    estate = services.staff_estate(user, estate_id)
    if not criteria.MIN_YEAR <= year <= today().year:
        raise NotFound("该年度不能评定")
    rating = services.rating_of(estate.id, year)
    lines = services.sheet_lines(estate, year, rating)
    status = rating.status if rating else None
    is_county = services.may(user, estate, services.COUNTY_ROLES)
    history = appeals.appeals_of(rating.id) if rating else []
    names = _names({a.appellant_id for a in history} | {a.decided_by_id for a in history})
    stars, eligible = services.stars_for(sum(sl.points or 0 for sl in lines))
    return {
        "estate": estate,
        "year": year,
        "rating": rating,
        "lines": lines,
        "sources": SOURCE_LABELS,
        "total": rating.total if rating and status != RatingStatus.DRAFT else None,
        "preview": {"stars": stars_text(stars), "eligible": eligible},
        "stars": stars_text(rating.stars) if status == RatingStatus.CONFIRMED else "",
        "can_score": status in (None, RatingStatus.DRAFT)
        and services.may(user, estate, services.SCORER_ROLES),
        "can_confirm": status == RatingStatus.SUBMITTED and is_county,
        "can_review": status == RatingStatus.CONFIRMED
        and rating.five_star_review == "pending"
        and is_county,
        "is_county": is_county,
        "confirmed_at": local_text(rating.confirmed_at) if rating else "",
        "appeal_deadline": local_text(appeals.appeal_deadline(rating))
        if status == RatingStatus.CONFIRMED
        else "",
        "appeals": [
            {
                "id": a.id,
                "status": a.status,
                "status_label": a.status_label,
                "reason": a.reason,
                "by": names.get(a.appellant_id, ""),
                "at": local_text(a.created_at),
                "decided_by": names.get(a.decided_by_id, ""),
                "decided_at": local_text(a.decided_at),
                "decision_reason": a.decision_reason or "",
            }
            for a in history
        ],
    }


def _names(ids) -> dict[int, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {u.id: staff_naming().name(u) for u in users}


def score(user: User, estate_id: int, year: int, form) -> EstateRating:
    """Save (or, with action=submit, submit) the sheet from the page's form.

    :raises ValidationFailed, NotFound, Forbidden, Conflict: as services.score.
    """
    given = {
        key.removeprefix("score-"): typed_int(value)
        for key, value in form.items()
        if key.startswith("score-")
    }
    submit = form.get("action") == "submit"
    return services.score(user, estate_id, year, given, submit)


def criteria_page(user: User, args) -> dict:
    """The county's sheet for a year, editable by its county officers while not frozen."""
    year = year_arg(args.get("year"))
    county_id = criteria.officer_county(user)
    if county_id is None:
        scope = widest_scope(user)
        county_id = _county_of(scope) if scope else None
    lines = criteria.sheet(county_id, year) if county_id else list(criteria.DEFAULT_SHEET)
    stored = bool(county_id and criteria.stored_sheet(county_id, year))
    frozen = bool(county_id and criteria.is_frozen(county_id, year))
    return {
        "year": year,
        "years": list(range(today().year + 1, today().year - 5, -1)),
        "lines": lines,
        "is_default": not stored,
        "frozen": frozen,
        "can_edit": criteria.officer_county(user) is not None and not frozen,
        "sources": SOURCE_LABELS,
        "rows": CRITERIA_ROWS,
    }


def _county_of(scope: tuple[str, int]) -> int | None:
    kind, place_id = scope
    column = {"county": Estate.county_id, "township": Estate.township_id}.get(
        kind, Estate.community_id
    )
    return db.session.scalar(select(Estate.county_id).where(column == place_id).limit(1))


def criteria_rows(form) -> list[dict]:
    """The filled rows of the criteria form (a row with no code and no name is left out)."""
    rows = []
    for n in range(CRITERIA_ROWS):
        code = form.get(f"code-{n}", "").strip()
        name = form.get(f"name-{n}", "").strip()
        if not code and not name:
            continue
        rows.append(
            {
                "code": code,
                "name": name,
                "max_points": typed_int(form.get(f"max_points-{n}", "")),
                "source": form.get(f"source-{n}", ""),
            }
        )
    return rows


def set_criteria(user: User, form):
    """:raises ValidationFailed, Forbidden, Conflict: as criteria.set_sheet."""
    year = typed_int(form.get("year", ""))
    return criteria.set_sheet(user, year, criteria_rows(form))
