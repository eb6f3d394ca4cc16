"""The demo's maintenance fund (公维金) in the first estate, made through the fund's own services
so the chain, apportionment, events and group posts are real: balances imported from the
housing authority's statement; a roof repair of 1栋 passed by that building's owners, done,
accepted, paid and rated; an emergency lift repair of another building signed by the
committee, the community and the township and under way; and a water-pump repair waiting
for the township's pre-check.

Timelines are moved back afterwards (in Python: SQLite has no interval arithmetic), so the
projects read as weeks of work and the dashboards have days to count.
"""

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from backend.accounts.models import User
from backend.common import xlsx
from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.funds import approvals, documents, imports, payments, projects, ratings, workflow
from backend.funds.models import RepairProject, RepairProjectEvent
from backend.places.models import Building, Estate
from backend.votes import lifecycle, services
from backend.votes.models import Elector, ElectorKind, Motion

STATEMENT_HEADER = imports.HEADER


def _user(openid: str | None = None, username: str | None = None) -> User:
    column, value = (User.openid, openid) if openid else (User.username, username)
    return db.session.scalar(select(User).where(column == value))


def _picture(hue: int, label_box: bool = False) -> bytes:
    """A small made-up site photo (sky, a wall, scaffolding or a lift door)."""
    image = Image.new("RGB", (640, 480), (140 + hue % 80, 180, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 140, 580, 470), fill=(200, 195, 185), outline=(90, 90, 90), width=4)
    for x in range(80, 580, 70):
        draw.line((x, 140, x, 470), fill=(120 + hue % 40, 90, 60), width=5)
    if label_box:
        draw.rectangle((220, 200, 420, 300), fill=(250, 250, 250), outline=(40, 40, 40), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _statement(buildings: list[Building]) -> io.BytesIO:
    """The housing authority's statement: each building's opening balance, this year's
    deposits for two units and the half-year interest."""
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.append(STATEMENT_HEADER)
    for n, building in enumerate(buildings, start=1):
        sheet.append(
            ["2026-01-01", "期初余额", building.name, "", 380_000 + 45_000 * n, "年初结转"]
        )
    sheet.append(["2026-03-18", "缴存", buildings[0].name, "101", 8_912.40, "二手房过户补缴"])
    sheet.append(["2026-04-02", "缴存", buildings[1].name, "102", 7_650.00, "首期归集"])
    for building in buildings:
        sheet.append(["2026-06-21", "利息", building.name, "", 1_268.35, "上半年结息"])
    return io.BytesIO(xlsx.to_bytes(book))


def _upload(
    person: User, estate: Estate, project: RepairProject, kind: str, caption: str, hue: int
):
    return documents.upload(
        person,
        estate.id,
        project.id,
        kind,
        caption,
        f"{kind}.png",
        _picture(hue, kind == "contract"),
    )


def _move_motion(motion: Motion, days: float) -> None:
    shift = timedelta(days=days)
    for name in ("announced_at", "opens_at", "closes_at", "created_at"):
        setattr(motion, name, as_utc(getattr(motion, name)) - shift)


def _roof_vote(chair: User, estate: Estate, building: Building, owners: list[User]) -> Motion:
    """A use_maintenance_fund motion of 1栋's owners, voted and passed a month ago."""
    opens = utcnow() + timedelta(days=16)
    motion = services.create_motion(
        chair,
        estate.id,
        {
            "matter": "use_maintenance_fund",
            "title": f"使用专项维修资金维修{building.name}屋面防水及外墙渗漏",
            "body": f"{building.name}顶层多户反映雨天渗漏，经检测屋面防水层老化开裂、外墙局部空鼓。"
            "拟使用本栋分摊的专项维修资金不超过 27 万元，施工单位经三家比选确定，"
            "由本栋业主表决（按专有部分面积和人数双过半）。",
            "opens_at": opens,
            "closes_at": opens + timedelta(days=7),
            "building_ids": [building.id],
        },
    )
    _move_motion(motion, (as_utc(motion.opens_at) - utcnow()).total_seconds() / 86400 + 1)
    lifecycle.advance(motion.id)
    for owner, choice in zip(owners, ("yes",) * 8 + ("no", "abstain"), strict=True):
        services.cast_ballot(owner, motion.id, choice)
    paper = db.session.scalars(
        select(Elector.id)
        .where(Elector.motion_id == motion.id, Elector.kind == ElectorKind.UNVERIFIED)
        .order_by(Elector.id)
    ).all()
    for n, elector_id in enumerate(paper[: len(paper) * 5 // 6]):
        choice = "no" if n % 6 == 0 else "yes"
        services.record_paper_ballot(chair, motion.id, elector_id, choice, "入户收集书面表决票")
    _move_motion(motion, 37)  # opened 38 days ago, closed a month ago
    lifecycle.advance(motion.id)
    return motion


def _age(project: RepairProject, days_ago: dict[str, float]) -> None:
    """Date the project's steps ``days_ago`` (action -> days) and its own timestamps with them;
    an action not named keeps the age of the step before it."""
    now = utcnow()
    fields = {
        "create": ("created_at",),
        "submit": ("submitted_at",),
        "precheck_pass": ("prechecked_at",),
        "authorise": ("authorised_at",),
        "start": ("started_at",),
        "accept": ("accepted_at",),
        "pay": ("paid_at",),
    }
    age = days_ago["create"]
    for event in db.session.scalars(
        select(RepairProjectEvent)
        .where(RepairProjectEvent.project_id == project.id)
        .order_by(RepairProjectEvent.id)
    ):
        age = days_ago.get(event.action, age)
        event.created_at = now - timedelta(days=age)
        for name in fields.get(event.action, ()):
            setattr(project, name, event.created_at)


def _roof_repair(estate: Estate, building: Building, people: dict) -> RepairProject:
    chair, owners = people["chair"], people["owners"]
    project = projects.create_project(
        chair,
        estate.id,
        {
            "title": f"{building.name}屋面防水及外墙渗漏维修",
            "scope": f"{building.name}屋面防水层整体翻新约 620 平方米，东、北两面外墙空鼓修补及"
            "防水涂刷约 380 平方米，顶层 4 户室内渗漏部位修复。",
            "category": "roof_wall_leak",
            "path": "vote",
            "budget_fen": 26_800_000,
            "building_ids": [building.id],
            "unit_ids": [],
        },
    )
    chosen = None
    for contractor, fen, note in (
        ("安溪建安防水工程有限公司", 26_800_000, "改性沥青防水卷材两道，质保 5 年"),
        ("泉州永固建设工程有限公司", 28_950_000, "含外墙脚手架，质保 5 年"),
        ("福建恒达防水科技有限公司", 30_120_000, "高分子卷材，质保 8 年"),
    ):
        quote = projects.add_quote(
            chair,
            estate.id,
            project.id,
            {"contractor": contractor, "amount_fen": fen, "note": note},
        )
        chosen = chosen or quote
    projects.choose_quote(
        chair, estate.id, project.id, chosen.id, "报价最低，资质和质保年限满足要求，近三年无投诉"
    )
    workflow.transition(chair, estate.id, project.id, "submit")
    workflow.transition(
        people["township"],
        estate.id,
        project.id,
        "precheck_pass",
        "维修范围与检测报告一致，三家比选程序合规；施工期间注意高空作业安全，做好渗漏户沟通。",
    )
    motion = _roof_vote(chair, estate, building, owners)
    approvals.cite_motion(chair, estate.id, project.id, motion.id)
    _upload(chair, estate, project, "contract", "施工合同（安溪建安防水）", 10)
    workflow.transition(chair, estate.id, project.id, "start")
    _upload(chair, estate, project, "progress_photo", "旧防水层铲除", 30)
    _upload(chair, estate, project, "progress_photo", "卷材铺贴", 50)
    _upload(chair, estate, project, "acceptance_photo", "闭水试验 48 小时", 70)
    workflow.transition(
        chair,
        estate.id,
        project.id,
        "accept",
        "防水层铺贴平整，闭水试验 48 小时无渗漏，外墙修补到位。",
    )
    voucher = _upload(people["manager"], estate, project, "voucher", "增值税发票及转账凭证", 90)
    payments.pay(
        chair,
        estate.id,
        project.id,
        {
            "amount_fen": 26_800_000,
            "paid_on": utcnow().astimezone(SHANGHAI).date() - timedelta(days=3),
            "payee": "安溪建安防水工程有限公司",
            "voucher_ids": [voucher.id],
            "final": True,
            "overdraft_reason": None,
        },
    )
    for owner, score, comment in zip(
        owners[1:6],
        (5, 4, 5, 4, 3),
        ("雨天不再渗水了", "施工期间噪音有点大", "很满意", "外墙颜色略有差异", "工期比说的长"),
        strict=True,
    ):
        ratings.rate(owner, estate.id, project.id, score, comment)
    _age(
        project,
        {
            "create": 75,
            "submit": 70,
            "precheck_pass": 66,
            "cite_motion": 31,
            "start": 26,
            "accept": 6,
            "pay": 3,
        },
    )
    return project


def _lift_repair(estate: Estate, building: Building, people: dict) -> RepairProject:
    chair = people["chair"]
    project = projects.create_project(
        chair,
        estate.id,
        {
            "title": f"{building.name}电梯曳引机及控制柜更换",
            "scope": f"{building.name} 1 号电梯曳引机轴承损坏、控制柜主板故障，本月停运 5 次，"
            "特种设备检验机构出具整改通知，须立即更换曳引机及控制柜。",
            "category": "lift",
            "path": "emergency",
            "budget_fen": 18_600_000,
            "building_ids": [building.id],
            "unit_ids": [],
        },
    )
    projects.add_quote(
        chair,
        estate.id,
        project.id,
        {"contractor": "泉州通力电梯工程有限公司", "amount_fen": 18_600_000, "note": "原厂配件"},
    )
    workflow.transition(chair, estate.id, project.id, "submit")
    for person, kind, note in (
        (chair, "committee", "业委会会议同意按应急维修办理"),
        (people["auditor"], "community", "情况属实，同意"),
        (people["township"], "township", "同意应急维修，注意保留检验报告"),
    ):
        approvals.sign_off(person, estate.id, project.id, kind, note)
    workflow.transition(
        people["township"],
        estate.id,
        project.id,
        "precheck_pass",
        "属电梯应急维修范围，同意先行施工。",
    )
    approvals.notify_owners(chair, estate.id, project.id)
    _upload(chair, estate, project, "contract", "电梯维修合同", 110)
    workflow.transition(chair, estate.id, project.id, "start")
    _upload(people["manager"], estate, project, "progress_photo", "旧曳引机拆除", 130)
    _age(
        project,
        {
            "create": 12,
            "submit": 12,
            "sign_off": 11,
            "precheck_pass": 11,
            "authorise": 11,
            "notify_owners": 10,
            "start": 8,
        },
    )
    return project


def _pump_repair(estate: Estate, building: Building, people: dict) -> RepairProject:
    chair = people["chair"]
    project = projects.create_project(
        chair,
        estate.id,
        {
            "title": f"{building.name}二次供水水泵更换",
            "scope": f"{building.name}二次供水变频水泵已运行 12 年，近期高层水压不足，"
            "拟更换两台水泵及变频控制器。",
            "category": "water_power",
            "path": "vote",
            "budget_fen": 9_600_000,
            "building_ids": [building.id],
            "unit_ids": [],
        },
    )
    projects.add_quote(
        chair,
        estate.id,
        project.id,
        {"contractor": "安溪水务设备安装有限公司", "amount_fen": 9_600_000, "note": "含安装调试"},
    )
    workflow.transition(chair, estate.id, project.id, "submit")
    _age(project, {"create": 3, "submit": 2})
    return project


@unit_of_work
def seed(estates: list[Estate]) -> None:
    estate = estates[0]
    buildings = db.session.scalars(
        select(Building).where(Building.estate_id == estate.id).order_by(Building.id)
    ).all()
    people = {
        "chair": _user("demo-chair-1"),
        "manager": _user("demo-manager-1"),
        "auditor": _user(username="auditor1"),
        "township": _user(username="township1"),
        "owners": [_user(f"demo-owner-1-{k}") for k in range(1, 11)],
    }
    imports.import_statement(people["manager"], estate.id, _statement(buildings))
    _roof_repair(estate, buildings[0], people)
    _lift_repair(estate, buildings[3], people)
    _pump_repair(estate, buildings[1], people)
