"""What the console's vote pages show and do: the motions of the estates a staff member
supervises with their turnout or outcome, and one motion with its documents, rule, timeline,
turnout or result, exports, and the organiser's paper-ballot and close-now forms.

Rules, scope and figures stay in backend.votes (outside scope: 404); this module turns forms
into the API's own argument schemas and motions into rows a template prints.
"""

from math import ceil

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.common.clock import as_utc, local_text, utcnow
from backend.common.pagination import paginate
from backend.console.forms import load, page_arg, typed_int
from backend.extensions import db
from backend.places.models import Estate
from backend.votes import exports, lifecycle, queries, rules, services
from backend.votes.models import (
    CHOICE_LABELS,
    NEWEST_FIRST,
    STATUS_LABELS,
    Elector,
    Motion,
    MotionStatus,
)
from backend.votes.schemas import PaperBallotArgs

S = MotionStatus
LIST_PAGE_SIZE = 20
PICKER_SIZE = 50  # electors offered in the paper-ballot select; a search narrows the rest
SEARCH_MAX = 40  # as the API's elector search
# What a refused paper-ballot form shows again, so nothing typed is lost.
PAPER_FIELDS = ("elector_id", "choice", "note", "q")
RESULT_ROWS = (
    ("全体业主", "total"),
    ("参与表决", "participating"),
    ("赞成", "yes"),
    ("反对", "no"),
    ("弃权", "abstain"),
)


def _area_fraction(part_dm2: int, whole_dm2: int) -> str:
    """ "200.00/1,000.00 ㎡": both areas as rules.area_text writes them, the unit once."""
    return f"{rules.area_text(part_dm2).removesuffix(' ㎡')}/{rules.area_text(whole_dm2)}"


def turnout_text(owners: int, owners_total: int, area_dm2: int, area_total_dm2: int) -> str:
    return f"{owners}/{owners_total} 人，{_area_fraction(area_dm2, area_total_dm2)}"


# -- the supervised motions ------------------------------------------------------------------


def _scope(user: User):
    return visible_estates(user, services.SUPERVISOR_ROLES).with_only_columns(Estate.id)


def motion_list(user: User, args) -> dict:
    """One page of the motions in the estates the user supervises, newest first, filtered by
    status and estate name, with turnout from one grouped query."""
    status = args.get("status") if args.get("status") in STATUS_LABELS else None
    q = args.get("q", "").strip()[:SEARCH_MAX]
    page = page_arg(args.get("page"))
    scope = _scope(user)
    lifecycle.catch_up(Motion.estate_id.in_(scope))
    query = (
        select(Motion)
        .join(Motion.estate)
        .options(contains_eager(Motion.estate))
        .where(Motion.estate_id.in_(scope))
        .order_by(*NEWEST_FIRST)
    )
    if status:
        query = query.where(Motion.status == status)
    if q:
        query = query.where(Estate.name.contains(q, autoescape=True))
    result = paginate(query, page, LIST_PAGE_SIZE)
    # The votes domain's own grouped turnout query: one query for the whole page.
    turnouts = queries.turnouts([m.id for m in result.items if m.status == S.OPEN])
    query_args = {k: v for k, v in (("status", status), ("q", q)) if v}
    return {
        "status": status,
        "q": q,
        "query": query_args,
        "status_labels": STATUS_LABELS,
        "result": result,
        "pages": max(1, ceil(result.total / LIST_PAGE_SIZE)),
        "rows": [_list_row(m, queries.turnout_of(m, turnouts)) for m in result.items],
    }


def _list_row(motion: Motion, turnout: rules.Count) -> dict:
    outcome = services.outcome_of(motion)
    shows_turnout = motion.status in (S.OPEN, S.CLOSED)
    return {
        "id": motion.id,
        "estate": motion.estate.name,
        "title": motion.title,
        "matter": rules.MATTERS[motion.matter],
        "status": motion.status,
        "status_label": STATUS_LABELS[motion.status],
        "opens_at": local_text(motion.opens_at),
        "closes_at": local_text(motion.closes_at),
        "turnout": turnout_text(
            turnout.owners, motion.owners_total or 0, turnout.area_dm2, motion.area_total_dm2 or 0
        )
        if shows_turnout
        else "",
        "outcome": outcome.code if outcome else None,
        "outcome_label": rules.OUTCOME_LABELS[outcome.code] if outcome else "",
    }


# -- one motion ------------------------------------------------------------------------------


def motion_page(user: User, motion_id: int, q: str = "") -> dict:
    """A motion as staff read it: facts, documents, rule, timeline, turnout while open and the
    full result once closed, the exports, and the organiser's forms while voting is open.

    :raises NotFound: no such motion, or outside the user's scope.
    """
    view = queries.detail(user, motion_id)
    motion = view["motion"]
    organiser = services.organiser_of(user, motion.estate)
    voting = motion.status == S.OPEN
    q = (q or "").strip()[:SEARCH_MAX]
    return {
        **view,
        "estate": motion.estate,
        "quorum_label": rules.QUORUM_LABEL,
        "timeline": _timeline(motion),
        "attachments": motion.attachments,
        "bars": _bars(view["turnout"]) if voting else None,
        "result_rows": _result_rows(view["result"]) if view["result"] else None,
        "exports": _exports(motion) if view["can_manage"] else [],
        "organiser": organiser,
        "picker": _picker(user, motion.id, q) if organiser and voting else None,
        "choices": CHOICE_LABELS,
        "q": q,
        # The close-now button waits for the deadline; the page opens it at this moment.
        "closes_at_ms": int(as_utc(motion.closes_at).timestamp() * 1000),
        "closes_at_text": local_text(motion.closes_at),
        "close_due": voting and utcnow() >= as_utc(motion.closes_at),
    }


def _timeline(motion: Motion) -> list[dict]:
    now = utcnow()
    steps = [
        ("发布公告", motion.announced_at, True),
        # The times announced to the owners (the snapshot may be taken a little later).
        ("投票开始", motion.opens_at, motion.opened_at is not None),
        ("投票截止", motion.closes_at, now >= as_utc(motion.closes_at)),
    ]
    if motion.closed_at:
        steps.append(("计票完成", motion.closed_at, True))
    if motion.cancelled_at:
        steps.append((f"已取消：{motion.cancel_reason}", motion.cancelled_at, True))
    return [{"label": label, "at": local_text(at), "done": done} for label, at, done in steps]


def _bar(label: str, part: int, whole: int, text: str) -> dict:
    share = rules.share_text(part, whole)
    return {"label": label, "text": text, "share": share, "width": share if whole else "0%"}


def _bars(turnout: dict) -> dict:
    """Turnout against the snapshot's totals, with where the quorum line falls."""
    owners, owners_total = turnout["owners_voted"], turnout["owners_total"]
    area, area_total = turnout["area_voted_dm2"], turnout["area_total_dm2"]
    return {
        "rows": [
            _bar("参与人数", owners, owners_total, f"{owners}/{owners_total} 人"),
            _bar("参与面积", area, area_total, _area_fraction(area, area_total)),
        ],
        "quorum_at": rules.share_text(rules.QUORUM.numerator, rules.QUORUM.denominator),
        "text": turnout_text(owners, owners_total, area, area_total),
    }


def _result_rows(result: dict) -> list[dict]:
    """Each line of the tally with its share of all owners and, for the choices, of those
    who took part (the base of the majority)."""
    total, voting = result["total"], result["participating"]
    rows = []
    for label, key in RESULT_ROWS:
        count = result[key]
        choice = key not in ("total", "participating")
        rows.append(
            {
                "key": key,
                "label": label,
                "owners": count["owners"],
                "owners_share": rules.share_text(count["owners"], total["owners"]),
                "owners_of_voting": (
                    rules.share_text(count["owners"], voting["owners"]) if choice else "—"
                ),
                "area": rules.area_text(count["area_dm2"]),
                "area_share": rules.share_text(count["area_dm2"], total["area_dm2"]),
                "area_of_voting": (
                    rules.share_text(count["area_dm2"], voting["area_dm2"]) if choice else "—"
                ),
            }
        )
    return rows


def _exports(motion: Motion) -> list[tuple[str, str]]:
    """The downloads to offer now; exports.export still decides (409 before close)."""
    if motion.status == S.CLOSED:
        kinds = ("results", "ballots", "electors")
    elif motion.status == S.OPEN:
        kinds = ("electors",)
    else:
        kinds = ()
    return [(kind, exports.TITLES[kind]) for kind in kinds]


def _picker(user: User, motion_id: int, q: str) -> dict:
    """The electors the paper-ballot select offers (a search narrows a large estate)."""
    page = queries.electors(user, motion_id, q, 1, PICKER_SIZE)
    return {
        "options": [
            {
                "id": e["id"],
                "text": (
                    f"{e['label']}（{exports.KIND_LABELS[e['kind']]}，{e['unit_count']} 套，"
                    f"{rules.area_text(e['area_dm2'])}）"
                ),
                "voted": e["voted"],
            }
            for e in page.items
        ],
        "total": page.total,
        "more": page.total > len(page.items),
    }


def record_paper_ballot(user: User, motion_id: int, form) -> str:
    """Record a paper ballot from the motion page's form, with the API's own argument rules;
    returns what to tell the organiser.

    :raises ValidationFailed: no owner chosen, no valid choice, or a note too long.
    :raises NotFound: outside the user's scope, or the owner is not in this vote's roll.
    :raises Forbidden: the user does not organise votes on the estate.
    :raises Conflict: voting is not open, or that owner has already voted.
    """
    fields = {"choice": form.get("choice", ""), "note": form.get("note", "")}
    if form.get("elector_id", "").strip():
        fields["elector_id"] = typed_int(form["elector_id"])
    args = load(PaperBallotArgs(), fields)
    ballot = services.record_paper_ballot(user, motion_id, **args)
    label = db.session.get(Elector, ballot.elector_id).label
    return f"已录入「{label}」的纸质表决票：{CHOICE_LABELS[ballot.choice]}"


def close_now(user: User, motion_id: int) -> str:
    """Tally a motion whose time is up without waiting for the scheduler; returns what to
    tell the organiser.

    :raises NotFound: outside the user's scope.
    :raises Forbidden: the user may not tally this motion.
    :raises Conflict: voting has not ended yet, or the motion was cancelled.
    """
    motion = services.close_motion(user, motion_id)
    return f"已计票：{queries.result_of(motion)['outcome_label']}"
