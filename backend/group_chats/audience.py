"""Which of an estate's group chats hear a post: every active group, or only the committee's
internal ones. Posting code asks here and nowhere else."""

from collections.abc import Iterable

from sqlalchemy import select

from backend.extensions import db
from backend.group_chats.models import GroupChat, GroupProfile


def active_groups(estate_ids: Iterable[int]) -> list[GroupChat]:
    """The active group chats of the estates ``estate_ids``, by estate then id, in one query."""
    ids = set(estate_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(GroupChat)
            .where(GroupChat.estate_id.in_(ids), GroupChat.active.is_(True))
            .order_by(GroupChat.estate_id, GroupChat.id)
        )
    )


def internal_groups(estate_id: int) -> list[GroupChat]:
    """The estate's active group chats whose members are all WeCom staff (the committee's own
    chat), for posts owners at large should not receive."""
    return [group for group in active_groups([estate_id]) if group.profile == GroupProfile.INTERNAL]
