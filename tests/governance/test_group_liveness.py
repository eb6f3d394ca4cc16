"""The dashboards' share of estates whose supervision group is active (常态化运行), against the
Quanzhou target of 95%: counted by hand on a small county, per township and per community, in
one grouped query, and shown on the console's target page."""

from datetime import timedelta

import pytest

from backend.common.clock import SHANGHAI, utcnow
from backend.extensions import db
from backend.governance.targets import periods
from backend.outbox import group_checks
from backend.outbox.group_checks import TEST_TOPIC, LivenessFigures
from backend.places.models import Community
from tests.console.test_estate_page import table_rows
from tests.console.test_target_pages import as_county, target_values  # noqa: F401
from tests.console.test_ticket_pages import html_of
from tests.outbox.test_group_checks import sent
from tests.test_query_counts import count_queries


@pytest.fixture
def heard(gcast, make):
    """阳光小区 (凤城镇) heard a notice 3 days ago; 河滨小区 (城厢镇) only a test, and a notice
    40 days ago; 茶都小区 has a switched-off group that heard a notice yesterday."""
    sent(make.group_chat(gcast.estate_a), 3)
    quiet = make.group_chat(gcast.estate_b)
    sent(quiet, 1, topic=TEST_TOPIC)
    sent(quiet, 40)
    sent(make.group_chat(gcast.estate_c, active=False), 1)
    return gcast


def today():
    return utcnow().astimezone(SHANGHAI).date()


def test_share_per_township_and_per_community(heard):
    county = ("county", heard.county.id)
    ta, tb = heard.estate_a.township_id, heard.estate_b.township_id
    cb = heard.estate_b.community_id

    assert group_checks.figures_on(county, today()) == LivenessFigures(3, 1)
    assert group_checks.figures_by(county, "township", today()) == {
        ta: LivenessFigures(1, 1),
        tb: LivenessFigures(2, 0),
    }
    assert group_checks.figures_by(("township", tb), "community", today()) == {
        cb: LivenessFigures(2, 0)
    }
    by_estate = group_checks.figures_by(("community", cb), "estate", today())
    assert by_estate == {
        heard.estate_b.id: LivenessFigures(1, 0),
        heard.estate_c.id: LivenessFigures(1, 0),
    }


def test_the_window_is_the_30_days_before_the_day_asked(heard):
    county = ("county", heard.county.id)
    # 35 days ago, 河滨小区's notice of 40 days ago was 5 days old: active then.
    assert group_checks.figures_on(county, today() - timedelta(days=35)) == LivenessFigures(3, 1)
    assert group_checks.figures_on(county, today() - timedelta(days=80)) == LivenessFigures(3, 0)


def test_the_target_page_shows_the_share_against_95_percent(as_county, heard):  # noqa: F811
    html = html_of(as_county.get(f"/console/targets/county/{heard.county.id}"))

    day = periods.today().isoformat()
    assert target_values(html)["group_liveness"] == (
        "33.33%",
        f"截至 {day}：1 / 3 个小区（目标 95%，未达标）",
    )
    assert [(row[0], row[-1]) for row in table_rows(html, "children")] == [
        ("凤城镇", "100.00%"),
        ("城厢镇", "0.00%"),
    ]
    assert "监督群常态化运行率 = 截至期末前 30 天内" in html


def test_a_township_whose_every_estate_is_active_meets_the_target(as_county, heard, make):  # noqa: F811
    township = heard.estate_a.township_id
    html = html_of(as_county.get(f"/console/targets/township/{township}"))
    assert target_values(html)["group_liveness"][1].endswith("（目标 95%，已达标）")


def test_the_share_costs_one_query_however_many_places(app, heard, make):
    county = ("county", heard.county.id)
    with count_queries(app) as few:
        group_checks.figures_by(county, "township", today())
    for n in range(4):
        estate = make.estate(make.community(make.township(heard.county, f"新镇{n}"), "新社区"))
        sent(make.group_chat(estate), 2)
    with count_queries(app) as many:
        found = group_checks.figures_by(county, "township", today())
    assert len(few) == len(many) == 1
    assert sum(f.active for f in found.values()) == 5


def test_liveness_and_the_place_check_on_sqlite(sqlite_app):
    # The statements built once per process bind the window and the place per call: the same
    # figures on the embedded default's SQLite, whose datetimes are bound as text.
    from backend.access.roles import Role
    from backend.errors import NotFound
    from backend.governance.targets import places
    from tests import factories

    county = factories.county("安溪县")
    ta, tb = factories.township(county, "凤城镇"), factories.township(county, "城厢镇")
    a = factories.estate(factories.community(ta))
    b = factories.estate(factories.community(tb))
    sent(factories.group_chat(a), 3)
    sent(factories.group_chat(b), 40)
    officer = factories.member(Role.TOWNSHIP_OFFICER, ta)
    scope = ("county", county.id)
    assert group_checks.figures_by(scope, "township", today()) == {
        ta.id: LivenessFigures(1, 1),
        tb.id: LivenessFigures(1, 0),
    }
    assert group_checks.figures_on(scope, today() - timedelta(days=35)) == LivenessFigures(2, 1)
    place = places.place_for(officer, "estate", a.id)
    assert place.trail == (
        ("county", county.id, "安溪县"),
        ("township", ta.id, "凤城镇"),
        ("community", a.community_id, db.session.get(Community, a.community_id).name),
    )
    with pytest.raises(NotFound):
        places.place_for(officer, "estate", b.id)
