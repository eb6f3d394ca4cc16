"""The rest of a closed month's roll-up (targets/facts_build.py): the register at each month's
end, joint meetings and the problem list. After random edits filed with past dates, every
figure read through the roll-ups equals the same figure counted live; and the hand-counted
year reads the same from the roll-ups on SQLite (the embedded default) as on PostgreSQL."""

import random
from dataclasses import astuple
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from backend.common.clock import SHANGHAI
from backend.extensions import db
from backend.governance.meetings.models import AgendaItem, JointMeeting
from backend.governance.register.figures import RegisterFigures
from backend.governance.register.models import Committee, PartyBranch, PartyBranchEstate
from backend.governance.targets import facts, periods, rollup_build
from backend.governance.targets.models import PlaceMonthFacts, RollupMonth
from tests import factories
from tests.factories import places_of, raw_problem
from tests.target_support import counted_live, ticket


def _months_back(count: int) -> list[periods.Month]:
    today = periods.today()
    found = [periods.Month(today.year, today.month)]
    for _ in range(count):
        day = found[-1].first_day - timedelta(days=1)
        found.append(periods.Month(day.year, day.month))
    return list(reversed(found))


def _everything(g, months):
    """Every register, meeting and problem figure a dashboard or report reads, for each
    place and several periods, as plain tuples (the meeting schedule's 'overdue today' left
    out: it is live by design and needs no roll-up)."""
    today = periods.today()
    spans = [
        (months[0].first_day, today),
        (months[1].first_day, months[-2].last_day),
        (months[1].first_day + timedelta(days=9), months[-1].first_day + timedelta(days=3)),
    ]
    ends = [m.last_day for m in months[:-1]] + [today]
    scopes = [
        ("county", g.county.id),
        ("township", g.estate_a.township_id),
        ("township", g.estate_b.township_id),
        ("community", g.estate_b.community_id),
        ("estate", g.estate_c.id),
    ]
    found = []
    for scope in scopes:
        found.append([astuple(r) for r in facts.register_series(scope, ends)])
        for low, high in spans:
            found.append(astuple(facts.register_on(scope, high)))
            found.append(astuple(facts.meetings(scope, low, high))[:4])
            found.append(astuple(facts.problems(scope, low, high)))
    for scope, child in [
        (("county", g.county.id), "township"),
        (("township", g.estate_b.township_id), "community"),
        (("community", g.estate_b.community_id), "estate"),
    ]:
        for day in ends:
            found.append({k: astuple(v) for k, v in facts.register_by(scope, child, day).items()})
    return found


def _day(rng, months) -> date:
    today = periods.today()
    low = months[0].first_day
    return min(low + timedelta(days=rng.randrange((today - low).days + 1)), today)


def _instant(day: date, rng) -> datetime:
    moment = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), SHANGHAI)
    return moment.astimezone(UTC)


def _edit_register(rng, g, months, estates):
    estate = rng.choice(estates)
    live = db.session.scalar(
        select(Committee).where(Committee.estate_id == estate.id, Committee.ended_on.is_(None))
    )
    if live is not None and rng.random() < 0.5:
        live.ended_on = max(live.formed_on, _day(rng, months))
        live.end_reason = "换届"
    elif live is not None:
        live.is_party_led = not live.is_party_led
        live.party_led_since = max(live.formed_on, _day(rng, months)) if live.is_party_led else None
    else:
        formed = _day(rng, months) - timedelta(days=rng.choice([0, 40, 400]))
        led = rng.random() < 0.5
        db.session.add(
            Committee(
                **places_of(estate),
                formed_on=formed,
                term_ends_on=formed + timedelta(days=rng.choice([100, 200, 1800])),
                is_party_led=led,
                party_led_since=formed + timedelta(days=rng.randrange(60)) if led else None,
                created_by_id=g.admin.id,
            )
        )
    established = _day(rng, months) - timedelta(days=rng.choice([0, 30]))
    dissolved = established + timedelta(days=rng.randrange(90)) if rng.random() < 0.4 else None
    branch = PartyBranch(
        community_id=estate.community_id,
        township_id=estate.township_id,
        county_id=estate.county_id,
        name=f"第{rng.randrange(10**6)}党支部",
        established_on=established,
        dissolved_on=dissolved,
        created_by_id=g.admin.id,
    )
    db.session.add(branch)
    db.session.flush()
    covered = [e for e in estates if e.community_id == estate.community_id]
    for member in rng.sample(covered, rng.randint(1, len(covered))):
        db.session.add(PartyBranchEstate(branch_id=branch.id, estate_id=member.id))


def _edit_meetings_and_problems(rng, g, months, estates):
    estate = rng.choice(estates)
    held_on = _day(rng, months)
    row = JointMeeting(
        **{k: v for k, v in places_of(estate).items() if k != "estate_id"},
        held_on=held_on,
        location="社区会议室",
        topic=f"联席会议{rng.randrange(10**6)}",
        recorded_by_id=g.admin.id,
    )
    db.session.add(row)
    db.session.flush()
    for n in range(rng.randint(1, 3)):
        dispute = rng.random() < 0.5
        decision = {"decision": "限期整改", "owner": "物业公司", "deadline": held_on}
        db.session.add(
            AgendaItem(
                meeting_id=row.id,
                estate_id=rng.choice([None, estate.id]),
                title=f"议题{n}",
                is_dispute=dispute,
                dispute_resolved=dispute and rng.random() < 0.5,
                **(decision if rng.random() < 0.6 else {}),
            )
        )
    created = _day(rng, months)
    closed = None
    if rng.random() < 0.5:
        closed = _instant(created + timedelta(days=rng.randrange(40)), rng)
        closed = min(closed, datetime.now(UTC) - timedelta(minutes=1))
    raw_problem(
        estate,
        g.admin,
        created + timedelta(days=rng.randrange(30)),
        closed,
        created_at=min(_instant(created, rng), closed or datetime.now(UTC)),
    )


def test_rollups_and_live_counts_agree_after_random_edits_with_past_dates(gcast):
    g = gcast
    rng = random.Random(2021)
    months = _months_back(5)
    estates = [g.estate_a, g.estate_b, g.estate_c]
    ticket(g.estate_a, datetime.combine(months[0].first_day, time(10)))  # the oldest month
    for _ in range(6):
        _edit_register(rng, g, months, estates)
        _edit_meetings_and_problems(rng, g, months, estates)
    db.session.commit()
    rollup_build.refresh()
    assert db.session.scalar(select(func.count()).select_from(RollupMonth)) >= 5
    assert db.session.scalar(select(func.count()).select_from(PlaceMonthFacts)) > 0
    assert _everything(g, months) == counted_live(_everything, g, months)
    for _round in range(3):
        for _ in range(4):
            _edit_register(rng, g, months, estates)
            _edit_meetings_and_problems(rng, g, months, estates)
        db.session.commit()
        # No ticket changed, yet the next run picks up every edit of a closed month (and
        # builds the months before the first built one, if a committee was filed earlier).
        rollup_build.refresh()
        assert _everything(g, months) == counted_live(_everything, g, months)


def test_a_committee_filed_with_a_past_date_shows_after_the_next_run(gcast):
    g = gcast
    months = _months_back(2)
    ticket(g.estate_a, datetime.combine(months[0].first_day, time(10)))
    db.session.commit()
    rollup_build.refresh()
    scope, closed_end = ("county", g.county.id), months[0].last_day
    assert facts.register_on(scope, closed_end).committees == 0
    db.session.add(
        Committee(
            **places_of(g.estate_b),
            formed_on=months[0].first_day,
            term_ends_on=months[0].first_day + timedelta(days=1800),
            created_by_id=g.admin.id,
        )
    )
    db.session.commit()
    assert facts.register_on(scope, closed_end).committees == 0  # the roll-up of the last run
    assert facts.register_on(scope, periods.today()).committees == 1  # today is live
    assert rollup_build.refresh() == 0  # no ticket month was stale
    assert facts.register_on(scope, closed_end).committees == 1


def _hand_counted_county():
    """A county of three estates with a year (2025) of register, meetings and problems."""
    county = factories.county("安溪县")
    township = factories.township(county)
    ca, cb = factories.community(township), factories.community(township)
    a = factories.estate(ca)
    b, c = factories.estate(cb), factories.estate(cb)
    admin = factories.user()
    ticket(c, datetime(2024, 12, 31, 23, 59), replied="on_time")  # roll-ups start Dec 2024
    committee = {"created_by_id": admin.id}
    db.session.add_all(
        [
            Committee(
                **places_of(a),
                formed_on=date(2025, 3, 15),
                term_ends_on=date(2030, 3, 14),
                is_party_led=True,
                party_led_since=date(2025, 3, 15),
                **committee,
            ),
            Committee(
                **places_of(c),
                formed_on=date(2024, 1, 10),
                term_ends_on=date(2027, 1, 9),
                ended_on=date(2025, 6, 30),
                end_reason="解散",
                **committee,
            ),
        ]
    )
    branch = PartyBranch(
        community_id=cb.id,
        township_id=township.id,
        county_id=county.id,
        name="河滨小区党支部",
        established_on=date(2024, 6, 1),
        dissolved_on=date(2025, 9, 15),
        created_by_id=admin.id,
    )
    db.session.add(branch)
    db.session.flush()
    db.session.add(PartyBranchEstate(branch_id=branch.id, estate_id=b.id))
    for community, held_on in [(ca, date(2025, 4, 10)), (cb, date(2024, 12, 20))]:
        meeting = JointMeeting(
            community_id=community.id,
            township_id=township.id,
            county_id=county.id,
            held_on=held_on,
            location="社区会议室",
            topic="月度联席会议",
            recorded_by_id=admin.id,
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.add_all(
            [
                AgendaItem(
                    meeting_id=meeting.id,
                    title="消防栓损坏",
                    decision="限期整改",
                    owner="物业公司",
                    deadline=held_on,
                ),
                AgendaItem(
                    meeting_id=meeting.id,
                    title="停车位纠纷",
                    is_dispute=True,
                    dispute_resolved=True,
                ),
            ]
        )
    noon = datetime(2025, 5, 1, 4, tzinfo=UTC)
    raw_problem(b, admin, date(2025, 6, 1), datetime(2025, 5, 20, 4, tzinfo=UTC), created_at=noon)
    raw_problem(a, admin, date(2025, 10, 1), created_at=datetime(2025, 9, 1, 4, tzinfo=UTC))
    db.session.commit()
    return county, township


HAND_COUNTED_MONTH_ENDS = (
    # (party covered, committees, party-led) at each month's end of 2025, of 3 estates
    [(1, 1, 0)] * 2  # January, February: b covered; c's committee
    + [(1, 2, 1)] * 3  # March to May: a's committee filed 15 March, party-led
    + [(1, 1, 1)] * 3  # June to August: c's committee ended 30 June
    + [(0, 1, 1)] * 4  # September to December: the branch dissolved 15 September
)


def test_the_hand_counted_year_from_rollups_on_sqlite(sqlite_app):
    county, township = _hand_counted_county()
    assert rollup_build.refresh() > 12
    scope = ("county", county.id)
    ends = [m.last_day for m in periods.months(date(2025, 1, 1), date(2025, 12, 31))]
    series = facts.register_series(scope, ends)
    assert [(r.party_covered, r.committees, r.party_led) for r in series] == (
        HAND_COUNTED_MONTH_ENDS
    )
    assert {r.estates for r in series} == {3}
    assert facts.register_on(scope, date(2024, 12, 31)) == RegisterFigures(3, 1, 1, 0, 0)
    by_township = facts.register_by(scope, "township", date(2025, 12, 31))
    assert by_township == {township.id: RegisterFigures(3, 0, 1, 1, 0)}
    assert astuple(facts.meetings(scope, date(2025, 1, 1), date(2025, 12, 31)))[:4] == (1, 1, 1, 1)
    assert astuple(facts.problems(scope, date(2025, 1, 1), date(2025, 12, 31))) == (2, 1, 1, 1)
    # The same year counted live agrees.
    db.session.execute(delete(RollupMonth))
    assert facts.register_series(scope, ends) == series
    assert astuple(facts.problems(scope, date(2025, 1, 1), date(2025, 12, 31))) == (2, 1, 1, 1)
    db.session.rollback()
    db.session.remove()
