"""Demo accounts for the first two estates, made through the ledger's own services so the
hash chain, events and outbox rows are real: two published months (with vouchers, a reversal
and questions), one month waiting for the community auditor, one waiting for committee
approval in the second estate, and the current month as a draft."""

import io
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from backend.accounts.models import User
from backend.common.clock import SHANGHAI, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.ledger import entries, periods, questions, statements, vouchers, workflow
from backend.ledger.models import LedgerQuestion
from backend.places.models import Estate

# (day, direction, category, fen, counterparty, description, with a voucher)
MONTH = [
    (3, "income", "parking", 684000, "临停收费系统", "临时停车收费", True),
    (5, "income", "advertising", 240000, "安溪分众传媒", "电梯轿厢广告位租金", True),
    (8, "income", "venue_rent", 60000, "溪畔便民超市", "架空层场地租金", False),
    (10, "expense", "shared_costs", 186540, "国网安溪供电公司", "公共区域照明及水泵电费", True),
    (15, "expense", "maintenance", 128000, "安溪电梯维保公司", "2号楼电梯门机维修", True),
    (20, "expense", "management", 35000, "安溪县城厢镇财政所", "账目审计公告印刷", False),
    (25, "expense", "other_expense", 42000, "绿源园林", "中庭草坪补种", False),
]


def _user(openid: str = None, username: str = None) -> User:
    column, value = (User.openid, openid) if openid else (User.username, username)
    return db.session.scalar(select(User).where(column == value))


def _month_start(months_back: int) -> date:
    today = utcnow().astimezone(SHANGHAI).date()
    month = today.year * 12 + today.month - 1 - months_back
    return date(month // 12, month % 12 + 1, 1)


def _receipt(title: str) -> bytes:
    """A small receipt-like PNG (lines, no text: the demo needs no font)."""
    image = Image.new("RGB", (480, 320), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 310), outline=(200, 40, 40), width=3)
    for y in range(60, 300, 30):
        draw.line((30, y, 450, y), fill=(180, 180, 180), width=1)
    draw.ellipse((360, 200, 450, 290), outline=(200, 40, 40), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _fill(estate: Estate, period_id: int, start: date, scale: int, manager: User) -> list[int]:
    ids = []
    for day, direction, category, fen, party, text, voucher in MONTH:
        entry = entries.add_entry(
            manager,
            estate.id,
            period_id,
            {
                "entry_date": start.replace(day=day),
                "direction": direction,
                "category": category,
                "amount_fen": fen + scale * 1000,
                "counterparty": party,
                "description": text,
            },
        )
        if voucher:
            vouchers.upload_voucher(
                manager, estate.id, entry.id, f"{text}.png", _receipt(f"{text}{entry.id}")
            )
        ids.append(entry.id)
    return ids


def _walk(estate: Estate, period_id: int, steps) -> None:
    for person, action in steps:
        workflow.transition(person, estate.id, period_id, action)


@unit_of_work
def seed(estates: list[Estate]) -> None:
    first, second = estates[0], estates[1]
    manager, chair = _user("demo-manager-1"), _user("demo-chair-1")
    member = _user("demo-committee-1-1")
    auditor = _user(username="auditor1")
    submit = [(manager, "submit"), (chair, "approve"), (member, "approve")]
    publish = [*submit, (auditor, "audit"), (chair, "publish")]

    three_back, two_back, last = _month_start(3), _month_start(2), _month_start(1)
    oldest = periods.create_period(manager, first.id, "month", three_back)
    oldest_ids = _fill(first, oldest.id, three_back, 0, manager)
    _walk(first, oldest.id, publish)

    middle = periods.create_period(manager, first.id, "month", two_back)
    _fill(first, middle.id, two_back, 7, manager)
    duplicate = statements.statement_entries(oldest.id)[4]  # the lift repair, entered twice
    entries.add_entry(
        manager,
        first.id,
        middle.id,
        {
            "entry_date": two_back.replace(day=2),
            "direction": duplicate.direction,
            "category": duplicate.category,
            "amount_fen": duplicate.amount_fen,
            "counterparty": duplicate.counterparty,
            "description": f"冲销上月重复入账（第{oldest_ids[4]}笔）",
            "reverses_entry_id": duplicate.id,
        },
    )
    _walk(first, middle.id, publish)

    waiting = periods.create_period(manager, first.id, "month", last)
    _fill(first, waiting.id, last, 3, manager)
    _walk(first, waiting.id, submit)  # now with the community auditor

    periods.create_period(manager, first.id, "month", _month_start(0))

    manager2 = _user("demo-manager-2")
    pending = periods.create_period(manager2, second.id, "month", last)
    _fill(second, pending.id, last, 1, manager2)
    _walk(second, pending.id, [(manager2, "submit")])  # waits for demo-committee-2-*

    owner = _user("demo-owner-1-1")
    asked = questions.ask(owner, first.id, oldest.id, "停车收入比去年同期少，是否有车位闲置？")
    questions.answer(chair, first.id, asked.id, "本月有 12 个车位在做地面翻修，已于下月恢复。")
    overdue = questions.ask(
        _user("demo-owner-1-2"), first.id, middle.id, "电梯维修是否有三家比价？请公示报价单。"
    )
    db.session.get(LedgerQuestion, overdue.id).asked_at = utcnow() - timedelta(days=9)
