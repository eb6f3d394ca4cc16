"""The estate page's group chats in the console: the rows it shows (never the address), and
registering a group chat or switching one on or off."""

import marshmallow as ma

from backend.accounts.models import User
from backend.errors import NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats import services as group_chats
from backend.group_chats.models import CHANNEL_LABELS, GroupChat
from backend.group_chats.schemas import GroupChatArgs


def group_row(group: GroupChat) -> dict:
    """A group chat as the estate page lists it."""
    # Only what may be shown: the template never receives the address, so it cannot leak it.
    return {
        "id": group.id,
        "name": group.name,
        "channel": CHANNEL_LABELS.get(group.channel, group.channel),
        "address_hint": group.address_hint,
        "active": group.active,
    }


def add_group_chat(user: User, estate_id: int, form) -> GroupChat:
    """Register a group chat from the console form (name, channel, address).

    :raises ValidationFailed: a field is missing or malformed (messages per field).
    :raises Conflict: the address is registered already.
    :raises Forbidden: the user may not manage the estate's group chats.
    :raises NotFound: outside the user's scope.
    """
    fields = {key: form.get(key, "") for key in ("name", "channel", "address")}
    try:
        args = GroupChatArgs().load(fields)  # the API's own rules for name and channel
    except ma.ValidationError as exc:
        raise ValidationFailed(fields=exc.messages_dict) from exc
    return group_chats.register(user, estate_id, **args)


def set_group_active(user: User, estate_id: int, group_id: int, active: str) -> GroupChat:
    """Switch a group chat on ("1") or off ("0"): the target state, so a double click is
    harmless.

    :raises NotFound: no such group in this estate, or outside the user's scope.
    :raises Forbidden: the user may not manage the estate's group chats.
    :raises ValidationFailed: ``active`` is neither "1" nor "0".
    """
    if active not in ("0", "1"):
        raise ValidationFailed("请选择启用或停用", fields={"active": ["应为 1 或 0"]})
    group = db.session.get(GroupChat, group_id)
    if group is None or group.estate_id != estate_id:
        raise NotFound("群聊不存在")
    return group_chats.update(user, group_id, active=active == "1")
