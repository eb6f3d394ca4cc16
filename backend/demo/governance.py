"""Demo credit penalties (失信惩戒) in the demo county, made through the governance services
as the county officer: a few of each kind against the estates' property companies, one of
them revoked as a mistaken entry. Then the problem list (十件实事): an inspection with two
problems, a problem now overdue, and one closed out on a generated photo."""

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.governance.credit import figures as credit
from backend.governance.credit import services
from backend.governance.problems import services as problem_services
from backend.governance.problems.models import ProblemItem
from backend.places.models import Estate, PropertyCompany

# (kind, days ago, points, reason, names the estate's manager)
PENALTIES = (
    ("interview", 300, None, "小区电梯多次困人，约谈企业负责人，限期整改", False),
    ("criticism", 240, None, "未按规定公示公共收益收支情况，予以通报批评", False),
    ("deduction", 200, 5, "消防通道长期被占用，经督查未整改，扣 5 分", False),
    ("interview", 150, None, "业主投诉保洁服务不到位，约谈企业负责人", False),
    ("deduction", 90, 10, "擅自提高停车服务费，扣 10 分", False),
    ("manager_dismissal", 60, None, "项目经理多次拒不配合社区督查，予以清退", True),
    ("criticism", 30, None, "随手拍工单超时未办结比例过高，予以通报批评", False),
    ("project_removal", 20, None, "服务质量长期不达标，经业主共同决定清出项目", False),
)
REVOKED = (4, "录入错误：扣分对象应为其他企业")  # the second deduction, entered by mistake


@unit_of_work
def seed(estates: list[Estate]) -> None:
    officer = db.session.scalar(select(User).where(User.username == "county"))
    made = []
    for n, (kind, days, points, reason, names_manager) in enumerate(PENALTIES):
        estate = estates[n % len(estates)]
        company = db.session.get(PropertyCompany, estate.property_company_id)
        manager = (
            db.session.scalar(
                select(User).where(User.openid == f"demo-manager-{n % len(estates) + 1}")
            )
            if names_manager
            else None
        )
        args = {
            "kind": kind,
            "points": points,
            "reason": reason,
            "decided_on": credit.today() - timedelta(days=days),
            "estate_id": estate.id,
            "manager_user_id": manager.id if manager else None,
            "manager_name": "林志强" if manager else None,
        }
        made.append(services.record_penalty(officer, company.id, args))
    index, reason = REVOKED
    services.revoke_penalty(officer, made[index].id, reason)
    _problems(officer, estates)


def _photo() -> bytes:
    """A made-up after-the-fix picture: a clear grey passage between two walls."""
    image = Image.new("RGB", (640, 480), (170, 200, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 280, 640, 480), fill=(150, 150, 145))
    draw.rectangle((0, 100, 180, 400), fill=(210, 200, 180), outline=(90, 90, 90), width=4)
    draw.rectangle((460, 100, 640, 400), fill=(210, 200, 180), outline=(90, 90, 90), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _item(category, title, plan, days, **fields) -> dict:
    return {
        "category": category,
        "title": title,
        "description": fields.pop("description", ""),
        "plan": plan,
        "deadline": credit.today() + timedelta(days=days),
        **fields,
    }


def _problems(officer: User, estates: list[Estate]) -> None:
    today = credit.today()
    problem_services.create_inspection(
        officer,
        {
            "estate_id": estates[0].id,
            "inspected_on": today - timedelta(days=5),
            "notes": "本季度动态督查：消防、环境卫生两项不达标",
            "items": [
                _item("fire_safety", "3 号楼消防通道堆放杂物", "三日内清理并设置禁停标识", 3),
                _item("cleaning", "垃圾分类点满溢", "增加清运频次至每日两次", 10),
            ],
        },
    )
    late = problem_services.create_problem(
        officer,
        {"estate_id": estates[-1].id, **_item("lighting", "地下车库照明损坏", "更换灯具", 0)},
    )
    # Made overdue after the fact: the rules refuse a deadline already past.
    db.session.get(ProblemItem, late.id).deadline = today - timedelta(days=6)
    fixed = problem_services.create_problem(
        officer,
        {"estate_id": estates[-1].id, **_item("pavement", "小区主干道路面破损", "修补路面", 7)},
    )
    problem_services.close_out(
        officer, fixed.id, "路面已修补，现场复查合格", [("修补后.jpg", _photo())]
    )
