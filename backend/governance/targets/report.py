"""The yearly report of a county (or township, community, estate): the figures a housing
bureau states in its annual summary — committee formation and party coverage from the start
of the year to its end, party-led committees, joint meetings, star ratings, credit penalties,
tickets and the problem list — each counted from Linli's records for the chosen year.

The same sentences feed the printable page and the PDF, so they can never disagree.
"""

from dataclasses import dataclass
from datetime import date

from backend.common.ratios import average, percent
from backend.governance.credit import figures as credit
from backend.governance.funds import figures as fund_figures
from backend.governance.funds.figures import FundFigures
from backend.governance.meetings.figures import MeetingFigures
from backend.governance.problems.services import ProblemFigures
from backend.governance.ratings.figures import StarDistribution, distribution
from backend.governance.register.figures import RegisterFigures
from backend.governance.targets import facts, periods, tickets
from backend.governance.targets.places import Place
from backend.governance.targets.tickets import TicketFigures

NO_DATA = "暂无数据"


@dataclass(frozen=True)
class YearlyReport:
    place: Place
    year: int
    since: date
    until: date  # the last day of the year, or today while the year runs
    start: RegisterFigures  # the register as the year began (31 December before)
    end: RegisterFigures  # the register on ``until``
    meetings: MeetingFigures
    stars: StarDistribution
    credit: credit.Figures
    problems: ProblemFigures
    tickets: TicketFigures
    funds: FundFigures

    @property
    def complete(self) -> bool:
        return self.until == date(self.year, 12, 31)


def yearly(place: Place, year: int) -> YearlyReport:
    since, last = periods.year_range(year)
    until = min(last, periods.today())
    return YearlyReport(
        place=place,
        year=year,
        since=since,
        until=until,
        start=facts.register_on(place.scope, date(year - 1, 12, 31)),
        end=facts.register_on(place.scope, until),
        meetings=facts.meetings(place.scope, since, until),
        stars=distribution(place.scope, year),
        credit=credit.figures(place.scope, since, until),
        problems=facts.problems(place.scope, since, until),
        tickets=tickets.figures(place.scope, since, until),
        funds=fund_figures.figures(place.scope, since, until),
    )


def _rate(count: int, of: int) -> str:
    return percent(count, of) or NO_DATA


def _trend(label: str, end: tuple[int, int], start: tuple[int, int]) -> str:
    """ "业委会组建率由年初的 52.87% 提升至 97.86%": the direction from the exact fractions,
    not from the rounded percentages."""
    (count, of), (count_before, of_before) = end, start
    after, before = percent(count, of), percent(count_before, of_before)
    if after is None:
        return f"{label}{NO_DATA}"
    if before is None:
        return f"{label}为 {after}"
    now, then = count * of_before, count_before * of
    if now == then:
        return f"{label}保持 {after}"
    return f"{label}由年初的 {before} {'提升至' if now > then else '下降至'} {after}"


def sections(report: YearlyReport) -> list[tuple[str, list[str]]]:
    """(heading, sentences) of the report, in the order the page and the PDF print them."""
    r, s, m, d, c, p, t = (
        report.end,
        report.start,
        report.meetings,
        report.stars,
        report.credit,
        report.problems,
        report.tickets,
    )

    return [
        (
            "党建引领与业委会组建",
            [
                f"{report.place.name}共有小区 {r.estates} 个。",
                _trend("业委会组建率", (r.committees, r.estates), (s.committees, s.estates))
                + f"（{r.committees} 个小区有在任业委会，{r.reelection_due} 个待换届）。",
                _trend("党组织覆盖率", (r.party_covered, r.estates), (s.party_covered, s.estates))
                + f"（{r.party_covered} 个小区）。",
                f"红色业委会 {r.party_led} 个，占在任业委会的 {_rate(r.party_led, r.committees)}。",
            ],
        ),
        (
            "四方联席会议",
            [
                f"召开四方联席会议 {m.meetings_held} 场，议定事项 {m.items_decided} 项，"
                f"化解矛盾纠纷 {m.disputes_resolved} 起（共涉及纠纷 {m.disputes} 起）。"
            ],
        ),
        (
            "小区星级评定",
            [
                f"{report.year} 年度评定：五星级 {d.five} 个、四星级 {d.four} 个、"
                f"三星级 {d.three} 个、二星级 {d.two} 个、一星级 {d.one} 个，"
                f"未达星级 {d.no_star} 个，未评定 {d.unrated} 个。"
            ],
        ),
        (
            "信用惩戒",
            [
                f"约谈物业服务企业负责人 {c.interview} 家次（{c.companies_interviewed} 家企业），"
                f"通报批评 {c.criticism} 次（{c.companies_criticised} 家企业），"
                f"信用扣分 {c.deduction} 次共 {c.points} 分，"
                f"清退项目经理 {c.manager_dismissal} 名，清出物业项目 {c.project_removal} 个。"
            ],
        ),
        (
            "随手拍与问题清单",
            [
                f"新建工单 {t.tickets} 件（其中 12345 热线 {t.hotline} 件），"
                f"按时办结率 {_rate(t.on_time, t.replied)}，"
                f"业主平均评分 {average(t.rating_sum, t.rated) or NO_DATA}，"
                f"满意率 {_rate(t.satisfied, t.rated)}。",
                f"问题清单登记 {p.created} 项，销号 {p.closed_out} 项，其中按期销号 "
                f"{p.closed_on_time} 项；目前逾期未销号 {p.overdue_now} 项。",
            ],
        ),
        (
            "专项维修资金",
            _fund_sentences(report.funds),
        ),
    ]


def _fund_sentences(f: FundFigures) -> list[str]:
    return [
        f"提交事前指导的维修项目 {f.proposed} 个；批准使用维修资金的项目 {f.authorised} 个，"
        f"批准预算 {f.authorised_money}，其中经业主表决 {f.vote.authorised} 个"
        f"（{f.vote_share or NO_DATA}），应急维修 {f.emergency.authorised} 个"
        f"（{f.emergency_share or NO_DATA}）。",
        f"支付完毕的项目 {f.paid} 个，支付维修资金 {f.paid_money}，"
        f"从提交到支付平均 {f.average_days + ' 天' if f.average_days else NO_DATA}；"
        f"业主对维修质量的平均评分 {f.average_rating or NO_DATA}（{f.rated} 人次评价）。",
    ]


def title(report: YearlyReport) -> str:
    running = "" if report.complete else f"（截至 {report.until.isoformat()}）"
    return f"{report.place.name} {report.year} 年度物业管理监督工作报告{running}"
