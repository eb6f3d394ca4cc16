"""The repair projects' figures for the dashboards and the yearly report, against a county
counted by hand: projects on both sides of each end of the year (in Shanghai time), both
approval paths, ratings given inside and outside it, another county's projects left out; the
same figures on SQLite; one query whatever the number of projects."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from backend.extensions import db
from backend.funds.models import RepairProject, RepairRating
from backend.governance.funds.figures import FundFigures, PathFigures, figures
from tests import factories
from tests.test_query_counts import count_queries

SHANGHAI = ZoneInfo("Asia/Shanghai")
SINCE, UNTIL = date(2025, 1, 1), date(2025, 12, 31)


def at(text: str) -> datetime:
    """A Shanghai wall-clock time ("2025-02-01 01:00") as the UTC instant stored."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(UTC)


class HandCounted:
    """t1 (c1: e1, e2) and t2 (c2: e3) in one county; a project of another county that falls
    wholly inside the year."""

    def __init__(self):
        self.county = factories.county()
        self.t1, self.t2 = factories.township(self.county), factories.township(self.county)
        self.c1, self.c2 = factories.community(self.t1), factories.community(self.t2)
        self.e1, self.e2 = factories.estate(self.c1), factories.estate(self.c1)
        self.e3 = factories.estate(self.c2)
        self.elsewhere = factories.estate()
        self.by = factories.user()
        self.raters = [factories.user() for _ in range(4)]
        # Submitted 01:00 on 1 Feb in Shanghai (31 Jan in UTC), paid 23:00 on 10 Apr (15:00
        # UTC): 68 Shanghai days, 69 UTC ones.
        p1 = self.project(
            self.e1,
            "vote",
            submitted="2025-02-01 01:00",
            authorised="2025-03-01 10:00",
            paid="2025-04-10 23:00",
            approved=30_000_000,
            paid_fen=29_000_000,
        )
        p2 = self.project(
            self.e1,
            "emergency",
            submitted="2025-05-01 09:00",
            authorised="2025-05-02 09:00",
            paid="2025-05-20 09:00",
            approved=5_000_000,
            paid_fen=4_800_000,
        )
        # Submitted in the year's last half hour (15:30 UTC): inside.
        self.project(self.e2, "vote", submitted="2025-12-31 23:30")
        # Authorised ten minutes into the year (still 2024 in UTC); paid after it ends.
        self.project(
            self.e3,
            "emergency",
            submitted="2024-12-20 09:00",
            authorised="2025-01-01 00:10",
            paid="2026-01-01 00:05",
            approved=1_000_000,
            paid_fen=1_000_000,
        )
        # Wholly in 2024 (paid a minute before the year), rated in 2025: only the rating counts.
        p5 = self.project(
            self.e3,
            "vote",
            submitted="2024-06-01 09:00",
            authorised="2024-07-01 09:00",
            paid="2024-12-31 23:59",
            approved=2_000_000,
            paid_fen=2_000_000,
        )
        far = self.project(
            self.elsewhere,
            "vote",
            submitted="2025-03-01 09:00",
            authorised="2025-04-01 09:00",
            paid="2025-05-01 09:00",
            approved=9_000_000,
            paid_fen=9_000_000,
        )
        self.rate(p1, 5, "2025-04-20 10:00")
        self.rate(p1, 4, "2025-04-21 10:00")
        self.rate(p2, 3, "2025-05-25 10:00")
        self.rate(p5, 2, "2025-01-05 10:00")
        self.rate(p2, 1, "2024-12-31 23:00", rater=1)  # before the year
        self.rate(far, 1, "2025-06-01 10:00")
        db.session.commit()

    def project(self, estate, path, submitted, authorised=None, paid=None, approved=None, **kw):
        row = RepairProject(
            estate_id=estate.id,
            title="维修",
            scope="范围",
            category="lift" if path == "emergency" else "other",
            path=path,
            status="paid" if paid else ("authorised" if authorised else "submitted"),
            budget_fen=approved or 1_000_000,
            approved_budget_fen=approved,
            paid_fen=kw.get("paid_fen", 0),
            created_by_id=self.by.id,
            created_at=at(submitted),
            submitted_at=at(submitted),
            authorised_at=at(authorised) if authorised else None,
            paid_at=at(paid) if paid else None,
        )
        db.session.add(row)
        db.session.flush()
        return row

    def rate(self, project, score, when, rater=0):
        used = {r.user_id for r in db.session.query(RepairRating).filter_by(project_id=project.id)}
        person = next(p for p in self.raters[rater:] if p.id not in used)
        db.session.add(
            RepairRating(project_id=project.id, user_id=person.id, score=score, created_at=at(when))
        )
        db.session.flush()


def check_by_hand(held: HandCounted) -> None:
    def fig(kind, place):
        return figures((kind, place.id), SINCE, UNTIL)

    county = fig("county", held.county)
    assert county == FundFigures(
        proposed=3,
        vote=PathFigures(authorised=1, authorised_fen=30_000_000, paid=1, paid_fen=29_000_000),
        emergency=PathFigures(authorised=2, authorised_fen=6_000_000, paid=1, paid_fen=4_800_000),
        days_total=68 + 19,
        rating_total=5 + 4 + 3 + 2,
        rated=4,
    )
    assert (county.authorised, county.paid, county.paid_fen) == (3, 2, 33_800_000)
    assert (county.vote_share, county.emergency_share) == ("33.33%", "66.67%")
    assert (county.average_days, county.average_rating) == ("43.50", "3.50")
    assert (county.authorised_money, county.paid_money) == ("¥360,000.00", "¥338,000.00")

    t1 = fig("township", held.t1)
    assert (t1.proposed, t1.vote.authorised, t1.emergency.authorised, t1.paid) == (3, 1, 1, 2)
    assert (t1.rating_total, t1.rated, t1.average_rating) == (12, 3, "4.00")
    t2 = fig("township", held.t2)
    assert t2 == FundFigures(
        proposed=0,
        emergency=PathFigures(authorised=1, authorised_fen=1_000_000),
        rating_total=2,
        rated=1,
    )
    assert t2.average_days is None and t2.vote_share == "0.00%"
    assert fig("community", held.c1) == t1
    assert fig("estate", held.e2) == FundFigures(proposed=1)
    assert fig("estate", held.e2).vote_share is None  # nothing authorised: 暂无数据


@pytest.fixture
def held(app):
    return HandCounted()


def test_figures_by_hand(held):
    check_by_hand(held)


def test_the_yearly_report_states_them(held):
    from backend.governance.targets.report import _fund_sentences

    assert _fund_sentences(figures(("county", held.county.id), SINCE, UNTIL)) == [
        "提交事前指导的维修项目 3 个；批准使用维修资金的项目 3 个，批准预算 ¥360,000.00，"
        "其中经业主表决 1 个（33.33%），应急维修 2 个（66.67%）。",
        "支付完毕的项目 2 个，支付维修资金 ¥338,000.00，从提交到支付平均 43.50 天；"
        "业主对维修质量的平均评分 3.50（4 人次评价）。",
    ]


def test_figures_by_hand_on_sqlite(sqlite_app):
    check_by_hand(HandCounted())


def test_figures_take_one_query_whatever_the_projects(app, held):
    county = ("county", held.county.id)
    with count_queries(app) as few:
        figures(county, SINCE, UNTIL)
    for _ in range(5):
        held.project(held.e2, "vote", "2025-03-01 09:00", "2025-04-01 09:00", "2025-05-01 09:00")
    db.session.commit()
    with count_queries(app) as many:
        assert figures(county, SINCE, UNTIL).vote.paid == 6
    assert len(few) == len(many) == 1


def test_unknown_scope_is_refused(app):
    with pytest.raises(ValueError):
        figures(("planet", 1), SINCE, UNTIL)
