"""Registering an estate's group chats. Addresses are secrets: callers get them masked."""

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.roles import GROUP_CHAT_ROLES
from backend.access.scope import require_estate_role
from backend.accounts.models import User
from backend.common import images, storage, uploads
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats import poster
from backend.group_chats.models import ChannelKind, GroupChat, GroupProfile

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


def group_for(user: User, group_id: int) -> GroupChat:
    """A group chat the user may manage.

    :raises NotFound: no such group within the user's scope.
    :raises Forbidden: the user sees the estate but may not manage its group chats.
    """
    group = db.session.get(GroupChat, group_id)
    if group is None:
        raise NotFound("群聊不存在")
    require_estate_role(user, group.estate_id, GROUP_CHAT_ROLES)  # 404 outside scope, else 403
    return group


def _check_profile(channel: str, profile: str) -> None:
    """An app chat is made by the WeCom app and holds only the company's members: it cannot
    have owners on personal WeChat, so it cannot be external."""
    if channel == ChannelKind.WECOM_APPCHAT and profile == GroupProfile.EXTERNAL:
        raise ValidationFailed(
            "企业微信应用群聊只有企业成员，不能设为外部群",
            fields={"profile": ["应用群聊只能是内部群"]},
        )


@unit_of_work
def register(
    user: User,
    estate_id: int,
    name: str,
    channel: str,
    address: str,
    profile: str | None = None,
) -> GroupChat:
    """Add a group chat the bot posts the estate's notices to; unsaid, a robot group is
    external and an app chat internal.

    :raises Conflict: the address is registered already (here or for another estate).
    :raises ValidationFailed: an app chat said to be external.
    """
    require_estate_role(user, estate_id, GROUP_CHAT_ROLES)
    if profile is None:
        internal_only = channel == ChannelKind.WECOM_APPCHAT
        profile = GroupProfile.INTERNAL if internal_only else GroupProfile.EXTERNAL
    _check_profile(channel, profile)
    group = GroupChat(
        estate_id=estate_id,
        name=name.strip(),
        channel=channel,
        address=normalize_address(channel, address),
        profile=profile,
        created_by_id=user.id,
    )
    db.session.add(group)
    _flush_unique()
    return group


@unit_of_work
def update(user: User, group_id: int, **changes) -> GroupChat:
    """Rename, switch on or off, replace the address, change the profile, or record the
    member count (stamped with now) of a group chat.

    :raises NotFound: no such group within the user's scope.
    """
    group = group_for(user, group_id)
    if changes.get("profile") is not None:
        _check_profile(group.channel, changes["profile"])
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
    if changes.get("profile") is not None:
        group.profile = changes["profile"]
    if changes.get("member_count") is not None:
        group.member_count = changes["member_count"]
        group.member_count_recorded_at = utcnow()
    _flush_unique()
    return group


# -- the join QR code and the poster ------------------------------------------------------

QR_SUFFIXES = (".jpg", ".jpeg", ".png")
QR_MAX_BYTES = 5 * 1024 * 1024
# A join QR code as WeCom saves it is a few hundred pixels; a phone photo of one is larger.
QR_MAX_PIXELS = 16_000_000


@unit_of_work
def set_join_qr(user: User, group_id: int, filename: str, data: bytes) -> GroupChat:
    """Keep the group's join QR code (a JPG or PNG, as WeCom shows it) for its poster.

    :raises NotFound: no such group within the user's scope.
    :raises ValidationFailed: not a JPG or PNG, too big, or damaged.
    """
    group = group_for(user, group_id)
    stored = uploads.keep(filename, data, QR_SUFFIXES, "JPG、PNG", QR_MAX_BYTES)
    group.join_qr_key = stored["storage_key"]
    db.session.flush()
    return group


def poster_png(user: User, group_id: int) -> tuple[bytes, str]:
    """(PNG bytes, download name) of the group's join poster.

    :raises NotFound: no such group within the user's scope.
    :raises Conflict: no join QR code uploaded yet.
    :raises PosterFontMissing: no Chinese font on this server.
    """
    group = group_for(user, group_id)
    if group.join_qr_key is None:
        raise Conflict("请先上传该群的入群二维码", fields={"file": ["尚未上传入群二维码"]})
    stored = storage.open_file(group.join_qr_key)
    try:
        data = stored.read()
    finally:
        stored.close()
    try:
        with images.opened(data, max_pixels=QR_MAX_PIXELS) as (qr, _kind):
            qr.load()
            picture = qr.copy()
    except (images.NotAPicture, images.TooManyPixels) as exc:
        raise Conflict("入群二维码图片已损坏，请重新上传") from exc
    estate = group.estate
    footer = f"{estate.community.name} · 邻里物业监督"
    png = poster.render(estate.name, group.name, picture, footer)
    return png, f"{estate.name}-监督群海报.png"
