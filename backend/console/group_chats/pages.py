"""The estate page's group chats in the console: the rows it shows (never the address), with
each group's liveness, and the actions on them: registering a group chat, switching one on or
off, sending a test message, recording the member count, uploading the join QR code and
downloading the poster; and the moving-in guide (把小区群搬进来) with each step's state."""

import marshmallow as ma

from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.common.clock import local_text
from backend.console.forms import typed_int
from backend.errors import NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats import services as group_chats
from backend.group_chats.models import CHANNEL_LABELS, PROFILE_LABELS, GroupChat
from backend.group_chats.schemas import MAX_MEMBERS, GroupChatArgs
from backend.outbox import group_checks
from backend.outbox.group_checks import Liveness
from backend.outbox.models import OPEN_STATUSES, STATUS_LABELS, OutboxMessage


def group_row(item: Liveness) -> dict:
    """A group chat as the estate page lists it, with its liveness."""
    group = item.group
    test = item.last_test
    # Only what may be shown: the template never receives the address, so it cannot leak it.
    return {
        "id": group.id,
        "name": group.name,
        "channel": CHANNEL_LABELS.get(group.channel, group.channel),
        "profile": PROFILE_LABELS.get(group.profile, group.profile),
        "address_hint": group.address_hint,
        "active": group.active,
        "delivered": item.delivered,
        "members": "未记录" if item.members is None else str(item.members),
        "members_note": (
            f"记录于 {local_text(group.member_count_recorded_at)}"
            if item.members_source == "recorded"
            else "已绑定企业微信的业主数"
        ),
        "last_activity": local_text(item.last_activity_at) or "从未",
        "is_active": item.is_active,
        "test": test
        and f"{STATUS_LABELS.get(test.status, test.status)}（{local_text(test.created_at)}）",
        # A second test is refused while one is on its way: the page offers none meanwhile.
        "test_pending": test is not None and test.status in OPEN_STATUSES,
        "has_join_qr": group.has_join_qr,
    }


def group_rows(user: User, estate_id: int) -> tuple[list[dict], bool]:
    """(rows, whether the estate counts as having an active group).

    :raises Forbidden: the user may not manage the estate's group chats.
    """
    found = group_checks.estate_liveness(user, estate_id)
    return [group_row(item) for item in found["items"]], found["estate_active"]


def _group_of(user: User, estate_id: int, group_id: int) -> GroupChat:
    group = db.session.get(GroupChat, group_id)
    if group is None or group.estate_id != estate_id:
        raise NotFound("群聊不存在")
    return group_chats.group_for(user, group_id)


def add_group_chat(user: User, estate_id: int, form) -> GroupChat:
    """Register a group chat from the console form (name, channel, address, profile).

    :raises ValidationFailed: a field is missing or malformed (messages per field).
    :raises Conflict: the address is registered already.
    :raises Forbidden: the user may not manage the estate's group chats.
    :raises NotFound: outside the user's scope.
    """
    fields = {key: form.get(key, "") for key in ("name", "channel", "address")}
    if form.get("profile"):
        fields["profile"] = form["profile"]
    try:
        args = GroupChatArgs().load(fields)  # the API's own rules for every field
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
    _group_of(user, estate_id, group_id)
    return group_chats.update(user, group_id, active=active == "1")


def send_test_message(user: User, estate_id: int, group_id: int) -> OutboxMessage:
    """Queue a test message to the group (see group_checks.send_test_message).

    :raises NotFound: no such group in this estate, or outside the user's scope.
    """
    _group_of(user, estate_id, group_id)
    return group_checks.send_test_message(user, group_id)


def record_members(user: User, estate_id: int, group_id: int, text: str) -> GroupChat:
    """Record the member count read off the group (now).

    :raises ValidationFailed: not a whole number from 0 to MAX_MEMBERS.
    :raises NotFound: no such group in this estate, or outside the user's scope.
    """
    count = typed_int((text or "").strip())
    if not isinstance(count, int) or not 0 <= count <= MAX_MEMBERS:
        message = f"群人数应为 0 到 {MAX_MEMBERS} 之间的整数"
        raise ValidationFailed(message, fields={"member_count": [message]})
    _group_of(user, estate_id, group_id)
    return group_chats.update(user, group_id, member_count=count)


def upload_join_qr(user: User, estate_id: int, group_id: int, upload) -> GroupChat:
    """Keep the group's join QR code from the console's file field.

    :raises ValidationFailed: no file, or not a JPG or PNG.
    :raises NotFound: no such group in this estate, or outside the user's scope.
    """
    if upload is None or not upload.filename:
        raise ValidationFailed("请选择入群二维码图片", fields={"file": ["请选择文件"]})
    _group_of(user, estate_id, group_id)
    return group_chats.set_join_qr(user, group_id, upload.filename, upload.read())


def poster(user: User, estate_id: int, group_id: int) -> tuple[bytes, str]:
    """(PNG, download name) of the group's join poster.

    :raises NotFound: no such group in this estate, or outside the user's scope.
    :raises Conflict: no join QR code uploaded yet.
    """
    _group_of(user, estate_id, group_id)
    return group_chats.poster_png(user, group_id)


def guide(user: User, estate_id: int) -> dict:
    """The moving-in guide for one estate: each step with whether it is done yet, judged by
    the estate's external groups (the ones owners join).

    :raises NotFound: outside the user's scope. :raises Forbidden: may not manage its groups.
    """
    estate = get_estate_for(user, estate_id)
    found = group_checks.estate_liveness(user, estate_id)
    external = [item for item in found["items"] if item.group.profile == "external"]
    tested = [i for i in external if i.last_test is not None and i.last_test.status == "sent"]
    return {
        "estate": estate,
        "groups": [group_row(item) for item in found["items"]],
        "done": {
            "register": bool(external),
            "test": bool(tested),
            "poster": any(item.group.has_join_qr for item in external),
            "members": any(item.group.member_count is not None for item in external),
            "active": any(item.is_active for item in external),
        },
        "window_days": group_checks.WINDOW_DAYS,
        "target_percent": group_checks.TARGET_PERCENT,
    }
