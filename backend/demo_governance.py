"""Demo credit penalties (失信惩戒) in the demo county, made through the governance services
as the county officer: a few of each kind against the estates' property companies, one of
them revoked as a mistaken entry."""

from datetime import timedelta

from sqlalchemy import select

from backend.accounts.models import User
from backend.extensions import db
from backend.governance import credit, services
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
