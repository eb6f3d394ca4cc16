"""Demo estate register (小区档案) in the demo county, written through the register's services
as the county officer: committees in seven of the eight estates (two formed this year, one with
an earlier term, one due for re-election), a mix of party-led and not, party branches including
a joint branch and a dissolved one, volunteer teams, and a candidate pool with one elected."""

from datetime import date, timedelta

from sqlalchemy import select

from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register import places, services
from backend.places.models import Estate

# estate -> (days ago filed, term ends in days or None, chair (name, party, secretary),
#            members [(name, role, party)])
COMMITTEES = {
    "凤城花园": (
        1358,
        None,
        ("林国栋", True, True),
        [("陈美玲", "vice_chair", True), ("王志强", "member", False), ("黄丽娟", "member", False)],
    ),
    "茶都新苑": (
        1765,
        60,
        ("苏文斌", False, False),
        [("吴春燕", "vice_chair", False), ("郑国平", "member", False)],
    ),
    "东岳雅居": (
        40,
        None,
        ("李明辉", True, False),
        [("张秀英", "member", True), ("刘德福", "member", False)],
    ),
    "蓝溪湾": (
        1645,
        None,
        ("谢雅琴", True, True),
        [("蔡淑芬", "member", False), ("许志明", "member", True)],
    ),
    "城厢名都": (
        20,
        None,
        ("洪建华", False, False),
        [("庄丽娜", "member", False), ("傅晓东", "member", False)],
    ),
    "龙湖湾": (
        200,
        None,
        ("詹永福", True, True),
        [("卢桂兰", "vice_chair", True), ("彭海涛", "member", False)],
    ),
    "砖文小区": (
        850,
        None,
        ("魏国庆", False, False),
        [("邱美凤", "member", True), ("叶金水", "member", False), ("潘丽华", "member", False)],
    ),
}
EARLIER_TERM = ("龙湖湾", 2020, ("詹永福", True, False))  # its term before the current one
# (community's estates covered, name, secretary, days ago established, days ago dissolved)
BRANCHES = (
    (("凤城花园", "茶都新苑"), "中山社区凤城花园茶都新苑联合党支部", "林国栋", 1500, None),
    (("东岳雅居",), "东岳雅居小区党支部", "王秋菊", 900, None),
    (("蓝溪湾",), "蓝溪湾小区党支部", "谢雅琴", 1700, None),
    (("龙湖湾",), "龙湖湾小区党支部", "詹永福", 600, None),
    (("砖文小区",), "砖文小区党支部", "陈秀云", 2000, 400),
)
TEAMS = (
    ("凤城花园", "凤城花园红马甲志愿服务队", "陈美玲", "13905951001", 36, 900),
    ("茶都新苑", "茶都新苑平安巡逻队", "吴春燕", "13905951002", 18, 500),
    ("东岳雅居", "东岳雅居邻里互助队", "张秀英", "13905951003", 24, 30),
    ("龙湖湾", "龙湖湾银发志愿者服务队", "卢桂兰", "13905951004", 15, 300),
    ("城厢名都", "城厢名都环境卫生志愿队", "庄丽娜", "", 12, 10),
)
# (estate, name, phone, party, note)
CANDIDATES = (
    ("凤城花园", "黄志坚", "13805952001", True, "退休教师，热心小区事务"),
    ("茶都新苑", "周雪梅", "13805952002", False, "会计，可协助业账监督"),
    ("茶都新苑", "杨建业", "13805952003", True, "退役军人"),
    ("城厢名都", "傅晓东", "13805952004", False, "律师"),
    ("龙湖湾", "方丽君", "", True, ""),
)
ELECTED = ("城厢名都", "傅晓东")  # added to that committee from the pool


def _ago(days: int) -> date:
    return today() - timedelta(days=days)


@unit_of_work
def seed(estates: list[Estate]) -> None:
    officer = db.session.scalar(select(User).where(User.username == "county"))
    by_name = {e.name: e for e in estates}
    pool = {}
    for estate_name, name, phone, party, note in CANDIDATES:
        estate = by_name[estate_name]
        args = {
            "name": name,
            "phone": phone,
            "estate_id": estate.id,
            "is_party_member": party,
            "note": note,
        }
        pool[(estate_name, name)] = places.add_candidate(officer, estate.community_id, args)
    _earlier_term(officer, by_name)
    for estate_name, (days, ends_in, chair, members) in COMMITTEES.items():
        estate = by_name[estate_name]
        live = services.live_committee(estate.id)
        committee = services.record_committee(
            officer,
            estate.id,
            {
                "formed_on": _ago(days),
                "term_ends_on": today() + timedelta(days=ends_in) if ends_in else None,
                "chair_name": chair[0],
                "chair_phone": "",
                "chair_is_party_member": chair[1],
                "chair_is_branch_secretary": chair[2],
                "replaces_id": live.id if live else None,
                "reason": "换届选举",
            },
        )
        for name, role, party in members:
            candidate = pool.get((estate_name, name)) if (estate_name, name) == ELECTED else None
            services.add_member(
                officer,
                estate.id,
                committee.id,
                {
                    "name": name,
                    "phone": "",
                    "role": role,
                    "is_party_member": party,
                    "is_branch_secretary": False,
                    "joined_on": _ago(days),
                    "candidate_id": candidate.id if candidate else None,
                },
            )
    for covered, name, secretary, days, dissolved in BRANCHES:
        first = by_name[covered[0]]
        branch = places.add_branch(
            officer,
            first.id,
            {
                "name": name,
                "secretary_name": secretary,
                "established_on": _ago(days),
                "estate_ids": [by_name[n].id for n in covered[1:]],
            },
        )
        if dissolved:
            places.dissolve_branch(officer, first.id, branch.id, {"dissolved_on": _ago(dissolved)})
    for estate_name, name, leader, phone, count, days in TEAMS:
        places.add_team(
            officer,
            by_name[estate_name].id,
            {
                "name": name,
                "leader_name": leader,
                "leader_phone": phone,
                "member_count": count,
                "founded_on": _ago(days),
            },
        )


def _earlier_term(officer: User, by_name: dict) -> None:
    estate_name, days, chair = EARLIER_TERM
    services.record_committee(
        officer,
        by_name[estate_name].id,
        {
            "formed_on": _ago(days),
            "chair_name": chair[0],
            "chair_phone": "",
            "chair_is_party_member": chair[1],
            "chair_is_branch_secretary": chair[2],
        },
    )
