"""Demo joint meetings (四方联席会议) in the demo county, recorded through the meeting
services by each community's auditor: one a month this year up to the last completed month,
with decided items (most carried out), disputes (most resolved), one item linking a demo
ticket and one a demo problem, minutes as a PDF; 砖文社区 stopped meeting, so it is overdue."""

from datetime import date, timedelta

from fpdf import FPDF
from sqlalchemy import select

from backend.access.models import Membership
from backend.access.roles import Role, ScopeKind
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.governance.meetings import services
from backend.governance.meetings.schedule import last_completed
from backend.governance.problems.models import ProblemItem
from backend.places.models import Community, Estate
from backend.tickets.models import Ticket

OVERDUE_COMMUNITY = "砖文社区"
PEOPLE = (
    ("community_party", "陈志明", "社区党委书记"),
    ("party_branch", "林秀兰", "小区党支部书记"),
    ("property_company", "王建国", "物业项目经理"),
    ("committee", "黄文华", "业委会主任"),
)
# (title, decision, owner, dispute?, resolved?)
ITEMS = (
    (
        "电动车充电桩加装",
        "物业申报加装 20 个充电桩，业委会征求业主意见",
        "物业服务企业",
        False,
        False,
    ),
    (
        "楼道堆放杂物清理",
        "物业牵头每周巡查，党支部组织党员志愿者劝导",
        "物业服务企业",
        False,
        False,
    ),
    ("楼上漏水引发邻里纠纷", "社区调解，物业出具检测报告，业主协商维修", "社区党组织", True, True),
    ("车位租金调整争议", "", "", True, False),
    ("公共收益使用计划", "业委会拟定计划提交业主大会表决", "业主委员会", False, False),
)


def _minutes(day: date) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, "Joint meeting minutes (demo)")
    pdf.ln()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, f"Held on {day.isoformat()}; signed by the four parties.")
    return bytes(pdf.output())


def _auditor(community: Community) -> User:
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.role == Role.AUDITOR,
            Membership.scope_kind == ScopeKind.COMMUNITY,
            Membership.scope_id == community.id,
        )
    )


def _months(end: date) -> list[date]:
    """The first day of each month from January of ``end``'s year up to ``end``'s month."""
    return [date(end.year, m, 1) for m in range(1, end.month + 1)]


def _items(n: int, held_on: date, community: Community, estates: list[Estate]) -> list[dict]:
    picked = [ITEMS[(n + k) % len(ITEMS)] for k in range(3)]
    rows = []
    for k, (title, decision, owner, dispute, resolved) in enumerate(picked):
        rows.append(
            {
                "title": title,
                "estate_id": estates[(n + k) % len(estates)].id,
                "ticket_id": None,
                "problem_item_id": None,
                "is_dispute": dispute,
                "dispute_resolved": resolved,
                "decision": decision,
                "owner": owner,
                "deadline": held_on + timedelta(days=15) if decision else None,
            }
        )
    return rows


def _link_demo_records(rows: list[dict], estate: Estate) -> None:
    """The last meeting of the first community takes up a demo ticket and a demo problem."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.estate_id == estate.id).limit(1))
    found = db.session.scalar(
        select(ProblemItem).where(ProblemItem.estate_id == estate.id).limit(1)
    )
    if ticket:
        rows[0].update(title="随手拍：" + ticket.description[:40], estate_id=estate.id)
        rows[0]["ticket_id"] = ticket.id
    if found:
        rows[1].update(title="问题清单：" + found.title, estate_id=estate.id)
        rows[1]["problem_item_id"] = found.id


@unit_of_work
def seed(estates: list[Estate]) -> None:
    last_month = last_completed()[0]
    communities = db.session.scalars(select(Community).order_by(Community.id)).all()
    for c_index, community in enumerate(communities):
        auditor = _auditor(community)
        own = [e for e in estates if e.community_id == community.id]
        months = _months(last_month)
        if community.name == OVERDUE_COMMUNITY:
            months = months[:-2]  # stopped two months ago
        for n, month in enumerate(months):
            held_on = month + timedelta(days=9 + c_index)
            items = _items(n, held_on, community, own)
            last = n == len(months) - 1
            if last and c_index == 0:
                _link_demo_records(items, own[0])
            people = [
                {"party": party, "name": name, "post": post, "estate_id": None}
                for party, name, post in PEOPLE
            ]
            people[1]["estate_id"] = own[n % len(own)].id
            meeting = services.record_meeting(
                auditor,
                {
                    "community_id": community.id,
                    "held_on": held_on,
                    "location": f"{community.name}党群服务中心",
                    "topic": f"{held_on.month} 月四方联席会议",
                    "attendees": people,
                    "items": items,
                },
                (f"{held_on.month}月联席会议纪要.pdf", _minutes(held_on)) if last else None,
            )
            if not last:  # earlier decisions carried out; the latest ones still open
                for item in meeting.items:
                    if item.decision:
                        services.mark_done(auditor, item.id)
