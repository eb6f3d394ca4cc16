"""Every text the bot sends, in one place (Chinese), as channel-neutral messages.

A post is built once, as a list of neutral messages, and rendered for each destination when it
is sent (``bot.channels``: each channel's ``prepare`` for the group's profile), so no post can
lack a form for any group. A message is a dict:

- ``{"type": "text", "content", "page"?}``: words; ``page`` ("pages/x/index?query") names the
  mini-program page that tells more.
- ``{"type": "card", "title", "subtitle", "description", "body", "fields": [[key, value]],
  "page"}``: a headline with short fields and its full text (``body``) for chats that show
  no cards.
- ``{"type": "image", "storage_key"}``: a stored upload (a JPG or PNG, fitted to 2 MB when sent).
- ``{"type": "markdown", "content"}``: WeCom markdown (no post uses it at present).

Internal groups get cards as template cards; external groups (personal-WeChat owners) get
only text, images and news articles whose URL Link opens ``page`` (bot/channels/robot.py).
Channels cut each message to their limits.
"""

from flask import current_app

from backend.common.clock import local_text
from backend.common.money import format_fen
from backend.common.text import excerpt
from backend.extensions import db
from backend.ledger.models import LedgerPeriod
from backend.notices.models import Notice
from backend.places.models import Estate
from backend.tickets.models import TicketDigest, TicketEvent
from bot import (
    fund_posts,
    group_chat_messages,
    group_posts,
    register_messages,
    subscribe_messages,
    vote_messages,
)

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
            # The figures are the card's fields: said once, not again in the prose.
            "description": "已经业委会审批、社区审核，点击查看明细和凭证。",
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


def ticket_page(ticket_id: int) -> str:
    return f"pages/ticket/index?id={ticket_id}"


def tickets_page(estate_id: int) -> str:
    return f"pages/tickets/index?estate_id={estate_id}"


def ticket_escalations(digest: TicketDigest) -> list[dict]:
    """One run's escalations in an estate, as one message to its group (not one per ticket)."""
    estate = db.session.get(Estate, digest.estate_id)
    lines = [
        f"#{t['ticket_id']} {t['category']}：超过{t['late_for']}时限，"
        f"已升级至{t['level_label']}督办"
        for t in digest.figures.get("tickets", [])
    ]
    return [
        {
            "type": "text",
            "content": f"【工单督办】{estate.name}有 {len(lines)} 件随手拍工单超时未办，"
            "已逐级升级：\n" + "\n".join(lines) + "\n业主可在小程序“随手拍”中查看办理进度。",
            "page": tickets_page(digest.estate_id),
        }
    ]


def ticket_weekly(digest: TicketDigest) -> list[dict]:
    estate = db.session.get(Estate, digest.estate_id)
    f = digest.figures
    start, end = local_text(digest.period_start)[:10], local_text(digest.period_end)[:10]
    average = f"{f['average_rating']:.1f} 星" if f.get("average_rating") is not None else "暂无评价"
    return [
        {
            "type": "text",
            "content": f"【随手拍周报】{estate.name}（{start} 至 {end}）\n"
            f"新增工单：{f['new']} 件\n办结工单：{f['closed']} 件\n"
            f"当前超时：{f['overdue']} 件\n平均满意度：{average}",
            "page": tickets_page(digest.estate_id),
        }
    ]


def _ticket_template(title: str, page: str, estate_name: str, when) -> list[dict]:
    """A subscribe message (template fields are short: thing ≤ 20 characters)."""
    return [
        {
            "template_id": current_app.config["TICKET_TEMPLATE_ID"],
            "data": {
                "thing1": {"value": title[:20]},
                "thing2": {"value": estate_name[:20]},
                "time3": {"value": local_text(when)},
            },
            "page": page,
        }
    ]


def ticket_escalated_to_you(digest: TicketDigest) -> list[dict]:
    estate = db.session.get(Estate, digest.estate_id)
    count = len(digest.figures.get("tickets", []))
    return _ticket_template(
        f"{count} 件工单超时升级待督办", "pages/ticket-work/index", estate.name, digest.created_at
    )


def ticket_assigned(event: TicketEvent) -> list[dict]:
    estate = db.session.get(Estate, event.estate_id)
    return _ticket_template(
        f"工单 #{event.ticket_id} 已转交您办理",
        ticket_page(event.ticket_id),
        estate.name,
        event.created_at,
    )


def _messages(model, render):
    """Render the outbox row's subject as it is now (a withdrawn notice reads withdrawn)."""

    def for_subject(subject_id: int) -> list[dict]:
        subject = db.session.get(model, subject_id, populate_existing=True)
        return render(subject) if subject else []

    return for_subject


# Outbox topic -> messages for its subject id.
TOPICS = {
    "notice.published": _messages(Notice, notice_published),
    "notice.withdrawn": _messages(Notice, notice_withdrawn),
    "ledger.published": _messages(LedgerPeriod, ledger_published),
    "ticket.escalations": _messages(TicketDigest, ticket_escalations),
    "ticket.weekly": _messages(TicketDigest, ticket_weekly),
    "ticket.escalated": _messages(TicketDigest, ticket_escalated_to_you),
    "ticket.assigned": _messages(TicketEvent, ticket_assigned),
    **{f"vote.{kind}": vote_messages.render_post for kind in vote_messages.RENDERERS},
    "vote.card": vote_messages.render_card,
    "register.reelection": register_messages.reelection,
    **group_posts.TOPICS,
    **group_chat_messages.TOPICS,
    **subscribe_messages.TOPICS,
    **fund_posts.TOPICS,
}


def render(topic: str, subject_id: int) -> list[dict]:
    """The messages an outbox row of ``topic`` carries; [] when its subject is gone."""
    return TOPICS[topic](subject_id)
