"""Demo votes (业主共同决定) in the first estate, made through the votes' own services so the
snapshot, ballots, tally and group-chat posts are real: a motion already decided (owners in the
app and paper ballots collected door to door), one open with some ballots cast, and one just
announced for a maintenance-fund raise."""

from datetime import timedelta

from sqlalchemy import select

from backend.accounts.models import User
from backend.common.clock import as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.places.models import Estate
from backend.votes import lifecycle, services
from backend.votes.models import Elector, ElectorKind, Motion

CHOICES = ("yes", "yes", "yes", "no", "yes", "abstain", "yes", "yes", "no", "yes")


def _user(openid: str) -> User:
    return db.session.scalar(select(User).where(User.openid == openid))


def _announce(chair: User, estate: Estate, matter: str, title: str, body: str) -> Motion:
    opens = utcnow() + timedelta(days=16)
    return services.create_motion(
        chair,
        estate.id,
        {
            "matter": matter,
            "title": title,
            "body": body,
            "opens_at": opens,
            "closes_at": opens + timedelta(days=7),
        },
    )


def _move(motion: Motion, days: float) -> None:
    """Move the motion's timeline back ``days`` (in Python: SQLite has no interval arithmetic)."""
    shift = timedelta(days=days)
    for name in ("announced_at", "opens_at", "closes_at", "created_at"):
        setattr(motion, name, as_utc(getattr(motion, name)) - shift)


def _open(motion: Motion, opened_days_ago: float) -> None:
    _move(motion, (as_utc(motion.opens_at) - utcnow()).total_seconds() / 86400 + opened_days_ago)
    lifecycle.advance(motion.id)


@unit_of_work
def seed(estates: list[Estate]) -> None:
    estate = estates[0]
    chair = _user("demo-chair-1")
    owners = [_user(f"demo-owner-1-{k}") for k in range(1, 11)]

    decided = _announce(
        chair,
        estate,
        "hire_property_company",
        "续聘安溪城厢物业服务有限公司",
        "现物业服务合同将于明年 1 月到期。业委会经征求意见，提议续聘安溪城厢物业服务有限公司，"
        "服务期三年，物业费标准不变（住宅 1.2 元/㎡·月），并在合同中增加公共收益按月公示条款。",
    )
    _open(decided, opened_days_ago=2)
    for owner, choice in zip(owners, CHOICES, strict=True):
        services.cast_ballot(owner, decided.id, choice)
    # Owners without the app voted on paper, collected door to door and recorded by the chair.
    paper = db.session.scalars(
        select(Elector.id)
        .where(Elector.motion_id == decided.id, Elector.kind == ElectorKind.UNVERIFIED)
        .order_by(Elector.id)
    ).all()
    for n, elector_id in enumerate(paper[: len(paper) * 3 // 4]):
        choice = "no" if n % 5 == 0 else ("abstain" if n % 11 == 0 else "yes")
        services.record_paper_ballot(chair, decided.id, elector_id, choice, "入户收集书面表决票")
    _move(decided, 6)
    lifecycle.advance(decided.id)

    elevator = _announce(
        chair,
        estate,
        "use_maintenance_fund",
        "使用专项维修资金更换 3 号楼电梯",
        "3 号楼电梯已使用 18 年，今年故障停运 11 次，经特种设备检验机构评估建议更换。"
        "拟使用 3 号楼分摊的专项维修资金约 42 万元，施工单位通过公开比选确定，"
        "比选结果和合同将另行公示。",
    )
    _open(elevator, opened_days_ago=1)
    for owner, choice in zip(owners[1:7], CHOICES, strict=False):
        services.cast_ballot(owner, elevator.id, choice)

    _announce(
        chair,
        estate,
        "raise_maintenance_fund",
        "续筹专项维修资金用于外墙修缮",
        "小区专项维修资金余额已不足首期归集额的 30%。拟按每平方米 20 元续筹，"
        "用于 1—4 号楼外墙脱落修缮，续筹方案和测算表见附件说明，欢迎业主在公示期内提出意见。",
    )
