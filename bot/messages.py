"""Every text the bot sends, in one place (Chinese), as channel-neutral messages.

A message is a dict: ``{"type": "text"|"markdown", "content"}`` or ``{"type": "card", "title",
"subtitle", "description", "body", "fields": [[key, value]], "page"}``. Channels
(``bot.channels``) turn them into their own wire format and cut them to their limits.
"""

from backend.common.clock import local_text
from backend.common.text import excerpt
from backend.extensions import db
from backend.notices.models import Notice

EXCERPT_CHARS = 100


def notice_page(notice_id: int) -> str:
    """The mini-program page that shows a notice in full (cards open it)."""
    return f"pages/notice/index?id={notice_id}"


def notice_published(notice: Notice) -> list[dict]:
    more = "（点击查看全文）" if len(" ".join(notice.body.split())) > EXCERPT_CHARS else ""
    return [
        {
            "type": "card",
            "title": ("【置顶】" if notice.pinned else "") + notice.title,
            "subtitle": f"{notice.author_label}发布",
            "description": excerpt(notice.body, EXCERPT_CHARS) + more,
            "body": notice.body,
            "fields": [
                ["发布", notice.author_label],
                ["范围", notice.audience_label],
                ["时间", local_text(notice.published_at)],
                *([["附件", f"{notice.attachment_count} 个"]] if notice.attachment_count else []),
            ],
            "page": notice_page(notice.id),
        }
    ]


def notice_withdrawn(notice: Notice) -> list[dict]:
    reason = f"，原因：{notice.withdraw_reason}" if notice.withdraw_reason else ""
    return [
        {
            "type": "text",
            "content": f"【公告撤回】{notice.author_label}于{local_text(notice.withdrawn_at)}"
            f"撤回了公告《{notice.title}》{reason}。此前的内容不再有效。",
        }
    ]


def _notice_messages(render):
    def for_subject(subject_id: int) -> list[dict]:
        notice = db.session.get(Notice, subject_id, populate_existing=True)
        return render(notice) if notice else []

    return for_subject


# Outbox topic -> messages for its subject id. Later domains (ledger, tickets, votes) add theirs.
TOPICS = {
    "notice.published": _notice_messages(notice_published),
    "notice.withdrawn": _notice_messages(notice_withdrawn),
}


def render(topic: str, subject_id: int) -> list[dict]:
    """The messages an outbox row of ``topic`` carries; [] when its subject is gone."""
    return TOPICS[topic](subject_id)
