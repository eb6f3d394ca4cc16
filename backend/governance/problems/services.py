"""The problem list (十件实事问题清单) and quarterly inspections (动态督查): who sees and
records problems, closing them out (销号), and the figures the dashboards will report.

Who may do what, on the estates in their scope:
- community auditors, township officers and county officers (and admins) list problems,
  record them (alone or as the items of an inspection) and record inspections;
- closing out is an approval of the rectification, so only township and county officers (and
  admins) close out; an auditor who sees the problem gets 403;
- outside the caller's scope everything is 404; bad input is 422 and writes nothing;
  closing out a problem already closed out is 409 (the row is locked while closing).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, false, func, or_, select

from backend.access.roles import Role
from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.common import uploads
from backend.common.clock import SHANGHAI, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.credit.figures import SCOPE_KINDS, today
from backend.governance.problems.models import (
    Inspection,
    ProblemEvidence,
    ProblemItem,
    ProblemStatus,
)
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.places.models import Estate
from backend.tickets.models import Ticket

STAFF_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)
APPROVER_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
PHOTO_KINDS = "JPG、PNG"
PHOTO_MAX_FILES = 9
PHOTO_MAX_BYTES = 10 * 1024 * 1024
# The group hears each close-out once, with its first photo.
CLOSED_OUT_TOPIC = "problem.closed_out"
PROBLEM_NOT_FOUND = "未找到该问题，或您无权查看"
ESTATE_NOT_FOUND = "未找到该小区，或您无权查看"


def staff_estates(user: User, roles=STAFF_ROLES):
    """A SELECT of the ids of the estates the user supervises in one of ``roles``."""
    return visible_estates(user, roles).with_only_columns(Estate.id)


def visible_problems(user: User):
    """A SELECT of the problems of the estates the user supervises."""
    return select(ProblemItem).where(ProblemItem.estate_id.in_(staff_estates(user)))


def supervised_estate(user: User, estate_id: int) -> Estate:
    """:raises NotFound: no such estate, or not one the user supervises."""
    estate = db.session.scalar(visible_estates(user, STAFF_ROLES).where(Estate.id == estate_id))
    if estate is None:
        raise NotFound(ESTATE_NOT_FOUND)
    return estate


def supervised_problem(user: User, problem_id: int) -> ProblemItem:
    """:raises NotFound: no such problem, or its estate is not one the user supervises."""
    problem = db.session.scalar(visible_problems(user).where(ProblemItem.id == problem_id))
    if problem is None:
        raise NotFound(PROBLEM_NOT_FOUND)
    return problem


def may_close_out(user: User, estate_id: int) -> bool:
    """Whether the user approves close-outs on the estate (township or county officer)."""
    found = db.session.scalar(
        staff_estates(user, APPROVER_ROLES).where(Estate.id == estate_id).limit(1)
    )
    return found is not None


def is_overdue(problem: ProblemItem, on: date | None = None) -> bool:
    return problem.status == ProblemStatus.OPEN and problem.deadline < (on or today())


def _places(estate: Estate) -> dict:
    return {
        "estate_id": estate.id,
        "community_id": estate.community_id,
        "township_id": estate.township_id,
        "county_id": estate.county_id,
    }


def _check_item(estate: Estate, item: dict, prefix: str = "") -> None:
    """:raises ValidationFailed: a deadline already past, a ticket of another estate."""
    if item["deadline"] < today():
        raise ValidationFailed(fields={f"{prefix}deadline": ["整改期限不能早于今天"]})
    ticket_id = item.get("ticket_id")
    if ticket_id is not None:
        ticket = db.session.get(Ticket, ticket_id)
        if ticket is None or ticket.estate_id != estate.id:
            raise ValidationFailed(fields={f"{prefix}ticket_id": ["该工单不属于所选小区"]})


def _item(user: User, estate: Estate, item: dict, inspection_id: int | None) -> ProblemItem:
    problem = ProblemItem(
        **_places(estate),
        category=item["category"],
        title=item["title"].strip(),
        description=(item.get("description") or "").strip(),
        plan=item["plan"].strip(),
        deadline=item["deadline"],
        status=ProblemStatus.OPEN,
        created_by_id=user.id,
        inspection_id=inspection_id,
        ticket_id=item.get("ticket_id"),
    )
    db.session.add(problem)
    return problem


@unit_of_work
def create_problem(user: User, args: dict) -> ProblemItem:
    """Record one problem of an estate (args as schemas.ProblemArgs); one transaction.

    :raises NotFound: the estate is outside the user's scope.
    :raises ValidationFailed: a deadline in the past, a ticket of another estate.
    """
    estate = supervised_estate(user, args["estate_id"])
    _check_item(estate, args)
    problem = _item(user, estate, args, None)
    db.session.flush()  # the id, for a caller composing this into a larger unit of work
    return problem


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@unit_of_work
def create_inspection(user: User, args: dict) -> Inspection:
    """Record an inspection with the 1–n problems it found (schemas.InspectionArgs); all of it
    or nothing.

    :raises NotFound: the estate is outside the user's scope.
    :raises ValidationFailed: a future inspection date; any item as in ``create_problem``
        (its field named ``items.<n>.<field>``).
    """
    estate = supervised_estate(user, args["estate_id"])
    if args["inspected_on"] > today():
        raise ValidationFailed(fields={"inspected_on": ["督查日期不能晚于今天"]})
    for n, item in enumerate(args["items"]):
        _check_item(estate, item, f"items.{n}.")
    inspection = Inspection(
        **_places(estate),
        quarter=quarter_of(args["inspected_on"]),
        inspected_on=args["inspected_on"],
        inspector_id=user.id,
        notes=(args.get("notes") or "").strip(),
    )
    db.session.add(inspection)
    db.session.flush()
    for item in args["items"]:
        _item(user, estate, item, inspection.id)
    return inspection


@unit_of_work
def close_out(user: User, problem_id: int, close_note: str, photos=()) -> ProblemItem:
    """Close out (销号) a problem on the approving officer's word and 1–9 photos ((filename,
    bytes) pairs, JPG or PNG); one transaction.

    :raises NotFound: outside the user's scope.
    :raises Forbidden: the user sees the problem but is no township or county officer of it.
    :raises ValidationFailed: no note, no photo, too many or unacceptable photos.
    :raises Conflict: already closed out (also when two officers close it at once).
    """
    problem = supervised_problem(user, problem_id)
    if not may_close_out(user, problem.estate_id):
        raise Forbidden("销号须由街道（乡镇）或县住建局审核，社区不能销号")
    note = (close_note or "").strip()
    if not note:
        raise ValidationFailed(fields={"close_note": ["请填写销号说明"]})
    if not photos:
        raise ValidationFailed(fields={"photos": ["销号须上传至少 1 张整改后的照片"]})
    if len(photos) > PHOTO_MAX_FILES:
        raise ValidationFailed(fields={"photos": [f"最多上传 {PHOTO_MAX_FILES} 张照片"]})
    # Locked and read again: two officers closing out at once must not both succeed.
    problem = db.session.scalar(
        select(ProblemItem)
        .where(ProblemItem.id == problem.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if problem.status != ProblemStatus.OPEN:
        raise Conflict("该问题已销号", code="already_closed_out")
    for filename, data in photos:
        stored = uploads.keep(
            filename, data, PHOTO_SUFFIXES, PHOTO_KINDS, max_bytes=PHOTO_MAX_BYTES
        )
        db.session.add(ProblemEvidence(problem_id=problem.id, **stored))
    problem.status = ProblemStatus.CLOSED_OUT
    problem.closed_at = utcnow()
    problem.closed_on = problem.closed_at.astimezone(SHANGHAI).date()
    problem.closed_by_id = user.id
    problem.close_note = note
    db.session.flush()  # the photos' ids: the post shows the first one
    outbox.add_once_for_groups(CLOSED_OUT_TOPIC, problem.id, active_groups([problem.estate_id]))
    return problem


def evidence_for(user: User, evidence_id: int) -> ProblemEvidence:
    """:raises NotFound: no such photo, or outside the user's scope."""
    row = db.session.get(ProblemEvidence, evidence_id)
    if row is None:
        raise NotFound("未找到该文件，或您无权查看")
    supervised_problem(user, row.problem_id)
    return row


# -- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemFigures:
    created: int = 0  # recorded from ``since`` to ``until``
    closed_out: int = 0  # closed out from ``since`` to ``until``
    closed_on_time: int = 0  # of those, closed out on or before the deadline
    overdue_now: int = 0  # open today with the deadline passed (whenever recorded)


def _start_of(day: date) -> datetime:
    """The first instant of ``day`` in Shanghai."""
    return datetime.combine(day, time(), SHANGHAI)


def problem_figures(scope: tuple[str, int], since: date, until: date) -> ProblemFigures:
    """The problems of a county, township or community: how many were recorded and closed
    out from ``since`` to ``until`` (Shanghai dates, both included), how many of those were
    closed out by their deadline, and how many are overdue today. One query.

    :param scope: ("county" | "township" | "community" | "estate", id).
    """
    return problem_figures_in(scope, [(_start_of(since), _start_of(until + timedelta(days=1)))])


def problem_figures_in(
    scope: tuple[str, int], ranges: list[tuple[datetime, datetime]]
) -> ProblemFigures:
    """``problem_figures`` over several instant ranges (each ``[start, end)``, not
    overlapping): the dashboards count live only what their roll-ups do not hold. One query.

    :raises ValueError: an unknown scope kind.
    """
    kind, place_id = scope
    if kind not in SCOPE_KINDS:
        raise ValueError(f"unknown scope {kind!r}")
    column = {
        "county": ProblemItem.county_id,
        "township": ProblemItem.township_id,
        "community": ProblemItem.community_id,
        "estate": ProblemItem.estate_id,
    }[kind]

    def within(at):
        return or_(false(), *(and_(at >= start, at < end) for start, end in ranges))

    closed = within(ProblemItem.closed_at)
    row = db.session.execute(
        select(
            func.count(case((within(ProblemItem.created_at), 1))),
            func.count(case((closed, 1))),
            func.count(case((and_(closed, ProblemItem.closed_on <= ProblemItem.deadline), 1))),
            func.count(
                case(
                    (
                        and_(
                            ProblemItem.status == ProblemStatus.OPEN,
                            ProblemItem.deadline < today(),
                        ),
                        1,
                    )
                )
            ),
        ).where(column == place_id)
    ).one()
    return ProblemFigures(*(int(v) for v in row))
