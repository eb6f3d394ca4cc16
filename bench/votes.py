"""Owners' votes at scale, as seconds and ratios measured on the same machine.

1. One estate of 20,000 units in 100 buildings: 30 of them the developer's unsold units,
   ~15% whose owner is not verified in Linli, owners holding two or three units, co-owned
   units (one co-owner also joined to a three-unit owner), a few deactivated owners, a fifth
   of the owners bound to WeCom (so opening sends vote cards) and an active group chat. A
   motion is announced through services.create_motion, then:
   a) the eligibility snapshot (lifecycle.advance at opens_at: snapshot.take), timed;
   b) ballots for ~70% of the electors written in one INSERT ... SELECT (setup, timed apart;
      the unverified units and the developer vote on paper, as the organiser records them);
   c) while it is open, under gunicorn (as bench/api.py runs it, in alternating rounds)
      GET /api/v1/motions/{id} (its turnout read over every ballot) and the estate's motion
      list, as an owner who voted, each as a ratio to /healthz;
   d) the close and tally (lifecycle.advance at closes_at), timed.
   The SQL statements of the snapshot and of the tally, beside the same on a 200-unit estate
   (they must not grow per owner). The bench fails unless the snapshot's totals and the tally
   equal an independent computation in SQL from units, memberships and ballots (owners joined
   by shared units in a recursive CTE, not read from the snapshot's tables).
2. A second motion on the same estate, open; under gunicorn CLIENTS threads POST
   /api/v1/motions/{id}/ballots: a) for STORM_OWNERS distinct owners, once each; b) for
   STORM_OWNERS other owners, each tried three times at once (a co-owner's try is one of the
   three where the unit has one), a different choice each time. Accepted ballots/s (and as
   a ratio to /healthz), the 409s, and how many owners' tries overlapped in flight. The
   bench fails unless the database holds exactly one ballot per owner who tried, the one the
   201 answered, and every other try got 409 already_voted.

Each snapshot and tally is timed on a new database connection. On a connection that took a
small estate's snapshot first (while the elector table was nearly empty), PostgreSQL keeps
the sequential-scan plan it chose then for the per-row foreign-key checks of elector_unit
and elector_user, and this estate's snapshot takes several times as long, growing with the
elector table until it is analyzed: that is a finding for backend/votes, not what this bench
measures.

Bounded: fixed sizes; gunicorn phases of SECONDS per endpoint and round, the storm stops
taking new owners after STORM_SECONDS (each of its two phases).
"""

import os
import statistics
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import redis
import requests
from sqlalchemy import event, text

from backend import create_app
from backend.accounts.models import User
from backend.accounts.tokens import issue_access_token
from backend.common.clock import as_utc, utcnow
from backend.common.dbadmin import recreate_database
from backend.extensions import db
from backend.votes import lifecycle, services, turnout
from backend.votes.models import Motion
from bench import api as api_bench
from bench.api import (
    CLIENTS,
    JWT_SECRET,
    SECONDS,
    SECRET_KEY,
    WORKERS,
    gunicorn,
    requests_per_second,
)

DATABASE_URL = os.environ.get(
    "LINLI_BENCH_VOTES_DATABASE_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_votes",
)
REDIS_URL = os.environ.get("LINLI_BENCH_VOTES_REDIS_URL", "redis://127.0.0.1:6379/10")
UNITS = 20_000
SMALL_UNITS = 200  # the estate the statement counts are compared with
UNITS_PER_BUILDING = 200  # 20 floors of 10
UNSOLD_EVERY = 667  # unit n is the developer's unsold one when n % 667 == 0: 30 of 20,000
UNVERIFIED_PERCENT = 15
TURNOUT_PERCENT = 70
ROUNDS = int(os.environ.get("LINLI_BENCH_VOTES_ROUNDS", "2"))
STORM_OWNERS = int(os.environ.get("LINLI_BENCH_VOTES_STORM_OWNERS", "3000"))
STORM_SECONDS = float(os.environ.get("LINLI_BENCH_VOTES_STORM_SECONDS", "15"))
TRIES = 3  # per owner, at once
CHOICES = ("yes", "no", "abstain")
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林高罗"
GIVEN = ["建国", "芳", "伟", "秀英", "强", "丽", "军", "敏", "洋", "静"]
HASH = "((({n}) * 2654435761) % 4294967296)"  # the multiplicative hash bench/tickets.py uses


def _log(message: str) -> None:
    print(f"votes: {message}", flush=True)


def _sql(statement: str, **params):
    return db.session.execute(text(statement), params)


# -- the estate --------------------------------------------------------------------------

# Each owned unit's holders, by r (the owned units numbered in order): in every 50, units 0-2
# and 3-5 have one owner each (three units), 6-7 and 8-9 one each (two), the rest one owner a
# unit; units 0 and 10-14 also have a co-owner (the one of unit 0 joins a three-unit owner).
HOLDERS = f"""
INSERT INTO bench_holder (unit_id, kind, k, openid)
WITH u AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, is_developer_unsold AS unsold
    FROM unit WHERE estate_id = :estate
), owned AS (
    SELECT id, row_number() OVER (ORDER BY n) - 1 AS r FROM u
    WHERE NOT unsold AND ({HASH.format(n="n")} >> 9) % 100 >= :unverified
), keyed AS (
    SELECT id, r, CASE WHEN r % 50 < 6 THEN r - (r % 50) % 3
                       WHEN r % 50 < 10 THEN r - (r % 50 - 6) % 2 ELSE r END AS k
    FROM owned
)
SELECT id AS unit_id, 'owner' AS kind, k, :prefix || 'o' || k AS openid FROM keyed
UNION ALL
SELECT id, 'coowner', r, :prefix || 'c' || r FROM keyed WHERE r % 50 IN (0, 10, 11, 12, 13, 14)
"""


def _estate(community: int, units: int, prefix: str) -> dict:
    """An estate of ``units`` units with its owners, a committee chair and a group chat."""
    params = {"community": community, "units": units, "prefix": prefix}
    estate = _sql(
        """INSERT INTO estate (community_id, township_id, county_id, name, address)
           SELECT c.id, c.township_id, t.county_id, '表决压测小区' || :units, '压测路1号'
           FROM community c JOIN township t ON t.id = c.township_id WHERE c.id = :community
           RETURNING id""",
        **params,
    ).scalar_one()
    params |= {"estate": estate, "per": UNITS_PER_BUILDING, "unverified": UNVERIFIED_PERCENT}
    steps = [
        """INSERT INTO building (estate_id, name)
           SELECT :estate, b || '栋' FROM generate_series(1, (:units + :per - 1) / :per) b""",
        f"""INSERT INTO unit (estate_id, building_id, number, floor, area_dm2,
                              is_developer_unsold)
            SELECT :estate, b.ids[1 + n / :per], ((1 + n % :per / 10) * 100 + 1 + n % 10)::text,
                   1 + n % :per / 10, 5000 + ({HASH.format(n="n")} >> 3) % 12000,
                   n % {UNSOLD_EVERY} = 0
            FROM generate_series(0, :units - 1) n,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM building
                  WHERE estate_id = :estate) b
            ORDER BY n""",
        "CREATE TEMP TABLE bench_holder (unit_id int, kind text, k int, openid text)",
        HOLDERS,
        # One owner in 500 deactivated: their units count as unverified in the snapshot.
        f"""INSERT INTO "user" (openid, display_name, real_name, is_active, created_at)
            SELECT openid, '业主' || k,
                   substr('{SURNAMES}', 1 + (k + (kind = 'coowner')::int * 7) % 20, 1)
                   || (CAST(:given AS text[]))[1 + (k / 20) % 10],
                   NOT (kind = 'owner' AND k % 500 = 15), now()
            FROM (SELECT DISTINCT openid, kind, k FROM bench_holder) h ORDER BY openid""",
        """INSERT INTO membership (user_id, role, scope_kind, scope_id, estate_id, created_at)
           SELECT p.id, 'owner', 'unit', h.unit_id, :estate, now()
           FROM bench_holder h JOIN "user" p ON p.openid = h.openid""",
        """INSERT INTO wecom_binding (user_id, wecom_userid, bound_at, created_at)
           SELECT id, 'wecom-' || id, now(), now() FROM "user"
           WHERE openid LIKE :prefix || '%' AND id % 5 = 0""",
        """INSERT INTO group_chat (estate_id, name, channel, address, active, created_at,
                                   updated_at)
           VALUES (:estate, '业主监督群', 'wecom_robot', 'bench-robot-' || :estate, true,
                   now(), now())""",
        "DROP TABLE bench_holder",
    ]
    for step in steps:
        _sql(step, **params, given=GIVEN)
    chair = _sql(
        """INSERT INTO "user" (openid, display_name, real_name, is_active, created_at)
           VALUES (:prefix || 'chair', '业委会主任', '李建国', true, now()) RETURNING id""",
        **params,
    ).scalar_one()
    _sql(
        """INSERT INTO membership (user_id, role, scope_kind, scope_id, estate_id, created_at)
           VALUES (:chair, 'committee_chair', 'estate', :estate, :estate, now())""",
        chair=chair,
        estate=estate,
    )
    return {"estate": estate, "chair": chair}


def _build() -> dict:
    """The county, the big estate and the small one, written in bulk without foreign-key
    triggers (every id is read from rows just written)."""
    _sql("SET LOCAL jit = off")
    _sql("SET LOCAL session_replication_role = replica")
    county = _sql("INSERT INTO county (name) VALUES ('表决压测县') RETURNING id").scalar_one()
    township = _sql(
        "INSERT INTO township (county_id, name) VALUES (:c, '压测镇') RETURNING id", c=county
    ).scalar_one()
    community = _sql(
        "INSERT INTO community (township_id, name) VALUES (:t, '压测社区') RETURNING id",
        t=township,
    ).scalar_one()
    big = _estate(community, UNITS, "bench-big-")
    small = _estate(community, SMALL_UNITS, "bench-small-")
    db.session.commit()
    return {"big": big, "small": small}


def _analyze() -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))


def _people(estate: int) -> str:
    row = _sql(
        """SELECT count(*), count(*) FILTER (WHERE u.is_developer_unsold),
                  count(*) FILTER (WHERE NOT EXISTS (
                      SELECT 1 FROM membership m WHERE m.scope_kind = 'unit'
                      AND m.role = 'owner' AND m.scope_id = u.id)),
                  (SELECT count(DISTINCT user_id) FROM membership
                   WHERE estate_id = :e AND role = 'owner'),
                  (SELECT count(*) FROM (SELECT user_id FROM membership
                   WHERE estate_id = :e AND role = 'owner' GROUP BY user_id
                   HAVING count(*) > 1) m),
                  (SELECT count(*) FROM (SELECT scope_id FROM membership
                   WHERE estate_id = :e AND role = 'owner' GROUP BY scope_id
                   HAVING count(*) > 1) m),
                  (SELECT count(*) FROM membership m JOIN "user" p ON p.id = m.user_id
                   WHERE m.estate_id = :e AND m.role = 'owner' AND NOT p.is_active),
                  (SELECT count(DISTINCT w.user_id) FROM wecom_binding w JOIN membership m
                   ON m.user_id = w.user_id AND m.estate_id = :e AND m.role = 'owner')
           FROM unit u WHERE u.estate_id = :e""",
        e=estate,
    ).one()
    return (
        "{:,} units ({:,} developer-unsold; {:,} with no owner in Linli, those included),"
        " {:,} owner users"
        " ({:,} holding several units, {:,} co-owned units, {:,} deactivated,"
        " {:,} bound to WeCom)".format(*row)
    )


# -- measuring ---------------------------------------------------------------------------


@contextmanager
def _statements(engine):
    """The SQL statements run on ``engine`` inside the block, each with its seconds."""
    seen = []

    def before(conn, cursor, statement, *args):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, *args):
        seen.append((statement, time.perf_counter() - conn.info.pop("bench_started")))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def _announce(chair_id: int, estate_id: int) -> int:
    opens = utcnow() + timedelta(days=16)
    motion = services.create_motion(
        db.session.get(User, chair_id),
        estate_id,
        {
            "matter": "hire_property_company",
            "title": "续聘安溪物业服务有限公司",
            "body": "经业委会研究，拟续聘安溪物业服务有限公司，服务期三年，物业费标准不变。",
            "opens_at": opens,
            "closes_at": opens + timedelta(days=7),
        },
    )
    return motion.id


def _advance(motion_id: int, moment: str) -> tuple[float, list]:
    """lifecycle.advance at the motion's opens_at or closes_at, committed: (seconds,
    statements). On a new connection: one that had checked the snapshot's foreign keys while
    the elector table was small keeps a cached sequential-scan plan for them (see the module
    docstring)."""
    db.session.remove()
    db.engine.dispose()
    at = as_utc(getattr(db.session.get(Motion, motion_id), moment))
    with _statements(db.engine) as seen:
        started = time.perf_counter()
        lifecycle.advance(motion_id, at)
        db.session.commit()
        elapsed = time.perf_counter() - started
    return elapsed, seen


def _kinds(seen: list) -> str:
    words = [statement.split(None, 1)[0].upper() for statement, _ in seen]
    return ", ".join(f"{words.count(w)} {w}" for w in sorted(set(words)))


def _cast_in_bulk(motion_id: int, chair_id: int) -> int:
    """Ballots for ~TURNOUT_PERCENT of the electors: verified owners in the app (the
    elector's first user), the others on paper recorded by the chair (note: the unit)."""
    h = HASH.format(n="e.id")
    count = _sql(
        f"""INSERT INTO ballot (motion_id, elector_id, choice, cast_by_id, channel, note,
                                cast_at)
            SELECT e.motion_id, e.id,
                   CASE WHEN ({h} >> 7) % 100 < 58 THEN 'yes'
                        WHEN ({h} >> 7) % 100 < 88 THEN 'no' ELSE 'abstain' END,
                   coalesce(v.user_id, :chair),
                   CASE WHEN v.user_id IS NULL THEN 'paper' ELSE 'miniprogram' END,
                   CASE WHEN v.user_id IS NULL THEN 'unit:' || w.unit_id END,
                   m.opens_at + make_interval(secs => {h} % 86400)
            FROM elector e JOIN motion m ON m.id = e.motion_id
            JOIN (SELECT elector_id, min(unit_id) AS unit_id FROM elector_unit
                  WHERE motion_id = :motion GROUP BY elector_id) w ON w.elector_id = e.id
            LEFT JOIN (SELECT elector_id, min(user_id) AS user_id FROM elector_user
                       WHERE motion_id = :motion GROUP BY elector_id) v ON v.elector_id = e.id
            WHERE e.motion_id = :motion AND ({h} % 100 < :turnout OR e.kind = 'developer')""",
        motion=motion_id,
        chair=chair_id,
        turnout=TURNOUT_PERCENT,
    ).rowcount
    # Written around the services, so counted again as a bulk load must be.
    turnout.rebuild(motion_id)
    db.session.commit()
    return count


# The totals and the tally from units, active owners' memberships and ballots: each unit's
# head is the smallest unit its holders reach (through units they share), the developer's
# unsold units are head 0, an unheld unit is its own head; a ballot stands for the head of
# its caster's units, or of the unit noted on a paper ballot.
INDEPENDENT = """
WITH RECURSIVE holder AS (
    SELECT m.user_id, m.scope_id AS unit_id
    FROM membership m JOIN "user" p ON p.id = m.user_id
    WHERE m.estate_id = :estate AND m.role = 'owner' AND m.scope_kind = 'unit' AND p.is_active
), link AS (
    SELECT DISTINCT a.unit_id AS a, b.unit_id AS b FROM holder a JOIN holder b USING (user_id)
), reach (a, b) AS (
    SELECT a, b FROM link
    UNION
    SELECT r.a, l.b FROM reach r JOIN link l ON l.a = r.b
), unit_head AS (
    SELECT u.id AS unit_id, u.area_dm2,
           CASE WHEN r.root IS NOT NULL THEN r.root WHEN u.is_developer_unsold THEN 0
                ELSE u.id END AS head
    FROM unit u LEFT JOIN (SELECT a, min(b) AS root FROM reach GROUP BY a) r ON r.a = u.id
    WHERE u.estate_id = :estate
), head AS (
    SELECT head, sum(area_dm2) AS area FROM unit_head GROUP BY head
), voted AS (
    SELECT b.choice, uh.head
    FROM ballot b
    JOIN unit_head uh ON uh.unit_id = CASE
        WHEN b.channel = 'paper' THEN substr(b.note, 6)::int
        ELSE (SELECT min(unit_id) FROM holder WHERE user_id = b.cast_by_id) END
    WHERE b.motion_id = :motion
)
SELECT 'total' AS what, count(*) AS owners, sum(area) AS area FROM head
UNION ALL
SELECT 'distinct heads', count(DISTINCT head), NULL FROM voted
UNION ALL
SELECT 'ballots', count(*), NULL FROM ballot WHERE motion_id = :motion
UNION ALL
SELECT v.choice, count(*), sum(h.area) FROM voted v JOIN head h ON h.head = v.head
GROUP BY v.choice
"""


def _verify(motion_id: int) -> dict:
    """The motion's stored totals and tally against INDEPENDENT; SystemExit if they differ."""
    db.session.remove()
    motion = db.session.get(Motion, motion_id)
    rows = _sql(INDEPENDENT, estate=motion.estate_id, motion=motion_id).all()
    found = {what: (int(owners), int(area or 0)) for what, owners, area in rows}
    expected = {
        c: {"owners": found.get(c, (0, 0))[0], "area_dm2": found.get(c, (0, 0))[1]} for c in CHOICES
    }
    total_owners, total_area = found["total"]
    voting = [sum(expected[c][k] for c in CHOICES) for k in ("owners", "area_dm2")]
    quorum = 3 * voting[0] >= 2 * total_owners and 3 * voting[1] >= 2 * total_area
    passed = quorum and 2 * expected["yes"]["owners"] > voting[0]
    passed = passed and 2 * expected["yes"]["area_dm2"] > voting[1]
    problems = []
    if (motion.owners_total, motion.area_total_dm2) != (total_owners, total_area):
        problems.append(
            f"snapshot totals {motion.owners_total} owners, {motion.area_total_dm2} dm²;"
            f" independently {total_owners} owners, {total_area} dm²"
        )
    if motion.tally != expected:
        problems.append(f"tally {motion.tally}; independently {expected}")
    if (motion.quorum_met, motion.passed) != (quorum, passed):
        problems.append(f"quorum/passed {motion.quorum_met}/{motion.passed} vs {quorum}/{passed}")
    if not found["ballots"][0] == found["distinct heads"][0] == voting[0]:
        problems.append(
            f"{found['ballots'][0]} ballots, {voting[0]} traced to an owner,"
            f" {found['distinct heads'][0]} distinct owners"
        )
    counted = turnout.of([motion_id]).get(motion_id, turnout.rules.Count())
    if counted != turnout.live(motion_id):
        problems.append(f"turnout counters {counted}; ballots {turnout.live(motion_id)}")
    if problems:
        raise SystemExit(f"motion {motion_id}: " + "; ".join(problems))
    return {
        "owners": total_owners,
        "area": total_area,
        "voted": voting[0],
        "tally": expected,
        "outcome": ("passed" if passed else "rejected") if quorum else "no_quorum",
    }


def _bearer(user_id: int) -> dict:
    return {"Authorization": f"Bearer {issue_access_token(user_id, JWT_SECRET, 60)}"}


def _request_statements(app, path: str, headers: dict) -> int:
    """SQL statements one request runs (after a first one), in its own app context."""
    client = app.test_client()
    client.get(path, headers=headers)
    with app.app_context():
        engine = db.engine
    with _statements(engine) as seen:
        response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.get_json()}")
    return len(seen)


def _reads(base: str, endpoints: dict) -> tuple[list[float], dict]:
    """/healthz and each endpoint's requests/s in ROUNDS alternating rounds, with each
    endpoint's ratio to its round's /healthz (a busy machine drifts)."""
    healths, rounds = [], {name: [] for name in endpoints}
    for _ in range(ROUNDS):
        health = requests_per_second(f"{base}/healthz", {})
        healths.append(health)
        for name, (path, headers) in endpoints.items():
            rate = requests_per_second(f"{base}{path}", headers)
            rounds[name].append((rate, rate / health))
    return healths, rounds


# -- the ballot storm --------------------------------------------------------------------


def _storm_plan(motion_id: int) -> dict[int, list[tuple]]:
    """(elector, user, choice) tries of 2 x STORM_OWNERS verified owners spread over the
    estate: the first half tried once each, the others TRIES times in a row (the co-owner
    making the last try where the unit is co-owned); keyed by tries per owner."""
    rows = _sql(
        f"""SELECT e.id, min(v.user_id), max(v.user_id) FROM elector e
            JOIN elector_user v ON v.elector_id = e.id
            WHERE e.motion_id = :motion AND e.kind = 'owner'
            GROUP BY e.id ORDER BY {HASH.format(n="e.id")}, e.id LIMIT :owners""",
        motion=motion_id,
        owners=2 * STORM_OWNERS,
    ).all()
    plan = {1: [(elector, first, CHOICES[n % 3]) for n, (elector, first, _) in enumerate(rows)]}
    plan[1], plan[TRIES] = plan[1][:STORM_OWNERS], []
    for n, (elector, first, last) in enumerate(rows[STORM_OWNERS:]):
        users = [first] * (TRIES - 1) + [last]
        plan[TRIES] += [(elector, users[t], CHOICES[(n + t) % 3]) for t in range(TRIES)]
    return plan


def _storm(url: str, tries: list[tuple], per_owner: int) -> dict:
    """POST every try from CLIENTS threads, taking them in order (so an owner's tries run at
    once on different workers); no new owner is started after STORM_SECONDS."""
    headers = {user: _bearer(user) for _, user, _ in tries}
    results: list = [None] * len(tries)
    lock, cursor = threading.Lock(), [0]
    started = time.monotonic()

    def take():
        with lock:
            i = cursor[0]
            late = time.monotonic() >= started + STORM_SECONDS
            if i >= len(tries) or (i % per_owner == 0 and late):
                return None
            cursor[0] += 1
            return i

    def drive():
        with requests.Session() as session:
            while (i := take()) is not None:
                _, user, choice = tries[i]
                sent = time.monotonic()
                response = session.post(
                    url, json={"choice": choice}, headers=headers[user], timeout=30
                )
                code = None
                if response.status_code != 201:
                    code = (response.json().get("error") or {}).get("code")
                results[i] = (response.status_code, code, sent, time.monotonic())

    threads = [threading.Thread(target=drive) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "seconds": time.monotonic() - started,
        "tries": tries,
        "per_owner": per_owner,
        "results": results[: cursor[0]],
        "stopped": cursor[0] < len(tries),
    }


def _answered(storm: dict, winners: dict, problems: list) -> dict:
    """One storm's figures; adds each owner's one accepted try to ``winners`` and anything
    but one 201 and 409 already_voted for the rest to ``problems``."""
    results, tries, per = storm["results"], storm["tries"], storm["per_owner"]
    owners, overlapped = len(results) // per, 0
    for j in range(owners):
        mine = range(j * per, (j + 1) * per)
        won = [i for i in mine if results[i][0] == 201]
        lost = [i for i in mine if results[i][0] != 201]
        bad = [results[i][:2] for i in lost if results[i][:2] != (409, "already_voted")]
        if len(won) != 1 or bad:
            problems.append(f"owner {tries[j * per][0]}: {[results[i][:2] for i in mine]}")
            continue
        winners[tries[won[0]][0]] = tries[won[0]][1:]
        sent, done = results[won[0]][2:]
        overlapped += any(results[i][2] < done and results[i][3] > sent for i in lost)
    latencies = sorted(r[3] - r[2] for r in results)
    return {
        **storm,
        "owners": owners,
        "accepted": sum(r[0] == 201 for r in results),
        "conflicts": sum(r[0] == 409 for r in results),
        "co_owner_tries": sum(
            1 for i in range(len(results)) if tries[i][1] != tries[i - i % per][1]
        ),
        "overlapped": overlapped,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
    }


def _check_storms(motion_id: int, storms: list[dict]) -> tuple[list[dict], int]:
    """Each storm's figures and the ballots stored: exactly one per owner who tried, the one
    the 201 answered; SystemExit otherwise."""
    winners, problems = {}, []
    figures = [_answered(storm, winners, problems) for storm in storms]
    stored = {
        elector: (user, choice)
        for elector, user, choice in _sql(
            "SELECT elector_id, cast_by_id, choice FROM ballot WHERE motion_id = :m", m=motion_id
        )
    }
    if stored != winners:
        extra = len(set(stored) - set(winners))
        missing = len(set(winners) - set(stored))
        wrong = sum(stored[e] != w for e, w in winners.items() if e in stored)
        problems.append(
            f"database holds {len(stored)} ballots for {len(winners)} answered owners"
            f" ({extra} unanswered, {missing} missing, {wrong} with another caster or choice)"
        )
    if problems:
        raise SystemExit("ballot storm: " + "; ".join(problems[:5]))
    return figures, len(stored)


# -- the run -----------------------------------------------------------------------------


def main() -> None:
    bench_started = time.monotonic()
    recreate_database(DATABASE_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
    app = create_app(
        {
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "JWT_SECRET": JWT_SECRET,
            "SECRET_KEY": SECRET_KEY,
            "WECHAT_API_BASE": "http://127.0.0.1:9",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _log(f"building an estate of {UNITS:,} units (and one of {SMALL_UNITS})")
        started = time.monotonic()
        ids = _build()
        _analyze()
        build_seconds = time.monotonic() - started
        big, small = ids["big"], ids["small"]
        people = _people(big["estate"])
        _log(f"  {people} ({build_seconds:.1f}s with VACUUM ANALYZE)")

        motion = _announce(big["chair"], big["estate"])
        storm_motion = _announce(big["chair"], big["estate"])
        small_motion = _announce(small["chair"], small["estate"])
        _log("1a) eligibility snapshots")
        small_open = _advance(small_motion, "opens_at")
        big_open = _advance(motion, "opens_at")
        again_open = _advance(storm_motion, "opens_at")
        electors = db.session.scalar(
            text("SELECT count(*) FROM elector WHERE motion_id = :m"), {"m": motion}
        )
        _analyze()  # as autovacuum soon would after the snapshots' rows
        _log("1b) ballots in bulk")
        started = time.perf_counter()
        cast = _cast_in_bulk(motion, big["chair"])
        cast_seconds = time.perf_counter() - started
        _cast_in_bulk(small_motion, small["chair"])
        _analyze()
        voter = db.session.scalar(
            text(
                "SELECT cast_by_id FROM ballot WHERE motion_id = :m AND channel = 'miniprogram'"
                " ORDER BY id LIMIT 1"
            ),
            {"m": motion},
        )
        plan = _storm_plan(storm_motion)
        db.session.remove()

    endpoints = {
        "motion (owner who voted)": (f"/api/v1/motions/{motion}", _bearer(voter)),
        "estate's motions (same owner)": (
            f"/api/v1/estates/{big['estate']}/motions?page=1&page_size=20",
            _bearer(voter),
        ),
    }
    queries = {name: _request_statements(app, *ep) for name, ep in endpoints.items()}
    with gunicorn(api_bench._env(DATABASE_URL, REDIS_URL)) as base:
        _log("1c) reads under gunicorn while voting is open")
        requests_per_second(f"{base}/healthz", {})  # warm up every worker
        healths, rounds = _reads(base, endpoints)
        url = f"{base}/api/v1/motions/{storm_motion}/ballots"
        storms, healths_around = [], [requests_per_second(f"{base}/healthz", {})]
        for per_owner, tries in plan.items():
            _log(f"2) ballots: {len(tries) // per_owner:,} owners x {per_owner} at once")
            storms.append(_storm(url, tries, per_owner))
            healths_around.append(requests_per_second(f"{base}/healthz", {}))
        for n, storm in enumerate(storms):  # each against /healthz just before and after
            storm["health"] = (healths_around[n] + healths_around[n + 1]) / 2

    with app.app_context():
        storm_figures, stored = _check_storms(storm_motion, storms)
        _log("1d) tallies")
        small_close = _advance(small_motion, "closes_at")
        big_close = _advance(motion, "closes_at")
        storm_close = _advance(storm_motion, "closes_at")
        checked = _verify(motion)
        _verify(small_motion)
        _verify(storm_motion)
        db.session.remove()

    print()
    print(f"votes: estate built in {build_seconds:.1f}s: {people}")
    print(
        f"1) {electors:,} electors in the snapshot (owners_total {checked['owners']:,},"
        f" {checked['area'] / 100:,.2f} m²)"
    )
    _print_step("a) snapshot, advance at opens_at", big_open, small_open)
    _print_step("   the same for a 2nd motion", again_open, small_open)
    print(
        f"  b) {cast:,} ballots ({cast / electors:.0%} of electors) in one INSERT ... SELECT:"
        f" {cast_seconds:.2f} s (setup)"
    )
    print(
        f"  c) while open: gunicorn sync workers={WORKERS}, {CLIENTS} clients, {ROUNDS}"
        f" alternating rounds of {SECONDS:.0f}s (medians)"
    )
    print(f"     GET /healthz {statistics.median(healths):8.1f} req/s   (1.00)")
    for name, (path, _) in endpoints.items():
        rates = rounds[name]
        spread = ", ".join(f"{r:.3f}" for _, r in rates)
        print(
            f"     GET {path}  {name}: {statistics.median(r for r, _ in rates):.1f} req/s"
            f"   ({statistics.median(r for _, r in rates):.3f} of /healthz; rounds {spread}),"
            f" {queries[name]} SQL statements per request"
        )
    _print_step("d) close + tally, advance at closes_at", big_close, small_close)
    _print_step("   the same for the 2nd motion", storm_close, small_close)
    print(
        f"     tally = SQL from units, memberships and ballots: {checked['voted']:,} voted;"
        + ";".join(
            f" {c} {t['owners']:,} owners {t['area_dm2'] / 100:,.2f} m²"
            for c, t in checked["tally"].items()
        )
        + f" -> {checked['outcome']} (both motions and the {SMALL_UNITS}-unit one checked)"
    )
    print(
        f"2) ballots under gunicorn, {CLIENTS} clients, each phase stopping at"
        f" {STORM_SECONDS:.0f}s, against the mean /healthz just before and after"
    )
    for f in storm_figures:
        rate = f["accepted"] / f["seconds"]
        how = "once each" if f["per_owner"] == 1 else f"{f['per_owner']} tries each at once"
        print(
            f"  {f['owners']:,} owners {how}"
            + (f" ({f['co_owner_tries']:,} tries by a co-owner)" if f["co_owner_tries"] else "")
            + f", {f['seconds']:.1f}s{' (time limit)' if f['stopped'] else ''}:"
            f" accepted {rate:.1f} ballots/s ({rate / f['health']:.3f} of /healthz"
            f" {f['health']:.1f} req/s),"
            f" all tries {len(f['results']) / f['seconds']:.1f}/s, p50 {f['p50']:.0f} ms,"
            f" p95 {f['p95']:.0f} ms; 409 already_voted {f['conflicts']:,}"
            + (
                f" (every other try; {f['overlapped']:,} owners had a losing try in flight"
                " with the winning one)"
                if f["per_owner"] > 1
                else ""
            )
        )
    print(
        f"  ballots in the database {stored:,} = owners who tried"
        f" {sum(f['owners'] for f in storm_figures):,}: 0 duplicates, each the answered one"
    )
    print(f"  whole bench {time.monotonic() - bench_started:.0f}s")
    for label, (_, seen), (_, small_seen) in (
        ("snapshot", big_open, small_open),
        ("tally", big_close, small_close),
    ):
        if len(seen) - len(small_seen) >= electors // 100:
            raise SystemExit(f"the {label} runs SQL per owner ({len(seen)} statements)")


def _print_step(label: str, step: tuple, small: tuple) -> None:
    (seconds, seen), (_, small_seen) = step, small
    sql = sum(elapsed for _, elapsed in seen)
    print(
        f"  {label}: {seconds:.3f} s (SQL {sql:.3f} s), {len(seen)} SQL statements"
        f" ({_kinds(seen)}); {len(small_seen)} on {SMALL_UNITS} units"
    )
