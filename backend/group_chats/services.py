"""Registering an estate's group chats. Addresses are secrets: callers get them masked."""

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.roles import GROUP_CHAT_ROLES
from backend.access.scope import require_estate_role
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats.models import ChannelKind, GroupChat

_ROBOT_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_CHAT_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")


def normalize_address(channel: str, address: str) -> str:
    """The bare robot key or chat id; a pasted webhook URL is reduced to its key.

    :raises ValidationFailed: not the shape WeCom gives out.
    """
    address = address.strip()
    if channel not in set(ChannelKind):
        raise ValidationFailed("不支持的群聊类型", fields={"channel": ["不支持的群聊类型"]})
    if channel == ChannelKind.WECOM_ROBOT:
        if address.startswith(("http://", "https://")):
            address = (parse_qs(urlsplit(address).query).get("key") or [""])[0]
        if not _ROBOT_KEY.match(address):
            raise ValidationFailed(
                "请填写群机器人的 Webhook 地址或其中的 key",
                fields={"address": ["群机器人 key 格式不正确"]},
            )
    elif not _CHAT_ID.match(address):
        raise ValidationFailed(
            "群聊 ID 只能包含字母和数字，最长 32 位", fields={"address": ["群聊 ID 格式不正确"]}
        )
    return address


def list_for_estate(user: User, estate_id: int) -> list[GroupChat]:
    """:raises NotFound: outside the user's scope. :raises Forbidden: not committee/officer."""
    require_estate_role(user, estate_id, GROUP_CHAT_ROLES)
    return list(
        db.session.scalars(
            select(GroupChat).where(GroupChat.estate_id == estate_id).order_by(GroupChat.id)
        )
    )


def _flush_unique() -> None:
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict("该群聊地址已被登记", fields={"address": ["已被其他群聊使用"]}) from exc


@unit_of_work
def register(user: User, estate_id: int, name: str, channel: str, address: str) -> GroupChat:
    """Add a group chat the bot posts the estate's notices to.

    :raises Conflict: the address is registered already (here or for another estate).
    """
    require_estate_role(user, estate_id, GROUP_CHAT_ROLES)
    group = GroupChat(
        estate_id=estate_id,
        name=name.strip(),
        channel=channel,
        address=normalize_address(channel, address),
        created_by_id=user.id,
    )
    db.session.add(group)
    _flush_unique()
    return group


@unit_of_work
def update(user: User, group_id: int, **changes) -> GroupChat:
    """Rename, switch on or off, or replace the address of a group chat.

    :raises NotFound: no such group within the user's scope.
    """
    group = db.session.get(GroupChat, group_id)
    if group is None:
        raise NotFound("群聊不存在")
    require_estate_role(user, group.estate_id, GROUP_CHAT_ROLES)  # 404 outside scope, else 403
    # Check the new address before changing anything: a refusal leaves the row as it was.
    address = (
        normalize_address(group.channel, changes["address"]) if changes.get("address") else None
    )
    if changes.get("name") is not None:
        group.name = changes["name"].strip()
    if changes.get("active") is not None:
        group.active = changes["active"]
    if address:
        group.address = address
    _flush_unique()
    return group
