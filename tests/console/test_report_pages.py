"""The yearly report (年度报告): a held-out county whose 2025 figures were counted by hand —
register, joint meetings, star ratings, credit penalties, tickets and the problem list — and
the report page and its PDF saying exactly those sentences; scope, bad years, printability."""

import io
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from pypdf import PdfReader

from backend.extensions import db
from backend.governance.meetings.models import AgendaItem, JointMeeting
from backend.governance.targets import rollup_build
from tests.console.test_ticket_pages import html_of, signed_in
from tests.factories import raw_problem
from tests.governance_support import on, penalty
from tests.ratings_support import rating

EXPECTED_2025 = [
    "安溪县共有小区 3 个。",
    "业委会组建率由年初的 0.00% 提升至 33.33%（1 个小区有在任业委会，0 个待换届）。",
    "党组织覆盖率保持 33.33%（1 个小区）。",
    "红色业委会 1 个，占在任业委会的 100.00%。",
    "召开四方联席会议 2 场，议定事项 3 项，化解矛盾纠纷 1 起（共涉及纠纷 2 起）。",
    "2025 年度评定：五星级 1 个、四星级 0 个、三星级 1 个、二星级 0 个、一星级 0 个，"
    "未达星级 0 个，未评定 1 个。",
    "约谈物业服务企业负责人 2 家次（2 家企业），通报批评 1 次（1 家企业），信用扣分 1 次共 10 分，"
    "清退项目经理 1 名，清出物业项目 1 个。",
    "新建工单 6 件（其中 12345 热线 2 件），按时办结率 60.00%，业主平均评分 3.25，满意率 50.00%。",
    "问题清单登记 2 项，销号 1 项，其中按期销号 1 项；目前逾期未销号 1 项。",
    "提交事前指导的维修项目 0 个；批准使用维修资金的项目 0 个，批准预算 ¥0.00，"
    "其中经业主表决 0 个（暂无数据），应急维修 0 个（暂无数据）。",
    "支付完毕的项目 0 个，支付维修资金 ¥0.00，从提交到支付平均 暂无数据；"
    "业主对维修质量的平均评分 暂无数据（0 人次评价）。",
]


def meeting(estate, held_on, topic, by, items):
    row = JointMeeting(
        community_id=estate.community_id,
        township_id=estate.township_id,
        county_id=estate.county_id,
        held_on=held_on,
        location="社区会议室",
        topic=topic,
        recorded_by_id=by.id,
    )
    db.session.add(row)
    db.session.flush()
    for title, decided, dispute, resolved in items:
        decision = {"decision": "限期整改", "owner": "物业公司", "deadline": held_on}
        db.session.add(
            AgendaItem(
                meeting_id=row.id,
                estate_id=estate.id,
                title=title,
                is_dispute=dispute,
                dispute_resolved=resolved,
                **(decision if decided else {}),
            )
        )


@pytest.fixture
def held_out_2025(gcast, year_of_tickets):
    g, by = gcast, gcast.admin
    a, b, c = g.estate_a, g.estate_b, g.estate_c
    meeting(a, date(2025, 4, 10), "四月联席会议", by, [
        ("消防栓损坏", True, False, False),
        ("电动车充电桩", True, False, False),
        ("停车位纠纷", False, True, True),
    ])  # fmt: skip
    meeting(a, date(2025, 11, 20), "十一月联席会议", by, [
        ("绿化补种", True, False, False),
        ("噪音纠纷", False, True, False),
    ])  # fmt: skip
    meeting(a, date(2024, 12, 20), "上年联席会议", by, [("上年事项", True, False, False)])
    rating(a, 96, 5, 2025, five="granted")
    rating(b, 85, 3, 2025)
    rating(c, 88, 0, 2025, status="submitted")  # not confirmed: unrated
    rating(c, 70, 2, 2024)  # another year
    noon = datetime(2025, 5, 1, 4, tzinfo=UTC)
    raw_problem(a, by, date(2025, 6, 1), datetime(2025, 5, 20, 4, tzinfo=UTC), created_at=noon)
    open_since = datetime(2025, 9, 1, 4, tzinfo=UTC)
    raw_problem(b, by, date(2025, 10, 1), created_at=open_since)  # still open: overdue now
    db.session.commit()

    def days_to(day):
        return (on(0) - day).days

    main, other = g.company, g.other_company
    for company, kind, day, points in [
        (main, "interview", date(2025, 2, 1), 0),
        (other, "interview", date(2025, 3, 1), 0),
        (main, "criticism", date(2025, 5, 1), 0),
        (main, "deduction", date(2025, 6, 1), 10),
        (main, "manager_dismissal", date(2025, 7, 1), 0),
        (other, "project_removal", date(2025, 8, 1), 0),
        (main, "interview", date(2024, 12, 31), 0),  # the year before
    ]:
        penalty(company, kind, days_to(day), points=points, recorded_by_id=by.id)
    revoked = penalty(main, "interview", days_to(date(2025, 9, 1)), recorded_by_id=by.id)
    revoked.revoked_at = revoked.created_at
    db.session.commit()
    return g


@pytest.fixture
def as_county(client, gcast):
    return signed_in(client, gcast.county_officer, "county1")


def sentences(html) -> list[str]:
    return [unescape(s) for s in re.findall(r'<p class="sentence">(.*?)</p>', html, re.S)]


@pytest.mark.parametrize("rolled_up", [False, True])
def test_the_report_page_states_the_hand_counted_year(as_county, held_out_2025, rolled_up):
    g = held_out_2025
    if rolled_up:  # every closed month's tickets, register, meetings and problems
        assert rollup_build.refresh() > 12
    response = as_county.get(f"/console/reports/county/{g.county.id}?year=2025")
    assert response.status_code == 200
    html = html_of(response)
    assert "安溪县 2025 年度物业管理监督工作报告" in html
    assert "统计区间：2025-01-01 至 2025-12-31" in html
    assert sentences(html) == EXPECTED_2025
    assert "@media print" in html  # printable without the console's header and forms


def test_the_pdf_says_the_same(as_county, held_out_2025):
    g = held_out_2025
    response = as_county.get(f"/console/reports/county/{g.county.id}/2025.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))
    assert "安溪县2025年度物业管理监督工作报告" in text
    for sentence in EXPECTED_2025:
        assert re.sub(r"\s+", "", sentence) in text, sentence


def test_a_township_report_counts_its_own_estates_only(client, gcast, held_out_2025):
    as_township_a = signed_in(client, gcast.township_a, "township1")
    township = gcast.estate_a.township_id
    html = html_of(as_township_a.get(f"/console/reports/township/{township}?year=2025"))
    found = sentences(html)
    assert found[0] == "凤城镇共有小区 1 个。"
    assert (
        found[4] == "召开四方联席会议 2 场，议定事项 3 项，化解矛盾纠纷 1 起（共涉及纠纷 2 起）。"
    )
    # County-wide penalties naming no estate count only in the county's report.
    assert found[6].startswith("约谈物业服务企业负责人 0 家次")


@pytest.mark.parametrize(
    "path",
    ["/console/reports/county/{county}", "/console/reports/township/{township_b}/2025.pdf"],
)
def test_another_townships_officer_gets_404(client, gcast, path):
    as_township_a = signed_in(client, gcast.township_a, "township1")
    ids = {"county": gcast.county.id, "township_b": gcast.estate_b.township_id}
    assert as_township_a.get(path.format(**ids)).status_code == 404


@pytest.mark.parametrize(
    "year, message", [("abc", "年度格式不正确"), ("1999", "年度须在 2000 至"), ("3000", "年度须在")]
)
def test_a_bad_year_is_explained_and_this_year_shown(as_county, gcast, year, message):
    response = as_county.get(f"/console/reports/county/{gcast.county.id}?year={year}")
    assert response.status_code == 200
    html = unescape(html_of(response))
    assert message in html
    assert f"{on(0).year} 年度物业管理监督工作报告（截至 {on(0).isoformat()}）" in html


def test_a_pdf_of_a_year_out_of_range_is_not_found(as_county, gcast):
    assert as_county.get(f"/console/reports/county/{gcast.county.id}/1999.pdf").status_code == 404
