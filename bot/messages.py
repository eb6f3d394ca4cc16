"""Every text the bot sends, in one place (Chinese), as channel-neutral messages.

A message is a dict: ``{"type": "text"|"markdown", "content"}`` or ``{"type": "card", "title",
"subtitle", "description", "body", "fields": [[key, value]], "page"}``. Channels
(``bot.channels``) turn them into their own wire format and cut them to their limits.
"""

from backend.common.clock import local_text
from backend.common.money import format_fen
from backend.common.text import excerpt
from backend.extensions import db
from backend.ledger.models import LedgerPeriod
from backend.notices.models import Notice
from backend.places.models import Estate

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


def ledger_period_page(period: LedgerPeriod) -> str:
    return f"pages/ledger-period/index?estate_id={period.estate_id}&id={period.id}"


def ledger_published(period: LedgerPeriod) -> list[dict]:
    """The publication notice, then the head hash on a line of its own: owners compare it
    with the PDF statement and the verify page, so it is never cut to fit a card."""
    estate = db.session.get(Estate, period.estate_id)
    income, expense = format_fen(period.income_total_fen), format_fen(period.expense_total_fen)
    closing = format_fen(period.closing_balance_fen)
    return [
        {
            "type": "card",
            "title": f"{period.label}账目公示",
            "subtitle": f"{estate.name}公共收益收支",
            "description": f"本期收入{income}，支出{expense}，期末余额{closing}。"
            "已经业委会审批、社区审核，点击查看明细和凭证。",
            "body": "\n".join(
                [
                    f"【账目公示】{estate.name} {period.label}",
                    f"本期收入：{income}",
                    f"本期支出：{expense}",
                    f"期末余额：{closing}",
                    f"公示时间：{local_text(period.published_at)}",
                    "业主可在小程序“账目公示”中查看明细、凭证并提出质询。",
                ]
            ),
            "fields": [["收入", income], ["支出", expense], ["期末余额", closing]],
            "page": ledger_period_page(period),
        },
        {
            "type": "text",
            "content": f"【公示哈希】{estate.name} {period.label}（第 {period.chain_seq} 期）："
            f"{period.head_hash}\n与公示表上的哈希一致，即说明已公示的账目未被改动。",
        },
    ]


def _messages(model, render):
    """Render the outbox row's subject as it is now (a withdrawn notice reads withdrawn)."""

    def for_subject(subject_id: int) -> list[dict]:
        subject = db.session.get(model, subject_id, populate_existing=True)
        return render(subject) if subject else []

    return for_subject


# Outbox topic -> messages for its subject id. Later domains (ledger, tickets, votes) add theirs.
TOPICS = {
    "notice.published": _messages(Notice, notice_published),
    "notice.withdrawn": _messages(Notice, notice_withdrawn),
    "ledger.published": _messages(LedgerPeriod, ledger_published),
}


def render(topic: str, subject_id: int) -> list[dict]:
    """The messages an outbox row of ``topic`` carries; [] when its subject is gone."""
    return TOPICS[topic](subject_id)
