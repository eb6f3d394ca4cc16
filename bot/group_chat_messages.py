"""The text a group hears when the committee or a community worker tests it: plain text, which
every member sees, on personal WeChat too."""

from backend.common.clock import local_text
from backend.extensions import db
from backend.group_chats.models import PROFILE_LABELS, GroupChat
from backend.outbox.models import OutboxMessage


def test_message(subject_id: int) -> list[dict]:
    """The test row is its own subject: it names the group it was queued for."""
    row = db.session.get(OutboxMessage, subject_id)
    group = row and db.session.get(GroupChat, row.group_chat_id)
    if group is None:
        return []
    kind = PROFILE_LABELS.get(group.profile, group.profile)
    return [
        {
            "type": "text",
            "content": f"【测试消息】邻里已接通{group.estate.name}的监督群「{group.name}」"
            f"（{kind}）。此后本小区的公告、账目公示、业主表决和随手拍办理进展将发到本群。"
            f"\n发送时间：{local_text(row.created_at)}",
        }
    ]


TOPICS = {"group.test": test_message}
