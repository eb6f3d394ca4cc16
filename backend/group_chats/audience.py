"""Which of an estate's group chats hear a post: every active group, or only the committee's
internal ones. Posting code asks here and nowhere else."""

from collections.abc import Iterable

from sqlalchemy import Select, select

from backend.extensions import db
from backend.group_chats.models import GroupChat, GroupProfile


def active_groups(estate_ids: Iterable[int] | Select) -> list[GroupChat]:
    """The active group chats of the estates ``estate_ids`` (ids, or a SELECT of them: a
    county's thousands of estates stay in the database), by estate then id, in one query."""
    if not isinstance(estate_ids, Select):
        estate_ids = set(estate_ids)
        if not estate_ids:
            return []
    return list(
        db.session.scalars(
            select(GroupChat)
            .where(GroupChat.estate_id.in_(estate_ids), GroupChat.active.is_(True))
            .order_by(GroupChat.estate_id, GroupChat.id)
        )
    )


def internal_groups(estate_id: int) -> list[GroupChat]:
    """The estate's active group chats whose members are all WeCom staff (the committee's own
    chat), for posts owners at large should not receive."""
    return [group for group in active_groups([estate_id]) if group.profile == GroupProfile.INTERNAL]
