"""账目, 工单 and 投票 sent to the Linli WeCom app, end to end: WeCom posts the callback, an rq
worker runs the job, and the fake WeCom server records the text answer with the owner's own
pages (URL Links the fake server resolves back to the page) and a mini-program notice opening
the main one; unbound members get the binding hint."""

import re
from datetime import date, datetime

from sqlalchemy import delete

from backend.access.models import Membership
from backend.common.clock import SHANGHAI
from backend.extensions import db
from backend.ledger.models import LedgerPeriod
from tests.bot.wecom_support import bind, replies_to
from tests.factories import raw_ticket


def linked_pages(fake_wechat, reply: str) -> list[str]:
    """The pages the reply's links open, in order."""
    store = fake_wechat.app.extensions["fakewechat"]
    links = [store.url_link(url) for url in re.findall(r"打开：(https://[^\s）]+)", reply)]
    return [f"{link['path']}?{link['query']}".rstrip("?") for link in links]


def notices_to(fake_wechat, wecom_userid: str) -> list[dict]:
    return [
        m["body"]["miniprogram_notice"]
        for m in fake_wechat.messages(f"wecom-user:{wecom_userid}")
        if m["msgtype"] == "miniprogram_notice"
    ]


def test_ledger_answers_the_latest_published_period_of_the_owners_estate(
    app, vcast, make, wecom_server, run_jobs, fake_wechat
):
    bind(vcast.owner, "zhangsan")
    published(vcast.estate, vcast.chair, date(2026, 9, 1), at(2026, 10, 9))
    october = published(vcast.estate, vcast.chair, date(2026, 10, 1), at(2026, 11, 10))
    published(make.estate(), vcast.chair, date(2026, 11, 1), at(2026, 12, 3))

    wecom_server.text("zhangsan", "账目")
    run_jobs()

    [reply] = replies_to(fake_wechat, "zhangsan")
    page = f"pages/ledger-period/index?estate_id={vcast.estate.id}&id={october.id}"
    assert reply.startswith("【账目公示】")
    assert f"{vcast.estate.name} 2026-10（2026-11-10 公示）：收入 ¥3,600.00" in reply
    assert linked_pages(fake_wechat, reply) == [page]
    assert "2026-11" not in reply.replace("2026-11-10", "")  # not the other estate's period
    [notice] = notices_to(fake_wechat, "zhangsan")
    assert (notice["appid"], notice["page"], notice["title"]) == (
        app.config["WECHAT_APPID"],
        page,
        "账目公示",
    )
    assert notice["content_item"][0] == {"key": "收入", "value": "¥3,600.00"}


def test_tickets_answers_the_owners_open_tickets_only(vcast, wecom_server, run_jobs, fake_wechat):
    bind(vcast.owner, "zhangsan")
    mine = raw_ticket(vcast.estate, reporter_id=vcast.owner.id, category="elevator")
    raw_ticket(vcast.estate, reporter_id=vcast.owner.id, status="closed")
    raw_ticket(vcast.estate, reporter_id=vcast.owner2.id, description="别人的工单")
    db.session.commit()

    wecom_server.text("zhangsan", "工单")
    run_jobs()

    [reply] = replies_to(fake_wechat, "zhangsan")
    assert reply.startswith("【我的随手拍】办理中的工单：\n· #")
    assert f"#{mine.id} 电梯故障：已受理" in reply
    assert linked_pages(fake_wechat, reply) == [
        f"pages/ticket/index?id={mine.id}",
        "pages/tickets/index",
    ]
    assert reply.count("· #") == 1
    [notice] = notices_to(fake_wechat, "zhangsan")
    assert (notice["page"], notice["description"]) == ("pages/tickets/index", "办理中 1 件")


def test_votes_answers_the_open_motions_with_how_to_vote(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    bind(vcast.owner, "zhangsan")
    motion = votes.opened(vcast.chair, vcast.estate.id)

    wecom_server.text("zhangsan", "投票")
    run_jobs()

    [reply] = replies_to(fake_wechat, "zhangsan")
    assert reply.startswith("【业主表决】您所在小区的表决：")
    assert f"第 {motion['id']} 号《{motion['title']}》：投票中" in reply
    assert linked_pages(fake_wechat, reply) == [f"pages/motion/index?id={motion['id']}"]
    assert "投票 表决编号 赞成" in reply
    [notice] = notices_to(fake_wechat, "zhangsan")
    assert notice["page"] == f"pages/motion/index?id={motion['id']}"


def test_an_owner_with_nothing_open_is_told_so(vcast, wecom_server, run_jobs, fake_wechat):
    bind(vcast.owner, "zhangsan")

    for word in ("账目", "工单", "投票"):
        wecom_server.text("zhangsan", word)
    run_jobs()

    ledger, tickets, motions = replies_to(fake_wechat, "zhangsan")
    assert "还没有公示的账目" in ledger
    assert linked_pages(fake_wechat, ledger) == [f"pages/ledger/index?estate_id={vcast.estate.id}"]
    assert "您没有办理中的工单" in tickets
    assert linked_pages(fake_wechat, tickets) == ["pages/ticket-report/index"]
    assert "目前没有进行中的表决" in motions


def test_an_unbound_member_gets_the_binding_hint_and_nothing_else(
    vcast, wecom_server, run_jobs, fake_wechat
):
    for word in ("账目", "工单", "投票"):
        wecom_server.text("stranger", word)
    run_jobs()

    replies = replies_to(fake_wechat, "stranger")
    assert len(replies) == 3
    assert all(r.startswith("您的企业微信账号还没有绑定业主身份") for r in replies)
    assert all("绑定 123456" in r for r in replies)
    assert notices_to(fake_wechat, "stranger") == []


def test_a_bound_person_who_no_longer_owns_a_unit_is_told_to_claim_one(
    vcast, wecom_server, run_jobs, fake_wechat
):
    bind(vcast.owner, "lisi")
    db.session.execute(delete(Membership).where(Membership.user_id == vcast.owner.id))
    db.session.commit()

    wecom_server.text("lisi", "账目")
    run_jobs()

    [reply] = replies_to(fake_wechat, "lisi")
    assert "还不是已认证业主" in reply and "认领房屋" in reply


def test_a_line_whose_link_cannot_be_made_names_its_page_in_words(
    vcast, wecom_server, run_jobs, fake_wechat
):
    bind(vcast.owner, "zhangsan")
    fake_wechat.inject("http_500", count=5, paths=["/wxa/generate_urllink"])

    wecom_server.text("zhangsan", "工单")
    run_jobs()

    [reply] = replies_to(fake_wechat, "zhangsan")
    assert "见「邻里」小程序的“随手拍”页面" in reply
    assert "打开：" not in reply


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=SHANGHAI)


def published(estate, by, start: date, when: datetime) -> LedgerPeriod:
    """A month published at ``when`` with ¥3,600.00 of income, written straight to its table
    (published rows cannot be changed afterwards)."""
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    row = LedgerPeriod(
        estate_id=estate.id,
        kind="month",
        start_date=start,
        end_date=end,
        label=f"{start:%Y-%m}",
        status="published",
        created_by_id=by.id,
        published_at=when,
        income_total_fen=360000,
        expense_total_fen=0,
        opening_balance_fen=0,
        closing_balance_fen=360000,
    )
    db.session.add(row)
    db.session.commit()
    return row
