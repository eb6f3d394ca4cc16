"""The demo county loaded by `make run` on first start: an Anxi-like county with 2 townships,
4 communities, 8 estates, about 2,000 units, owners, committees, managers and officers.
Deterministic, so the README can name its users."""

import io
import random

from sqlalchemy import select

from backend.access.roles import Role, ScopeKind
from backend.accounts import services as accounts
from backend.accounts.models import User
from backend.claims.models import Claim
from backend.common import xlsx
from backend.common.unit_of_work import unit_of_work
from backend.demo import funds as demo_funds
from backend.demo import governance as demo_governance
from backend.demo import ledger as demo_ledger
from backend.demo import meetings as demo_meetings
from backend.demo import public_record as demo_public_record
from backend.demo import ratings as demo_ratings
from backend.demo import register as demo_register
from backend.demo import tickets as demo_tickets
from backend.demo import votes as demo_votes
from backend.estates import services as places
from backend.extensions import db
from backend.group_chats.models import ChannelKind, GroupChat, GroupProfile
from backend.notices import services as notices
from backend.places.models import Community, County, Estate, Township, Unit
from backend.places.register import PLACE_COLUMNS, UNIT_COLUMNS

COUNTY = "安溪县"
TREE = {
    "凤城镇": {"中山社区": ["凤城花园", "茶都新苑"], "东岳社区": ["东岳雅居", "蓝溪湾"]},
    "城厢镇": {"城厢社区": ["城厢名都", "龙湖湾"], "砖文社区": ["砖文小区", "清水佳园"]},
}
STAFF_PASSWORD = "linli-demo-2026"
OWNER_NAMES = [
    "陈建国",
    "林美华",
    "王志强",
    "黄丽娟",
    "李明辉",
    "张秀英",
    "刘德福",
    "谢雅琴",
    "苏文斌",
    "吴春燕",
    "郑国平",
    "蔡淑芬",
]

# Committee members, managers and staff act in workflows, so each has a real name on record
# (DESIGN.md "People and trails"): the n-th of them is SURNAMES[n % 20] + GIVEN[n // 20 % 20],
# distinct for the demo's fewer than 400 people.
SURNAMES = "陈林黄张李王吴刘蔡杨郑谢许洪苏曾叶周廖庄"
GIVEN = (
    "志明 秀兰 建华 丽芳 国强 淑贞 文杰 美玲 永福 雅婷 "
    "伟民 春梅 金水 碧霞 振宇 惠珍 海涛 玉凤 清泉 佳慧"
).split()


def actor_name(n: int) -> str:
    """The demo's n-th actor's real name (deterministic, so the README can name them)."""
    return SURNAMES[n % len(SURNAMES)] + GIVEN[n // len(SURNAMES) % len(GIVEN)]


def register_workbook(seed: int = 278) -> bytes:
    """The demo county's unit register as an .xlsx file (also the sample in config/samples)."""
    rng = random.Random(seed)
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "房屋清册"
    # Without the optional 产权人 column: the demo's owners of record are set with its people.
    units = [title for key, title in UNIT_COLUMNS.items() if key != "owner_of_record"]
    sheet.append([*PLACE_COLUMNS.values(), *units])
    for township, communities in TREE.items():
        for community, estates in communities.items():
            for estate in estates:
                road = rng.choice(["河滨南路", "大同路", "城东路", "祥云路"])
                address = f"{COUNTY}{township}{road}{rng.randint(1, 300)}号"
                for b in range(1, rng.randint(6, 8) + 1):
                    floors, per_floor = rng.randint(10, 14), rng.choice([2, 4])
                    for floor in range(1, floors + 1):
                        for door in range(1, per_floor + 1):
                            area = rng.randint(6000, 16000) / 100
                            unsold = (
                                "是"
                                if estate in ("龙湖湾", "蓝溪湾") and floor >= floors - 1
                                else "否"
                            )
                            sheet.append(
                                [
                                    COUNTY,
                                    township,
                                    community,
                                    estate,
                                    address,
                                    f"{b}栋",
                                    f"{floor}{door:02d}",
                                    floor,
                                    area,
                                    unsold,
                                ]
                            )
    return xlsx.to_bytes(book)


def is_loaded() -> bool:
    return db.session.scalar(select(County.id).where(County.name == COUNTY)) is not None


def seed() -> dict:
    """Load the demo county once; a second call changes nothing. Each slice is its own unit of
    work: the tickets slice's photo uploads end the open transaction (tickets.uploads)."""
    if is_loaded():
        return {"loaded": False}
    counts = places.import_county_register(io.BytesIO(register_workbook()))
    county = db.session.scalar(select(County).where(County.name == COUNTY))
    estates = db.session.scalars(select(Estate).order_by(Estate.id)).all()
    for n, estate in enumerate(estates, start=1):
        _estate_people(n, estate)
    # Staff names follow the estates' people (five a estate: chair, two members, manager).
    staff_no = 5 * len(estates)
    for n, community in enumerate(db.session.scalars(select(Community).order_by(Community.id)), 1):
        accounts.create_staff(
            f"auditor{n}",
            STAFF_PASSWORD,
            Role.AUDITOR,
            ScopeKind.COMMUNITY,
            community.id,
            actor_name(staff_no + n),
        )
    staff_no += 10
    for n, township in enumerate(db.session.scalars(select(Township).order_by(Township.id)), 1):
        accounts.create_staff(
            f"township{n}",
            STAFF_PASSWORD,
            Role.TOWNSHIP_OFFICER,
            ScopeKind.TOWNSHIP,
            township.id,
            actor_name(staff_no + n),
        )
    staff_no += 10
    accounts.create_staff(
        "county",
        STAFF_PASSWORD,
        Role.COUNTY_OFFICER,
        ScopeKind.COUNTY,
        county.id,
        actor_name(staff_no + 1),
    )
    accounts.create_staff(
        "admin", STAFF_PASSWORD, Role.ADMIN, ScopeKind.COUNTY, county.id, actor_name(staff_no + 2)
    )
    _group_chats_and_notices(estates, county)
    demo_ledger.seed(estates)
    demo_tickets.seed(estates)
    demo_votes.seed(estates)
    demo_governance.seed(estates)
    demo_register.seed(estates)
    demo_meetings.seed(estates)
    demo_ratings.seed(estates)
    demo_public_record.seed(estates)
    demo_funds.seed(estates)
    return {"loaded": True, **counts}


# The first estate's group is a WeCom app chat, the others have group robots: both channels
# show on the fake server's page. Addresses are made up; real ones come from WeCom.
DEMO_APPCHAT = "linlidemo1"


@unit_of_work
def _group_chats_and_notices(estates: list[Estate], county: County) -> None:
    for n, estate in enumerate(estates, start=1):
        channel, address = (
            (ChannelKind.WECOM_APPCHAT, DEMO_APPCHAT)
            if n == 1
            else (ChannelKind.WECOM_ROBOT, f"demo-robot-{n:02d}-5f2c9a7e")
        )
        db.session.add(
            GroupChat(
                estate_id=estate.id, name=f"{estate.name}监督群", channel=channel, address=address
            )
        )
    # The second estate's owners also have an external group (客户群) they joined from
    # personal WeChat: the fake server's page shows it as they see it.
    db.session.add(
        GroupChat(
            estate_id=estates[1].id,
            name=f"{estates[1].name}业主群（外部群）",
            channel=ChannelKind.WECOM_ROBOT,
            address="demo-robot-02-owners-7d41",
            profile=GroupProfile.EXTERNAL,
        )
    )
    chair = _user("demo-chair-1")
    notices.publish(
        chair,
        ScopeKind.ESTATE,
        estates[0].id,
        "关于二次供水水箱清洗的通知",
        "各位业主：\n　　本周六上午 8:00—12:00 清洗二次供水水箱，期间 1—6 栋停水，"
        "请提前储水。清洗费用从公共收益列支，明细将在下期账目中公示。\n小区业委会",
    )
    officer = db.session.scalar(select(User).where(User.username == "county"))
    notices.publish(
        officer,
        ScopeKind.COUNTY,
        county.id,
        "关于开展物业管理小微权力监督的通知",
        "各小区：\n　　即日起，各小区账目按月提交社区审核后公示，"
        "业主可在「邻里」小程序查看并提出质询；发现问题可通过「随手拍」反映。\n县住建局",
        pinned=True,
    )


def group_chats_for_fake_wechat() -> list[GroupChat]:
    """Every active group chat, so the dev server can name them on the fake WeChat page."""
    return list(db.session.scalars(select(GroupChat).where(GroupChat.active.is_(True))))


@unit_of_work
def _estate_people(n: int, estate: Estate) -> None:
    """Committee, manager, ten verified owners (one with two units) and two pending claims."""
    first = 5 * (n - 1)
    accounts.grant(
        f"demo-chair-{n}", Role.COMMITTEE_CHAIR, ScopeKind.ESTATE, estate.id, actor_name(first)
    )
    for k in (1, 2):
        accounts.grant(
            f"demo-committee-{n}-{k}",
            Role.COMMITTEE_MEMBER,
            ScopeKind.ESTATE,
            estate.id,
            actor_name(first + k),
        )
    accounts.grant(
        f"demo-manager-{n}",
        Role.PROPERTY_MANAGER,
        ScopeKind.ESTATE,
        estate.id,
        actor_name(first + 3),
    )
    units = db.session.scalars(
        select(Unit)
        .where(Unit.estate_id == estate.id, Unit.is_developer_unsold.is_(False))
        .order_by(Unit.id)
        .limit(13)
    ).all()
    for k, unit in enumerate(units[:10], start=1):
        accounts.grant(f"demo-owner-{n}-{k}", Role.OWNER, ScopeKind.UNIT, unit.id)
        _name(f"demo-owner-{n}-{k}", OWNER_NAMES[k % len(OWNER_NAMES)], f"1385{n:03d}{k:04d}")
    accounts.grant(f"demo-owner-{n}-1", Role.OWNER, ScopeKind.UNIT, units[10].id)
    # The housing authority's owners of record: the verified owners', and for the two waiting
    # claims one that matches the claimant's name (-11) and one that does not (-12).
    for k, unit in enumerate(units[:10], start=1):
        unit.owner_of_record_name = OWNER_NAMES[k % len(OWNER_NAMES)]
    units[10].owner_of_record_name = OWNER_NAMES[1]  # demo-owner-N-1's second unit
    units[11].owner_of_record_name = OWNER_NAMES[11 % len(OWNER_NAMES)]
    units[12].owner_of_record_name = "洪金山"
    for k, unit in enumerate(units[11:13], start=11):
        openid = f"demo-claimant-{n}-{k}"
        user = _user(openid)
        db.session.add(
            Claim(
                estate_id=estate.id,
                unit_id=unit.id,
                user_id=user.id,
                real_name=OWNER_NAMES[k % len(OWNER_NAMES)],
                phone=f"1396{n:03d}{k:04d}",
            )
        )


def _user(openid: str) -> User:
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid, display_name="微信用户")
        db.session.add(user)
        db.session.flush()
    return user


def _name(openid: str, real_name: str, phone: str) -> None:
    user = _user(openid)
    user.real_name, user.phone, user.display_name = real_name, phone, real_name
