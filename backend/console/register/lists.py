"""What the console's register lists show: the estates in scope with their live committee and
branch coverage (filters, summary, pages), and the terms due for re-election. Queries stay a
fixed few whatever the number of estates."""

from math import ceil

from sqlalchemy import and_, case, exists, func, select

from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.console.forms import page_arg
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register import reelection
from backend.governance.register.figures import covered_on, due_on, live_on
from backend.governance.register.models import Committee, PartyBranch, PartyBranchEstate
from backend.places.models import Community, Estate

LIST_PAGE_SIZE = 20
SEARCH_MAX = 40
YES_NO = {"yes": "有", "no": "无"}


def _page(args) -> int:
    return page_arg(args.get("page"))


# -- the register list ------------------------------------------------------------------------


def _list_filters(args) -> dict:
    def pick(name, allowed):
        value = args.get(name, "")
        return value if value in allowed else ""

    return {
        "q": args.get("q", "").strip()[:SEARCH_MAX],
        "committee": pick("committee", YES_NO),
        "party_led": pick("party_led", YES_NO),
        "covered": pick("covered", YES_NO),
        "due": "1" if args.get("due") == "1" else "",
    }


def register_list(user: User, args) -> dict:
    """One page of the estates in scope with their live committee and branch coverage (one
    query for the rows, one for the count, one for the summary), filtered."""
    filters = _list_filters(args)
    on = today()
    covered = (
        exists()
        .where(
            PartyBranchEstate.estate_id == Estate.id,
            PartyBranch.id == PartyBranchEstate.branch_id,
            covered_on(on),
        )
        .correlate(Estate)
    )
    led = and_(Committee.is_party_led.is_(True), Committee.party_led_since <= on)
    scope = visible_estates(user).with_only_columns(Estate.id).scalar_subquery()
    base = (
        select(
            Estate.id,
            Estate.name,
            Community.name.label("community"),
            Committee.formed_on,
            Committee.term_ends_on,
            led.label("party_led"),
            covered.label("covered"),
        )
        .join(Community, Community.id == Estate.community_id)
        .outerjoin(Committee, and_(Committee.estate_id == Estate.id, live_on(on)))
        .where(Estate.id.in_(scope))
    )
    summary = db.session.execute(
        select(
            func.count(),
            func.count(Committee.id),
            func.count(case((led, 1))),
            func.count(case((covered, 1))),
            func.count(case((due_on(on), 1))),
        )
        .select_from(Estate)
        .outerjoin(Committee, and_(Committee.estate_id == Estate.id, live_on(on)))
        .where(Estate.id.in_(scope))
    ).one()
    query = base
    if filters["q"]:
        query = query.where(Estate.name.contains(filters["q"], autoescape=True))
    if filters["committee"]:
        has = Committee.id.is_not(None)
        query = query.where(has if filters["committee"] == "yes" else ~has)
    if filters["party_led"]:
        query = query.where(led if filters["party_led"] == "yes" else ~led | Committee.id.is_(None))
    if filters["covered"]:
        query = query.where(covered if filters["covered"] == "yes" else ~covered)
    if filters["due"]:
        query = query.where(Committee.id.is_not(None), due_on(on))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = _page(args)
    rows = db.session.execute(
        query.order_by(Estate.township_id, Estate.name, Estate.id)
        .limit(LIST_PAGE_SIZE)
        .offset((page - 1) * LIST_PAGE_SIZE)
    ).all()
    return {
        "filters": filters,
        "query": {k: v for k, v in filters.items() if v},
        "result": _Paged(page, total),
        "pages": max(1, ceil(total / LIST_PAGE_SIZE)),
        "yes_no": YES_NO,
        "summary": dict(
            zip(("estates", "committees", "party_led", "covered", "due"), summary, strict=True)
        ),
        "rows": [
            {
                "id": r.id,
                "name": r.name,
                "community": r.community,
                "committee": r.formed_on is not None,
                "formed_on": r.formed_on.isoformat() if r.formed_on else "—",
                "term_ends_on": r.term_ends_on.isoformat() if r.term_ends_on else "—",
                "due": r.term_ends_on is not None and reelection.is_due_date(r.term_ends_on, on),
                "party_led": bool(r.party_led),
                "covered": bool(r.covered),
            }
            for r in rows
        ],
    }


class _Paged:
    """What the pager macro reads."""

    def __init__(self, page: int, total: int):
        self.page, self.total = page, total


def reelection_list(user: User, args) -> dict:
    """The live terms due for re-election or lapsed in scope, soonest end first."""
    on = today()
    page = _page(args)
    query = reelection.due_in_scope(user, on)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    terms = db.session.scalars(
        query.limit(LIST_PAGE_SIZE).offset((page - 1) * LIST_PAGE_SIZE)
    ).all()
    estates = {
        e.id: e
        for e in db.session.scalars(
            select(Estate).where(Estate.id.in_([c.estate_id for c in terms]))
        )
    }
    return {
        "result": _Paged(page, total),
        "pages": max(1, ceil(total / LIST_PAGE_SIZE)),
        "query": {},
        "notice_days": reelection.notice_days(),
        "rows": [
            {
                "estate_id": c.estate_id,
                "estate": estates[c.estate_id].name,
                "formed_on": c.formed_on.isoformat(),
                "term_ends_on": c.term_ends_on.isoformat(),
                "days": (c.term_ends_on - on).days,
                "lapsed": c.term_ends_on < on,
                "reminded": c.reminded_at is not None,
            }
            for c in terms
        ],
    }
