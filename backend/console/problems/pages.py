"""What the console's problem-list pages (问题清单, 十件实事) show and do: the problems of the
estates a staff member supervises, filtered and paged; one problem with its close-out photos
and the close-out form; the new-problem form and the new-inspection form (1–n problems).

Rules and scope stay in backend.governance.problems (outside scope: 404); this module
turns forms into the argument schemas and problems into rows a template prints.
"""

from math import ceil

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from backend.accounts.models import User
from backend.accounts.naming import staff_naming
from backend.common.clock import local_text
from backend.common.pagination import paginate
from backend.console.forms import load, page_arg, typed_int
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.problems import services as problems
from backend.governance.problems.models import STATUS_LABELS, Inspection, ProblemItem, ProblemStatus
from backend.governance.problems.schemas import CloseOutArgs, InspectionArgs, ProblemArgs
from backend.places.models import Estate
from backend.tickets.models import CATEGORIES

LIST_PAGE_SIZE = 20
ESTATES_IN_FORM = 500
INSPECTION_ROWS = 5  # item rows the inspection form offers
ITEM_FIELDS = ("category", "title", "description", "plan", "deadline", "ticket_id")
PROBLEM_FIELDS = ("estate_id", *ITEM_FIELDS)


def _filters(args) -> dict:
    status = args.get("status", "")
    category = args.get("category", "")
    return {
        "status": status if status in STATUS_LABELS else "",
        "category": category if category in CATEGORIES else "",
        "overdue": "1" if args.get("overdue") == "1" else "",
    }


def problem_list(user: User, args) -> dict:
    """One page of the problems in scope (estate joined: one query for the rows) and the
    open / closed-out / overdue counts of the scope in one grouped query."""
    filters = _filters(args)
    page = page_arg(args.get("page"))
    on = today()
    query = problems.visible_problems(user).options(joinedload(ProblemItem.estate))
    if filters["status"]:
        query = query.where(ProblemItem.status == filters["status"])
    if filters["category"]:
        query = query.where(ProblemItem.category == filters["category"])
    if filters["overdue"]:
        query = query.where(ProblemItem.status == ProblemStatus.OPEN, ProblemItem.deadline < on)
    query = query.order_by(ProblemItem.status, ProblemItem.deadline, ProblemItem.id)
    result = paginate(query, page, LIST_PAGE_SIZE)
    overdue = (ProblemItem.status == ProblemStatus.OPEN) & (ProblemItem.deadline < on)
    counts = {ProblemStatus.OPEN.value: 0, ProblemStatus.CLOSED_OUT.value: 0, "overdue": 0}
    for status, n, late in db.session.execute(
        select(ProblemItem.status, func.count(), func.count(case((overdue, 1))))
        .where(ProblemItem.estate_id.in_(problems.staff_estates(user)))
        .group_by(ProblemItem.status)
    ):
        counts[status] = n
        counts["overdue"] += late
    query_args = {k: v for k, v in filters.items() if v}
    return {
        "filters": filters,
        "query": query_args,
        "result": result,
        "pages": max(1, ceil(result.total / LIST_PAGE_SIZE)),
        "counts": counts,
        "categories": CATEGORIES,
        "statuses": STATUS_LABELS,
        "rows": [_row(p, on) for p in result.items],
    }


def _row(p: ProblemItem, on) -> dict:
    return {
        "id": p.id,
        "estate": p.estate.name,
        "category": CATEGORIES.get(p.category, p.category),
        "title": p.title,
        "deadline": p.deadline.isoformat(),
        "status": p.status,
        "status_label": p.status_label,
        "overdue": problems.is_overdue(p, on),
    }


def problem_page(user: User, problem_id: int) -> dict:
    """:raises NotFound: no such problem, or outside the user's scope."""
    problem = problems.supervised_problem(user, problem_id)
    closer = db.session.get(User, problem.closed_by_id) if problem.closed_by_id else None
    return {
        "problem": problem,
        "category": CATEGORIES.get(problem.category, problem.category),
        "overdue": problems.is_overdue(problem),
        "closed_at": local_text(problem.closed_at),
        "closed_by": staff_naming().name(closer),
        "can_close": problem.status == ProblemStatus.OPEN
        and problems.may_close_out(user, problem.estate_id),
        "max_photos": problems.PHOTO_MAX_FILES,
    }


def estates_for_form(user: User) -> list[Estate]:
    return list(
        db.session.scalars(
            problems.visible_estates(user, problems.STAFF_ROLES)
            .order_by(Estate.name, Estate.id)
            .limit(ESTATES_IN_FORM)
        )
    )


def form_page(user: User) -> dict:
    return {
        "estates": estates_for_form(user),
        "categories": CATEGORIES,
        "today": today().isoformat(),
        "rows": range(INSPECTION_ROWS),
    }


def _item_fields(get, prefix: str = "") -> dict:
    fields = {k: get(f"{prefix}{k}", "") for k in ("category", "title", "description", "plan")}
    fields["deadline"] = get(f"{prefix}deadline", "")
    if get(f"{prefix}ticket_id", "").strip():
        fields["ticket_id"] = typed_int(get(f"{prefix}ticket_id"))
    return fields


def create(user: User, form) -> ProblemItem:
    """Record a problem from the new-problem form.

    :raises ValidationFailed, NotFound: as problem_services.create_problem.
    """
    fields = _item_fields(form.get)
    fields["estate_id"] = typed_int(form.get("estate_id", ""))
    args = load(ProblemArgs(), fields)
    return problems.create_problem(user, args)


def _filled(form, n: int) -> bool:
    return any(form.get(f"items-{n}-{k}", "").strip() for k in ("title", "plan", "description"))


def _flat(fields: dict, rows: list[int]) -> dict:
    """Item errors under the form's own names (``items-<row>-<field>``); others as they are."""
    flat = {}
    for name, messages in (fields or {}).items():
        if name == "items" and isinstance(messages, dict):
            for n, per_field in messages.items():
                for field, text in per_field.items():
                    flat[f"items-{rows[int(n)]}-{field}"] = text
        elif name.startswith("items."):
            _, n, field = name.split(".", 2)
            flat[f"items-{rows[int(n)]}-{field}"] = messages
        else:
            flat[name] = messages
    return flat


def create_inspection(user: User, form) -> Inspection:
    """Record an inspection and the problems filled in on its form (blank rows skipped).

    :raises ValidationFailed, NotFound: as problem_services.create_inspection; item errors
        are named by form row (``items-<row>-<field>``).
    """
    rows = [n for n in range(INSPECTION_ROWS) if _filled(form, n)]
    fields = {
        "estate_id": typed_int(form.get("estate_id", "")),
        "inspected_on": form.get("inspected_on", ""),
        "notes": form.get("notes", ""),
        "items": [_item_fields(form.get, f"items-{n}-") for n in rows],
    }
    try:
        args = load(InspectionArgs(), fields)
        return problems.create_inspection(user, args)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, fields=_flat(error.fields, rows)) from error


def close_out(user: User, problem_id: int, form, files) -> ProblemItem:
    """Close out a problem from its page's form and photos.

    :raises ValidationFailed, NotFound, Forbidden, Conflict: as problem_services.close_out.
    """
    problems.supervised_problem(user, problem_id)  # 404 before anything about the form
    args = load(CloseOutArgs(), {"close_note": form.get("close_note", "")})
    photos = [(f.filename or "", f.read()) for f in files if f and f.filename]
    return problems.close_out(user, problem_id, args["close_note"], photos)
