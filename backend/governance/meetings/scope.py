"""Which communities (and so which meetings) a staff member supervises: the auditor their
community, township and county officers (and admins) every community under them. Outside
that, a meeting is 404."""

from sqlalchemy import Select, or_, select

from backend.access.models import Membership
from backend.access.roles import STAFF_ROLES, ScopeKind
from backend.accounts.models import User
from backend.errors import NotFound
from backend.extensions import db
from backend.governance.meetings.models import AgendaItem, JointMeeting
from backend.places.models import Community, Township

MEETING_NOT_FOUND = "未找到该联席会议，或您无权查看"
COMMUNITY_NOT_FOUND = "未找到该社区，或您无权查看"


def _held(user: User, kind: ScopeKind) -> Select:
    return select(Membership.scope_id).where(
        Membership.user_id == user.id,
        Membership.scope_kind == kind,
        Membership.role.in_(STAFF_ROLES),
    )


def visible_communities(user: User) -> Select:
    """A SELECT of the communities the user supervises in a staff role."""
    counties = select(Township.id).where(Township.county_id.in_(_held(user, ScopeKind.COUNTY)))
    return select(Community).where(
        or_(
            Community.id.in_(_held(user, ScopeKind.COMMUNITY)),
            Community.township_id.in_(_held(user, ScopeKind.TOWNSHIP)),
            Community.township_id.in_(counties),
        )
    )


def community_ids(user: User) -> Select:
    return visible_communities(user).with_only_columns(Community.id)


def visible_meetings(user: User) -> Select:
    return select(JointMeeting).where(JointMeeting.community_id.in_(community_ids(user)))


def supervised_community(user: User, community_id: int) -> Community:
    """:raises NotFound: no such community, or not one the user supervises."""
    found = db.session.scalar(visible_communities(user).where(Community.id == community_id))
    if found is None:
        raise NotFound(COMMUNITY_NOT_FOUND)
    return found


def supervised_meeting(user: User, meeting_id: int) -> JointMeeting:
    """:raises NotFound: no such meeting, or its community is not one the user supervises."""
    found = db.session.scalar(visible_meetings(user).where(JointMeeting.id == meeting_id))
    if found is None:
        raise NotFound(MEETING_NOT_FOUND)
    return found


def supervised_item(user: User, item_id: int) -> AgendaItem:
    """:raises NotFound: no such item, or its meeting is outside the user's scope."""
    found = db.session.scalar(
        select(AgendaItem)
        .join(JointMeeting, JointMeeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.id == item_id, JointMeeting.community_id.in_(community_ids(user)))
    )
    if found is None:
        raise NotFound("未找到该议题，或您无权查看")
    return found
