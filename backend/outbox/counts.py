"""How many outbox rows each estate has in each status: the console's estate page shows one
estate's, and the staff API a page of the estates in the caller's scope, so that operators and
monitors see when nothing is left to send."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.access.roles import Role
from backend.access.scope import get_estate_for, roles_on_estate, visible_estates
from backend.accounts.models import User
from backend.common.pagination import paginate
from backend.errors import Forbidden
from backend.extensions import db
from backend.outbox.models import OPEN_STATUSES, OutboxMessage, OutboxStatus
from backend.places.models import Community, Estate

# Who sees delivery figures: the staff over an estate, and its committee and property manager
# (whose notices these are), each for the estates they hold that role over. Owners do not.
COUNT_ROLES = (
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.PROPERTY_MANAGER,
    Role.AUDITOR,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
)


def by_estate(estate_ids) -> dict[int, dict[str, int]]:
    """{estate id: {status: rows}} for ``estate_ids`` (a list or a SELECT of ids), in one
    grouped query; an estate without rows is missing."""
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(OutboxMessage.estate_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.estate_id.in_(estate_ids))
        .group_by(OutboxMessage.estate_id, OutboxMessage.status)
    )
    for estate_id, status, count in rows:
        counts.setdefault(estate_id, {})[status] = count
    return counts


def scope_counts(user: User, estate_id: int | None, page: int, page_size: int) -> dict:
    """A page of the estates the user may see delivery figures of (by township, then name),
    each with its rows by status, and the same figures over all of them.

    :raises NotFound: ``estate_id`` is given and outside the user's scope.
    :raises Forbidden: the user holds none of COUNT_ROLES (over that estate, if given).
    """
    if estate_id is not None:
        roles = roles_on_estate(user, get_estate_for(user, estate_id))
    else:
        roles = [m.role for m in user.memberships]
    if not set(roles) & set(COUNT_ROLES):
        raise Forbidden("只有工作人员、业委会和物业可以查看消息投递情况")
    estates = visible_estates(user, COUNT_ROLES)
    if estate_id is not None:
        estates = estates.where(Estate.id == estate_id)
    result = paginate(
        estates.options(joinedload(Estate.community).joinedload(Community.township)).order_by(
            Estate.township_id, Estate.name, Estate.id
        ),
        page,
        page_size,
    )
    per_estate = by_estate([e.id for e in result.items])
    overall = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.estate_id.in_(estates.with_only_columns(Estate.id)))
            .group_by(OutboxMessage.status)
        ).all()
    )
    result.items = [_figures(per_estate.get(e.id, {}), estate=e) for e in result.items]
    return {**vars(result), "overall": _figures(overall)}


def _figures(counts: dict[str, int], **extra) -> dict:
    """Every status (zero where there are none), and what is still to send."""
    return {
        **extra,
        "counts": {str(status): counts.get(status, 0) for status in OutboxStatus},
        "unsent": sum(counts.get(status, 0) for status in OPEN_STATUSES),
        "total": sum(counts.values()),
    }
