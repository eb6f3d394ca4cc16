"""What a bound owner asking the Linli WeCom app for 账目, 工单 or 投票 is answered: a few lines
about their own estate's latest published accounts, their open tickets or the open motions,
each with a link that opens its mini-program page (a URL Link, so it works from personal WeChat
too), and a mini-program notice that opens the main one."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select

from backend.access.roles import Role
from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.common.clock import local_text
from backend.common.money import format_fen
from backend.extensions import db
from backend.ledger.models import LedgerPeriod, PeriodStatus
from backend.places.models import Estate
from backend.tickets.models import (
    CATEGORIES,
    NEWEST_FIRST,
    OPEN_STATUSES,
    STATUS_LABELS,
    Ticket,
    TicketSupporter,
)
from backend.votes.models import Motion, MotionStatus
from bot import pages
from bot.channels import channels

# A chat answer is read on a phone: a few lines, the rest one tap away.
MAX_LINES = 5
APP = "「邻里」"


@dataclass(frozen=True)
class Answer:
    text: str
    # The mini-program notice opening the main page: title (4–12 characters), description,
    # page and up to a few (key, value) lines.
    title: str
    description: str
    page: str
    items: tuple[tuple[str, str], ...] = ()


def opening(page: str) -> str:
    """How a line of the answer opens ``page``: its URL Link, or the page named in words when
    no link can be had (the answer goes out all the same)."""
    url = channels(current_app)["wecom_robot"].url_link(page)
    return f"打开：{url}" if url else f"见{pages.in_words(page)}"


def owned_estates(user: User) -> list[Estate]:
    """The estates where ``user`` is a verified owner, by name."""
    return list(
        db.session.scalars(visible_estates(user, (Role.OWNER,)).order_by(Estate.name, Estate.id))
    )


def not_an_owner() -> str:
    return (
        f"您绑定的账号还不是已认证业主。请先在{APP}小程序中认领房屋，"
        "业委会或物业核对后即可查看账目、工单和表决。"
    )


def ledger(estates: list[Estate]) -> Answer:
    """Each estate's latest published period."""
    latest = {}
    for period in db.session.scalars(
        select(LedgerPeriod)
        .where(
            LedgerPeriod.estate_id.in_([e.id for e in estates]),
            LedgerPeriod.status == PeriodStatus.PUBLISHED,
        )
        .order_by(LedgerPeriod.estate_id, LedgerPeriod.start_date.desc())
    ):
        latest.setdefault(period.estate_id, period)
    lines, first = [], None
    for estate in estates[:MAX_LINES]:
        period = latest.get(estate.id)
        if period is None:
            lines.append(f"· {estate.name}：还没有公示的账目（{opening(_ledger_list(estate))}）")
            continue
        first = first or period
        lines.append(
            f"· {estate.name} {period.label}（{local_text(period.published_at)[:10]} 公示）："
            f"收入 {format_fen(period.income_total_fen)}，"
            f"支出 {format_fen(period.expense_total_fen)}，"
            f"期末余额 {format_fen(period.closing_balance_fen)}\n"
            f"  {opening(_period(period))}"
        )
    text = "【账目公示】您所在小区最近一期公示的账目：\n" + "\n".join(lines)
    if first is None:
        return Answer(text, "账目公示", estates[0].name, _ledger_list(estates[0]))
    return Answer(
        text + "\n对账目有疑问，可在账目页面提出质询。",
        "账目公示",
        f"{first.label}账目",
        _period(first),
        (
            ("收入", format_fen(first.income_total_fen)),
            ("支出", format_fen(first.expense_total_fen)),
            ("期末余额", format_fen(first.closing_balance_fen)),
        ),
    )


def tickets(user: User) -> Answer:
    """The open tickets the owner reported or supports ("me too"), newest first."""
    supported = select(TicketSupporter.ticket_id).where(TicketSupporter.user_id == user.id)
    rows = db.session.scalars(
        select(Ticket)
        .where(
            or_(Ticket.reporter_id == user.id, Ticket.id.in_(supported)),
            Ticket.status.in_(OPEN_STATUSES),
        )
        .order_by(*NEWEST_FIRST)
        .limit(MAX_LINES)
    ).all()
    mine = "pages/tickets/index"
    if not rows:
        return Answer(
            f"【我的随手拍】您没有办理中的工单。发现问题可在{APP}小程序“随手拍”中上报"
            f"（{opening('pages/ticket-report/index')}）。",
            "我的随手拍",
            "没有办理中的工单",
            mine,
        )
    lines = [
        f"· #{t.id} {CATEGORIES.get(t.category, t.category)}：{STATUS_LABELS[t.status]}"
        f"（{local_text(t.created_at)[:10]} 上报）\n  {opening(f'pages/ticket/index?id={t.id}')}"
        for t in rows
    ]
    return Answer(
        "【我的随手拍】办理中的工单：\n" + "\n".join(lines) + f"\n全部工单：{opening(mine)}",
        "我的随手拍",
        f"办理中 {len(rows)} 件",
        mine,
        tuple((f"#{t.id}", STATUS_LABELS[t.status]) for t in rows[:3]),
    )


def votes(estates: list[Estate]) -> Answer:
    """The motions announced or open in the owner's estates, closing soonest first."""
    rows = db.session.scalars(
        select(Motion)
        .where(
            Motion.estate_id.in_([e.id for e in estates]),
            Motion.status.in_([MotionStatus.ANNOUNCED, MotionStatus.OPEN]),
        )
        .order_by(Motion.closes_at, Motion.id)
        .limit(MAX_LINES)
    ).all()
    listing = f"pages/motions/index?estate_id={estates[0].id}"
    if not rows:
        return Answer(
            "【业主表决】您所在小区目前没有进行中的表决。表决公告会发到小区监督群。",
            "业主表决",
            "没有进行中的表决",
            listing,
        )
    lines = [
        f"· 第 {m.id} 号《{m.title}》："
        + (
            f"投票中，{local_text(m.closes_at)} 截止"
            if m.status == MotionStatus.OPEN
            else f"公示中，{local_text(m.opens_at)} 开始投票"
        )
        + f"\n  {opening(f'pages/motion/index?id={m.id}')}"
        for m in rows
    ]
    first = rows[0]
    return Answer(
        "【业主表决】您所在小区的表决：\n"
        + "\n".join(lines)
        + "\n投票中的表决可直接回复“投票 表决编号 赞成/反对/弃权”。",
        "业主表决",
        first.title,
        f"pages/motion/index?id={first.id}",
        (("截止", local_text(first.closes_at)),),
    )


def _period(period: LedgerPeriod) -> str:
    return f"pages/ledger-period/index?estate_id={period.estate_id}&id={period.id}"


def _ledger_list(estate: Estate) -> str:
    return f"pages/ledger/index?estate_id={estate.id}"
