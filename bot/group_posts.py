"""What the group hears besides notices, publications and votes (Chinese): questions on the
accounts answered or left waiting, accounts late, problems closed out with their photo,
joint-meeting decisions, star ratings, penalties against the estate's company, and (in the
committee's internal group) claims waiting for a decision.

Each renderer reads its subject as it is when the row is sent and answers [] when the post
no longer holds (answered meanwhile, published meanwhile, revoked, decided), which cancels
the row rather than telling the group something untrue.
"""

from datetime import timedelta

from flask import current_app

from backend.claims.models import Claim
from backend.common.clock import SHANGHAI, local_text, utcnow
from backend.common.masking import mask_name
from backend.common.text import excerpt
from backend.extensions import db
from backend.governance.credit.models import CreditPenalty, PenaltyKind
from backend.governance.meetings.models import AgendaItem, JointMeeting
from backend.governance.problems.models import ProblemItem, ProblemStatus
from backend.governance.ratings.models import EstateRating, FiveStarReview, RatingStatus
from backend.ledger import posts as ledger_posts
from backend.ledger.models import LedgerPeriod, LedgerQuestion, PeriodStatus
from backend.places.models import Estate, PropertyCompany
from backend.tickets.models import CATEGORIES

QUOTE_CHARS = 60


def _period_page(period: LedgerPeriod) -> str:
    return f"pages/ledger-period/index?estate_id={period.estate_id}&id={period.id}"


def _estate_page(page: str, estate_id: int) -> str:
    return f"pages/{page}/index?estate_id={estate_id}"


def _today():
    return utcnow().astimezone(SHANGHAI).date()


def question_answered(question: LedgerQuestion) -> list[dict]:
    period = db.session.get(LedgerPeriod, question.period_id)
    estate = db.session.get(Estate, question.estate_id)
    asked = excerpt(question.body, QUOTE_CHARS)
    answer = question.answer or ""
    return [
        {
            "type": "card",
            "title": f"【质询已答复】{period.label}账目",
            "subtitle": estate.name,
            "description": f"问：{asked}",
            "body": f"【质询已答复】{estate.name} {period.label}账目\n问：{asked}\n"
            f"答（{question.answered_by_label}）：{answer}\n"
            "全部质询和答复可在小程序“账目公示”中查看。",
            "fields": [
                ["账期", period.label],
                ["答复", question.answered_by_label or ""],
                ["时间", local_text(question.answered_at)],
            ],
            "page": _period_page(period),
        }
    ]


def question_overdue(question: LedgerQuestion) -> list[dict]:
    if question.answered_at is not None:
        return []  # answered before the reminder went out
    period = db.session.get(LedgerPeriod, question.period_id)
    estate = db.session.get(Estate, question.estate_id)
    days = current_app.config["LEDGER_QUESTION_DAYS"]
    return [
        {
            "type": "text",
            "content": f"【质询待答复】{estate.name}业主于{local_text(question.asked_at)}对"
            f"{period.label}账目提出的质询已超过 {days} 天未答复：“"
            f"{excerpt(question.body, QUOTE_CHARS)}”\n请业委会或物业尽快在小程序"
            "“账目公示”中答复，社区已同步督办。",
            "page": _period_page(period),
        }
    ]


def period_late(period: LedgerPeriod) -> list[dict]:
    if period.status == PeriodStatus.PUBLISHED:
        return []
    estate = db.session.get(Estate, period.estate_id)
    days = ledger_posts.publish_days(estate.county_id)
    last_day = period.end_date - timedelta(days=1)
    return [
        {
            "type": "text",
            "content": f"【账目逾期未公示】{estate.name}{period.label}账目已于"
            f"{last_day.isoformat()}结束，按规定应在结束后 {days} 天内公示，目前仍为"
            f"“{period.status_label}”。请业委会抓紧办理，社区将跟进督促。",
            "page": _estate_page("ledger", period.estate_id),
        }
    ]


def problem_closed_out(problem: ProblemItem) -> list[dict]:
    if problem.status != ProblemStatus.CLOSED_OUT:
        return []
    estate = db.session.get(Estate, problem.estate_id)
    category = CATEGORIES.get(problem.category, problem.category)
    on_time = "按期" if problem.closed_on <= problem.deadline else "逾期"
    text = {
        "type": "text",
        "content": f"【问题销号】{estate.name}“{problem.title}”（{category}）已整改完毕，"
        f"于{local_text(problem.closed_at)}销号（{on_time}，整改期限"
        f"{problem.deadline.isoformat()}）。\n销号说明：{problem.close_note}",
        "page": _estate_page("estate-problems", problem.estate_id),
    }
    photos = problem.evidence[:1]
    return [text, *({"type": "image", "storage_key": p.storage_key} for p in photos)]


def meeting_decisions(first: AgendaItem) -> list[dict]:
    """Every decision of the meeting naming the estate of ``first`` (the post's subject)."""
    meeting = db.session.get(JointMeeting, first.meeting_id)
    estate = db.session.get(Estate, first.estate_id)
    items = [item for item in meeting.items if item.estate_id == first.estate_id and item.decision]
    lines = [
        f"{n}. {item.title}：{item.decision}（责任方：{item.owner}，"
        f"期限 {item.deadline.isoformat()}）"
        for n, item in enumerate(items, 1)
    ]
    return [
        {
            "type": "text",
            "content": f"【联席会议决定】{meeting.held_on.isoformat()}四方联席会议"
            f"（{meeting.topic}）涉及{estate.name}的决定：\n"
            + "\n".join(lines)
            + "\n落实情况将由社区跟进。",
            "page": _estate_page("estate-decisions", first.estate_id),
        }
    ]


def rating_confirmed(rating: EstateRating) -> list[dict]:
    if rating.status != RatingStatus.CONFIRMED:
        return []
    estate = db.session.get(Estate, rating.estate_id)
    pending = (
        "，总分达到五星标准，五星待县住建局复核"
        if rating.five_star_review == FiveStarReview.PENDING
        else ""
    )
    return [
        {
            "type": "text",
            "content": f"【星级评定】{estate.name}{rating.year}年度物业服务星级评定结果："
            f"{rating.stars} 星（总分 {rating.total}）{pending}。"
            f"如有异议，业委会可在 {current_app.config['RATING_APPEAL_DAYS']} 日内申诉。",
            "page": _estate_page("estate-rating", rating.estate_id),
        }
    ]


def penalty_recorded(penalty: CreditPenalty) -> list[dict]:
    if penalty.revoked_at is not None:
        return []
    company = db.session.get(PropertyCompany, penalty.property_company_id)
    points = f"，扣 {penalty.points} 分" if penalty.kind == PenaltyKind.DEDUCTION else ""
    return [
        {
            "type": "text",
            "content": f"【信用惩戒】为本小区提供服务的{company.name}于"
            f"{penalty.decided_on.isoformat()}受到{penalty.kind_label}{points}。\n"
            f"事由：{penalty.reason}\n企业信用记录可在小程序中查看。",
            "page": f"pages/company-credit/index?id={company.id}",
        }
    ]


def claim_waiting(claim: Claim) -> list[dict]:
    if claim.status != "pending":
        return []
    days = (_today() - claim.created_at.astimezone(SHANGHAI).date()).days
    return [
        {
            "type": "text",
            "content": f"【认证待审核】{claim.estate.name}{claim.unit.label}的业主认证申请"
            f"（{mask_name(claim.real_name)}，{local_text(claim.created_at)}提交）已等待 "
            f"{days} 天。请业委会或物业在小程序中核对房屋清册后通过或驳回。",
        }
    ]


def _messages(model, render):
    def for_subject(subject_id: int) -> list[dict]:
        subject = db.session.get(model, subject_id, populate_existing=True)
        return render(subject) if subject else []

    return for_subject


# Outbox topic -> messages for its subject id (bot.messages.TOPICS takes them all).
TOPICS = {
    ledger_posts.QUESTION_ANSWERED: _messages(LedgerQuestion, question_answered),
    ledger_posts.QUESTION_OVERDUE: _messages(LedgerQuestion, question_overdue),
    ledger_posts.LATE: _messages(LedgerPeriod, period_late),
    "problem.closed_out": _messages(ProblemItem, problem_closed_out),
    "meeting.decisions": _messages(AgendaItem, meeting_decisions),
    "rating.confirmed": _messages(EstateRating, rating_confirmed),
    "credit.penalty": _messages(CreditPenalty, penalty_recorded),
    "claim.waiting": _messages(Claim, claim_waiting),
}
