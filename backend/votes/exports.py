"""A motion's result, per-unit ballots and eligibility snapshot as .xlsx workbooks (for the
committee, the community's auditors and officers). Areas are written in m² as exact decimals."""

from decimal import Decimal

from openpyxl.styles import Font
from sqlalchemy import select

from backend.accounts.models import User
from backend.common import xlsx
from backend.common.clock import local_text
from backend.errors import Conflict, Forbidden
from backend.extensions import db
from backend.votes import queries, rules, services
from backend.votes.models import (
    CHOICE_LABELS,
    Ballot,
    Elector,
    ElectorUnit,
    ElectorUser,
    Motion,
    MotionStatus,
)

XLSX_TYPE = xlsx.XLSX_TYPE
KIND_LABELS = {"owner": "认证业主", "developer": "开发建设单位", "unverified": "未认证房屋"}
TITLES = {"results": "表决结果", "ballots": "分户表决票", "electors": "表决名册"}


def m2(area_dm2: int) -> Decimal:
    return Decimal(area_dm2) / 100


def _book(motion: Motion, title: str):
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([f"{motion.estate.name} 《{motion.title}》{title}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["事项", rules.MATTERS[motion.matter]])
    sheet.append(["通过标准", rules.THRESHOLD_LABELS[rules.threshold(motion.matter)]])
    sheet.append(["投票时间", f"{local_text(motion.opens_at)} 至 {local_text(motion.closes_at)}"])
    sheet.append([])
    return book, sheet


def export(user: User, motion_id: int, kind: str) -> tuple[bytes, str]:
    """(workbook bytes, file name) of ``kind``: results, ballots or electors.

    :raises NotFound: unknown motion, or outside the user's scope.
    :raises Forbidden: the user neither organises nor supervises votes on the estate.
    :raises Conflict: results or ballots asked for before the motion has closed (while voting
        is open only turnout is public, and per-unit ballots would reveal the count).
    """
    motion = services.visible_motion(user, motion_id)
    if not (services.supervises(user, motion.estate) or services.organiser_of(user, motion.estate)):
        raise Forbidden("只有业主委员会、社区和主管部门可以导出表决资料")
    if motion.status in (MotionStatus.ANNOUNCED, MotionStatus.CANCELLED):
        raise Conflict("投票开始后才有表决名册", code="motion_not_opened")
    if kind != "electors" and motion.status != MotionStatus.CLOSED:
        raise Conflict("投票结束后才能导出结果和表决票", code="motion_not_ended")
    data = {"results": _results, "ballots": _ballots, "electors": _electors}[kind](motion)
    return data, f"{motion.estate.name}-表决{motion.id}-{TITLES[kind]}.xlsx"


def _results(motion: Motion) -> bytes:
    result = queries.result_of(motion)
    book, sheet = _book(motion, TITLES["results"])
    sheet.append(["结果", result["outcome_label"]])
    sheet.append(["参与表决是否达到法定比例", "是" if result["quorum_met"] else "否"])
    sheet.append([])
    sheet.append(["", "人数", "占总人数", "专有部分面积（㎡）", "占总面积"])
    total = result["total"]
    for label, key in (
        ("全体业主", "total"),
        ("参与表决", "participating"),
        ("赞成", "yes"),
        ("反对", "no"),
        ("弃权", "abstain"),
    ):
        count = result[key]
        sheet.append(
            [
                label,
                count["owners"],
                rules.share_text(count["owners"], total["owners"]),
                m2(count["area_dm2"]),
                rules.share_text(count["area_dm2"], total["area_dm2"]),
            ]
        )
    return xlsx.to_bytes(book)


def _ballots(motion: Motion) -> bytes:
    book, sheet = _book(motion, TITLES["ballots"])
    sheet.append(["房屋", "面积（㎡）", "业主", "表决意见", "投票方式", "投票时间"])
    rows = db.session.execute(
        select(ElectorUnit.unit_label, ElectorUnit.area_dm2, Elector.label, Ballot)
        .join(Elector, Elector.id == ElectorUnit.elector_id)
        .outerjoin(Ballot, Ballot.elector_id == Elector.id)
        .where(ElectorUnit.motion_id == motion.id)
        .order_by(ElectorUnit.id)
    ).all()
    for unit_label, area, owner, ballot in rows:
        sheet.append(
            [
                unit_label,
                m2(area),
                owner,
                CHOICE_LABELS[ballot.choice] if ballot else "未投票",
                services.CHANNELS[ballot.channel] if ballot else "",
                local_text(ballot.cast_at) if ballot else "",
            ]
        )
    return xlsx.to_bytes(book)


def _electors(motion: Motion) -> bytes:
    book, sheet = _book(motion, TITLES["electors"])
    sheet.append(
        ["全体业主人数", motion.owners_total, "总面积（㎡）", m2(motion.area_total_dm2 or 0)]
    )
    sheet.append([])
    sheet.append(["序号", "业主", "类别", "房屋", "房屋数", "面积（㎡）", "可投票的认证用户"])
    units: dict[int, list[str]] = {}
    for elector_id, label in db.session.execute(
        select(ElectorUnit.elector_id, ElectorUnit.unit_label)
        .where(ElectorUnit.motion_id == motion.id)
        .order_by(ElectorUnit.id)
    ):
        units.setdefault(elector_id, []).append(label)
    users: dict[int, list[str]] = {}
    for elector_id, name in db.session.execute(
        select(ElectorUser.elector_id, ElectorUser.display_name).where(
            ElectorUser.motion_id == motion.id
        )
    ):
        users.setdefault(elector_id, []).append(name)
    electors = db.session.scalars(
        select(Elector).where(Elector.motion_id == motion.id).order_by(Elector.id)
    )
    for number, elector in enumerate(electors, start=1):
        sheet.append(
            [
                number,
                elector.label,
                KIND_LABELS[elector.kind],
                "、".join(units.get(elector.id, [])),
                elector.unit_count,
                m2(elector.area_dm2),
                "、".join(users.get(elector.id, [])),
            ]
        )
    return xlsx.to_bytes(book)
