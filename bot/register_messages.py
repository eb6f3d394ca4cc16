"""The estate register's group-chat texts: the re-election reminder."""

from flask import current_app

from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register.models import Committee


def reelection(subject_id: int) -> list[dict]:
    committee = db.session.get(Committee, subject_id, populate_existing=True)
    if committee is None or committee.ended_on is not None:
        return []  # a new term was recorded before the reminder went out
    days = (committee.term_ends_on - today()).days
    when = f"还有 {days} 天届满" if days >= 0 else f"已届满 {-days} 天"
    notice = current_app.config["REELECTION_NOTICE_DAYS"]
    return [
        {
            "type": "text",
            "content": f"【换届提醒】{committee.estate.name}业主委员会本届任期至"
            f"{committee.term_ends_on.isoformat()}，{when}。请在任期届满前 {notice} 日内"
            "启动换届选举筹备工作，具体安排请联系社区居委会。",
        }
    ]
