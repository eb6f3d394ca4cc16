"""Tickets (随手拍) at scale, as ratios measured on the same machine.

1. 1,000,000 tickets over 1,000 estates of one county, one "hot" estate holding 10% of them,
   three years of history (old ones closed, rejected or marked duplicate, a few stuck and
   escalated to the county; recent ones at every step of the loop). Under gunicorn (as
   bench/api.py measures, in alternating rounds) the requests/s of the hot estate's list
   (an owner), its in-progress list, the work list of its property manager and of a county
   officer (every handling ticket at level 4 in the county), each as a ratio to /healthz;
   the SQL statements one request runs; and EXPLAIN ANALYZE of each list's page query and
   count query (the plan, and whether it reads ticket with a Seq Scan).
2. escalate_overdue over 100,000 submitted tickets past their deadline (100 per estate, each
   estate with an active group chat and a committee chair to notify), at one fixed moment:
   a) as the scheduler runs it (batches of 500), handed no new batch after JOB_SECONDS (the
   whole backlog would take far longer than the bench may); b) the rest in one batch, which
   shows the per-ticket floor once each estate's digest is written once; c) again, which
   must escalate nothing. Seconds, tickets/s, SQL statements, outbox rows and digests; the
   bench fails unless every ticket climbed exactly once.

Places and people are written with INSERT ... SELECT, tickets with one INSERT ... SELECT
generate_series (values derived from a multiplicative hash of the row number, so every run
builds the same data), without JIT and without foreign-key triggers (session_replication_role
= replica, so the database user must be a superuser, as postgres is here): that halves the
load. Bounded: fixed sizes, a fixed number of seconds per endpoint and for the job.
"""

import os
import re
import statistics
import time
from contextlib import contextmanager
from unittest.mock import patch

import redis
from sqlalchemy import event, func, select, text

from backend import create_app
from backend.accounts.tokens import issue_access_token
from backend.common.clock import utcnow
from backend.common.dbadmin import recreate_database
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.tickets import escalation, rules, tally
from backend.tickets.models import TicketDigest
from bench import api as api_bench
from bench.api import CLIENTS, JWT_SECRET, SECONDS, SECRET_KEY, WORKERS, gunicorn
from bench.common import patient_requests_per_second

DATABASE_URL = os.environ.get(
    "LINLI_BENCH_TICKETS_DATABASE_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_tickets",
)
REDIS_URL = os.environ.get("LINLI_BENCH_TICKETS_REDIS_URL", "redis://127.0.0.1:6379/8")
TICKETS = int(os.environ.get("LINLI_BENCH_TICKETS", "1000000"))
OVERDUE = int(os.environ.get("LINLI_BENCH_TICKETS_OVERDUE", "100000"))
ESTATES = 1000  # 4 townships x 5 communities x 50 estates
HOT_EVERY = 10  # one ticket in ten is the hot estate's
DAYS = 3 * 365  # of history
ROUNDS = int(os.environ.get("LINLI_BENCH_TICKETS_ROUNDS", "3"))
# How long the job runs as scheduled before the rest of the backlog is taken in one batch.
JOB_SECONDS = float(os.environ.get("LINLI_BENCH_TICKETS_JOB_SECONDS", "60"))
REQUEST_TIMEOUT = 60  # seconds: a list reading the whole table, 8 at a time, on 2 cores
TEMPLATE_ID = "bench-ticket-template"  # so the job also writes "now yours" notices

# How often people report each category, in percent (a wheel of 100 slots).
WEIGHTS = {
    "cleaning": 20,
    "parking": 15,
    "ebike": 12,
    "lighting": 10,
    "drains": 8,
    "pavement": 8,
    "green_land": 7,
    "security": 6,
    "elevator": 6,
    "fire_safety": 4,
    "other": 4,
}
TEXTS = {
    "cleaning": "楼下垃圾桶满了两天没人清运，气味很大",
    "parking": "消防通道被私家车长期占用",
    "ebike": "电动车在楼道里充电，飞线从窗户拉下来",
    "lighting": "楼道感应灯坏了，晚上上下楼看不见",
    "drains": "雨水井堵塞，下雨后路面积水",
    "pavement": "小区主路有一处塌陷，电动车容易摔倒",
    "green_land": "绿化带土裸露，刮风扬尘",
    "security": "单元门禁坏了，外来人员随意进出",
    "elevator": "电梯运行时有异响，停靠不平",
    "fire_safety": "消防栓箱门损坏，灭火器过期",
    "other": "健身器材松动，存在安全隐患",
}
CODES = list(WEIGHTS)
WHEEL = [n + 1 for n, code in enumerate(CODES) for _ in range(WEIGHTS[code])]
LIST_PAGE = "page=1&page_size=20"


def _log(message: str) -> None:
    print(f"tickets: {message}", flush=True)


def _env() -> dict:
    return api_bench._env(DATABASE_URL, REDIS_URL)


def _sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)


def _bulk() -> None:
    """Settings for a load transaction: no JIT (compiling these statements takes longer than
    running them) and no foreign-key triggers (every id is read from rows just written)."""
    _sql("SET LOCAL jit = off")
    _sql("SET LOCAL session_replication_role = replica")


# -- places and people -------------------------------------------------------------------


def _places_and_people() -> dict:
    """County, townships, communities, estates (4 buildings, 12 units, 12 owners, a property
    manager and a committee chair each), an auditor per community, an officer per township
    and one for the county. Returns the ids the bench measures with."""
    county = db.session.scalar(text("INSERT INTO county (name) VALUES ('工单压测县') RETURNING id"))
    steps = [
        "INSERT INTO township (county_id, name)"
        " SELECT :county, '压测镇' || t FROM generate_series(1, 4) t",
        "INSERT INTO community (township_id, name) SELECT t.id, t.name || '社区' || c"
        " FROM township t, generate_series(1, 5) c WHERE t.county_id = :county",
        """INSERT INTO estate (community_id, township_id, county_id, name, address)
           SELECT c.id, c.township_id, :county, '压测小区' || lpad((c.n * 50 + e)::text, 4, '0'),
                  '压测路' || e || '号'
           FROM (SELECT c.*, row_number() OVER (ORDER BY c.id) - 1 AS n
                 FROM community c JOIN township t ON t.id = c.township_id
                 WHERE t.county_id = :county) c, generate_series(1, 50) e""",
        "INSERT INTO building (estate_id, name)"
        " SELECT e.id, b || '栋' FROM estate e, generate_series(1, 4) b",
        """INSERT INTO unit (estate_id, building_id, number, floor, area_dm2, is_developer_unsold)
           SELECT b.estate_id, b.id, (f * 100 + 1)::text, f, 8000 + f * 137, false
           FROM building b, generate_series(1, 3) f""",
        # Every person signs in with WeChat (openid), so each can be notified.
        """INSERT INTO "user" (openid, display_name, real_name, is_active, created_at)
           SELECT 'bench-owner-' || u.id, '业主' || u.id, '张' || u.id, true, now() FROM unit u""",
        """INSERT INTO membership (user_id, role, scope_kind, scope_id, estate_id, created_at)
           SELECT p.id, 'owner', 'unit', u.id, u.estate_id, now()
           FROM unit u JOIN "user" p ON p.openid = 'bench-owner-' || u.id""",
    ]
    for role, kind, table, name in (
        ("property_manager", "estate", "estate", "物业经理"),
        ("committee_chair", "estate", "estate", "业委会主任"),
        ("auditor", "community", "community", "监管员"),
        ("township_officer", "township", "township", "街道干部"),
        ("county_officer", "county", "county", "住建局干部"),
    ):
        estate = "p.place" if kind == "estate" else "NULL"
        steps += [
            f"""INSERT INTO "user" (openid, display_name, real_name, is_active, created_at)
                SELECT 'bench-{role}-' || id, '{name}' || id, '李' || id, true, now()
                FROM {table}""",
            f"""INSERT INTO membership (user_id, role, scope_kind, scope_id, estate_id, created_at)
                SELECT p.id, '{role}', '{kind}', p.place, {estate}, now()
                FROM (SELECT id, substr(openid, {len(role) + 8})::int AS place FROM "user"
                      WHERE openid LIKE 'bench-{role}-%') p""",
        ]
    for step in steps:
        _sql(step, county=county)
    ids = db.session.execute(
        text(
            """SELECT e.id AS hot,
                      (SELECT min(user_id) FROM membership
                       WHERE estate_id = e.id AND role = 'owner') AS owner,
                      (SELECT user_id FROM membership
                       WHERE estate_id = e.id AND role = 'property_manager') AS manager,
                      (SELECT user_id FROM membership
                       WHERE scope_id = :county AND role = 'county_officer') AS officer
               FROM estate e WHERE e.county_id = :county ORDER BY e.id LIMIT 1"""
        ),
        {"county": county},
    ).one()
    db.session.commit()
    return {"county": county, **ids._asdict()}


# -- tickets -----------------------------------------------------------------------------

# Each estate's place ids, buildings, owners and staff, numbered 0..ESTATES-1 by id.
ESTATES_CTE = """
    e AS (
        SELECT e.id, e.community_id, e.township_id, e.county_id,
               row_number() OVER (ORDER BY e.id) - 1 AS n,
               (SELECT array_agg(b.id ORDER BY b.id) FROM building b
                WHERE b.estate_id = e.id) AS buildings,
               (SELECT array_agg(m.user_id ORDER BY m.user_id) FROM membership m
                WHERE m.estate_id = e.id AND m.role = 'owner') AS owners,
               (SELECT min(m.user_id) FROM membership m
                WHERE m.estate_id = e.id AND m.role = 'property_manager') AS manager,
               (SELECT min(m.user_id) FROM membership m
                WHERE m.estate_id = e.id AND m.role = 'committee_chair') AS chair
        FROM estate e WHERE e.county_id = :county
    )"""

# Columns every ticket shares, from ``t`` (g, h, the category's index c, status, level,
# created_at, due dates) joined to its estate ``e``.
TICKET_COLUMNS = """
    estate_id, community_id, township_id, county_id, category, channel, description,
    building_id, location_text, map_x, map_y, lat_e6, lng_e6, reporter_id, client_token,
    hotline_case_no, caller_name, caller_phone, entered_by_id, status, assignee_id,
    reject_reason, escalation_level, accept_due_at, reply_due_at, escalate_at, escalated_at,
    missed_deadline, accepted_at, replied_at, closed_at, close_reason, rating, rated_at,
    reopen_count, supporter_count, photo_count, created_at, updated_at, version"""
TICKET_VALUES = """
    e.id, e.community_id, e.township_id, e.county_id, (CAST(:codes AS text[]))[t.c],
    t.channel, (CAST(:texts AS text[]))[t.c] || '（' || t.g || '）',
    e.buildings[1 + (t.h >> 19)::int % 4], '单元门口', (t.h >> 4) % 1000, (t.h >> 14) % 1000,
    24950000 + t.h % 20000, 118170000 + (t.h >> 8) % 20000,
    CASE WHEN t.channel <> 'hotline' THEN e.owners[1 + (t.h >> 13)::int % 12] END,
    CASE WHEN t.channel = 'miniprogram' THEN 'bench-' || t.g END,
    CASE WHEN t.channel = 'hotline' THEN '12345-' || lpad(t.g::text, 8, '0') END,
    CASE WHEN t.channel = 'hotline' THEN '王先生' END,
    CASE WHEN t.channel = 'hotline' THEN '1380000' || lpad((t.g % 10000)::text, 4, '0') END,
    CASE WHEN t.channel IN ('hotline', 'console') THEN e.manager END,
    t.status,
    CASE WHEN t.status IN ('assigned', 'in_progress', 'replied', 'closed')
         AND (t.h >> 15) % 3 = 0 THEN e.chair END,
    CASE WHEN t.status = 'rejected' THEN '不属于物业服务范围' END,
    t.level, t.accept_due, t.reply_due, CASE WHEN t.level < 4 THEN t.escalate_at END,
    CASE WHEN t.level > 0 THEN t.created + make_interval(days => t.level) END,
    t.level > 0, t.accepted, t.replied, t.closed,
    CASE WHEN t.status = 'closed' THEN t.close_reason END,
    CASE WHEN t.close_reason = 'rated' THEN 3 + (t.h >> 9)::int % 3 END,
    CASE WHEN t.close_reason = 'rated' THEN t.closed END,
    CASE WHEN t.status = 'closed' AND (t.h >> 27) % 50 = 0 THEN 1 ELSE 0 END,
    CASE WHEN (t.h >> 21) % 20 = 0 THEN 1 + (t.h >> 23)::int % 3 ELSE 0 END,
    1 + (t.h >> 25)::int % 3, t.created, coalesce(t.closed, t.replied, t.accepted, t.created), 1"""

# Three years of tickets, oldest first (so ids follow created_at). Status by age: the last
# day's still waiting or just accepted; the last ten days' at every step; older ones closed,
# rejected or duplicates, except one in 200 stuck in progress and escalated to the county.
HISTORY = f"""
WITH {ESTATES_CTE},
g AS (
    SELECT g, (g * 2654435761) % 4294967296 AS h,
           (:total - 1 - g)::float8 / :total * :days AS age
    FROM generate_series(0, :total - 1) g
),
s AS (
    SELECT g.*,
           CASE WHEN g % :hot_every = 0 THEN 0 ELSE 1 + (h >> 2) % (:estates - 1) END AS n,
           (CAST(:wheel AS int[]))[1 + (h % 100)::int] AS c,
           CASE WHEN (h >> 11) % 100 < 85 THEN 'miniprogram'
                WHEN (h >> 11) % 100 < 93 THEN 'group_chat'
                WHEN (h >> 11) % 100 < 98 THEN 'hotline' ELSE 'console' END AS channel,
           CASE WHEN age < 1 THEN
                     CASE WHEN (h >> 7) % 1000 < 600 THEN 'submitted'
                          WHEN (h >> 7) % 1000 < 800 THEN 'accepted' ELSE 'in_progress' END
                WHEN age < 10 THEN
                     CASE WHEN (h >> 7) % 1000 < 100 THEN 'submitted'
                          WHEN (h >> 7) % 1000 < 200 THEN 'accepted'
                          WHEN (h >> 7) % 1000 < 350 THEN 'assigned'
                          WHEN (h >> 7) % 1000 < 650 THEN 'in_progress' ELSE 'replied' END
                WHEN age < 30 THEN
                     CASE WHEN (h >> 7) % 1000 < 50 THEN 'in_progress'
                          WHEN (h >> 7) % 1000 < 80 THEN 'rejected'
                          WHEN (h >> 7) % 1000 < 100 THEN 'duplicate' ELSE 'closed' END
                ELSE CASE WHEN (h >> 7) % 1000 < 5 THEN 'in_progress'
                          WHEN (h >> 7) % 1000 < 35 THEN 'rejected'
                          WHEN (h >> 7) % 1000 < 55 THEN 'duplicate' ELSE 'closed' END
           END AS status,
           CAST(:now AS timestamptz) - make_interval(secs => age * 86400) AS created,
           CASE WHEN (h >> 29) % 10 < 7 THEN 'rated' ELSE 'not_rated' END AS close_reason
    FROM g
),
t AS (
    SELECT s.*,
           CASE WHEN status IN ('submitted', 'accepted', 'assigned', 'in_progress')
                THEN CASE WHEN age >= 30 THEN 4 ELSE least(4, floor(age / 2))::int END
                ELSE CASE WHEN (h >> 17) % 100 < 85 THEN 0 WHEN (h >> 17) % 100 < 94 THEN 1
                          WHEN (h >> 17) % 100 < 98 THEN 2 WHEN (h >> 17) % 100 < 99 THEN 3
                          ELSE 4 END
           END AS level,
           CASE WHEN status IN ('submitted', 'accepted', 'assigned', 'in_progress')
                THEN CAST(:now AS timestamptz) + make_interval(hours => 1 + (h >> 3)::int % 48)
           END AS escalate_at,
           created + make_interval(hours => (CAST(:accept AS int[]))[c]) AS accept_due,
           created + make_interval(hours => (CAST(:accept AS int[]))[c]
                                           + (CAST(:reply AS int[]))[c]) AS reply_due,
           CASE WHEN status NOT IN ('submitted', 'rejected', 'duplicate')
                THEN created + make_interval(mins => 10 + (h >> 5)::int % 600) END AS accepted,
           CASE WHEN status IN ('replied', 'closed')
                THEN created + make_interval(secs => least(age * 43200, 3600 + (h >> 6) % 259200))
           END AS replied,
           CASE WHEN status = 'closed'
                THEN created + make_interval(secs => least(age * 43200, 3600 + (h >> 6) % 259200)
                                                     + (h >> 5) % 604800)
                WHEN status IN ('rejected', 'duplicate')
                THEN created + make_interval(mins => 30 + (h >> 5)::int % 600) END AS closed
    FROM s
)
INSERT INTO ticket ({TICKET_COLUMNS})
SELECT {TICKET_VALUES}
FROM t JOIN e ON e.n = t.n
ORDER BY t.g
"""

# Submitted tickets past their deadline to accept (by a minute to 30 days), 100 an estate.
OVERDUE_TICKETS = f"""
WITH {ESTATES_CTE},
s AS (
    SELECT g, h, g % :estates AS n, (CAST(:wheel AS int[]))[1 + (h % 100)::int] AS c,
           'miniprogram' AS channel, 'submitted' AS status, 0 AS level,
           NULL AS close_reason, NULL::timestamptz AS accepted, NULL::timestamptz AS replied,
           NULL::timestamptz AS closed,
           CAST(:now AS timestamptz) - make_interval(mins => 1 + (h >> 3)::int % 43200)
               AS accept_due
    FROM (SELECT g, (g * 2654435761) % 4294967296 AS h
          FROM generate_series(:first, :first + :total - 1) g) g
),
t AS (
    SELECT s.*, accept_due AS escalate_at,
           accept_due - make_interval(hours => (CAST(:accept AS int[]))[c]) AS created,
           accept_due + make_interval(hours => (CAST(:reply AS int[]))[c]) AS reply_due
    FROM s
)
INSERT INTO ticket ({TICKET_COLUMNS})
SELECT {TICKET_VALUES}
FROM t JOIN e ON e.n = t.n
ORDER BY t.g
"""


def _hours(county: int) -> dict:
    """Per-category hours to accept and to reply, as the services would set them."""
    hours = [rules.hours_for(county, code) for code in CODES]
    return {"accept": [a for a, _ in hours], "reply": [r for _, r in hours]}


def _history(county: int, now) -> None:
    _bulk()
    _sql(
        HISTORY,
        county=county,
        now=now,
        total=TICKETS,
        days=DAYS,
        hot_every=HOT_EVERY,
        estates=ESTATES,
        wheel=WHEEL,
        codes=CODES,
        texts=[TEXTS[c] for c in CODES],
        **_hours(county),
    )
    tally.rebuild()  # its triggers were off for the load
    db.session.commit()


def _hot_estate_extras(hot: int, owner: int) -> None:
    """The hot estate's photos, events (created; escalated, one per rung climbed) and the
    measured owner's "me too"s, so the list's per-page lookups find rows."""
    _bulk()
    _sql(
        """INSERT INTO ticket_photo (estate_id, ticket_id, uploaded_by_id, storage_key,
               thumb_key, sha256, width, height, size, created_at)
           SELECT t.estate_id, t.id, coalesce(t.reporter_id, t.entered_by_id),
                  'bench/photo-' || t.id || '-' || p, 'bench/thumb-' || t.id || '-' || p,
                  md5(t.id || '-' || p) || md5(p || '-' || t.id), 1600, 1200, 240000, t.created_at
           FROM ticket t, generate_series(1, t.photo_count) p WHERE t.estate_id = :hot""",
        hot=hot,
    )
    _sql(
        """INSERT INTO ticket_event (ticket_id, estate_id, kind, from_status, to_status,
               actor_id, actor_label, escalation_level, created_at)
           SELECT id, estate_id, 'created', NULL, 'submitted', reporter_id, '业主 张*', 0,
                  created_at
           FROM ticket WHERE estate_id = :hot
           UNION ALL
           SELECT t.id, t.estate_id, 'escalated', t.status, t.status, NULL, '系统', l,
                  t.created_at + make_interval(days => l)
           FROM ticket t, generate_series(1, t.escalation_level) l WHERE t.estate_id = :hot""",
        hot=hot,
    )
    _sql(
        """INSERT INTO ticket_supporter (ticket_id, user_id, created_at)
           SELECT id, :owner, created_at + interval '1 hour' FROM ticket
           WHERE estate_id = :hot AND id % 40 = 0 AND reporter_id IS DISTINCT FROM :owner""",
        hot=hot,
        owner=owner,
    )
    db.session.commit()


def _overdue(county: int, now) -> None:
    """An active robot group per estate, and OVERDUE submitted tickets past their deadline."""
    _bulk()
    _sql(
        """INSERT INTO group_chat (estate_id, name, channel, address, active, created_at,
               updated_at)
           SELECT id, name || '监督群', 'wecom_robot', 'bench-robot-' || id, true, :now, :now
           FROM estate WHERE county_id = :county""",
        county=county,
        now=now,
    )
    _sql(
        OVERDUE_TICKETS,
        county=county,
        now=now,
        first=TICKETS,
        total=OVERDUE,
        estates=ESTATES,
        wheel=WHEEL,
        codes=CODES,
        texts=[TEXTS[c] for c in CODES],
        **_hours(county),
    )
    tally.rebuild()
    db.session.commit()


def _analyze(vacuum: bool = False) -> None:
    """ANALYZE (with VACUUM after a load: what autovacuum would soon do anyway)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)" if vacuum else "ANALYZE"))


def _sizes(hot: int) -> str:
    counts = db.session.execute(
        text(
            """SELECT (SELECT count(*) FROM estate), (SELECT count(*) FROM ticket),
                      (SELECT count(*) FROM ticket WHERE estate_id = :hot),
                      (SELECT count(*) FROM ticket_event), (SELECT count(*) FROM ticket_photo)"""
        ),
        {"hot": hot},
    ).one()
    return "{:,} estates, {:,} tickets ({:,} in the hot estate), {:,} events, {:,} photos".format(
        *counts
    )


# -- measuring ---------------------------------------------------------------------------


@contextmanager
def _statements(engine, keep: bool = True):
    """The (statement, parameters) pairs run on ``engine`` inside the block (or as many
    Nones)."""
    seen = []

    def record(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters) if keep else None)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _request(app, engine, path: str, headers: dict) -> tuple[list, int]:
    """The statements one request runs (after a first one) and the list's total."""
    client = app.test_client()
    client.get(path, headers=headers)
    with _statements(engine) as seen:
        response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.get_json()}")
    return seen, response.get_json()["total"]


def _plan_lines(node: dict, depth: int = 1) -> list[str]:
    what = node["Node Type"]
    if "Index Name" in node:
        what += f" using {node['Index Name']}"
    if "Relation Name" in node:
        what += f" on {node['Relation Name']}"
    lines = [
        f"{'  ' * depth}{what}  (rows {node['Actual Rows']:,}, {node['Actual Total Time']:.2f} ms)"
    ]
    for child in node.get("Plans", []):
        lines += _plan_lines(child, depth + 1)
    return lines


def _seq_scan_on_ticket(node: dict) -> bool:
    here = node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "ticket"
    return here or any(_seq_scan_on_ticket(child) for child in node.get("Plans", []))


def _explain(engine, statement: str, parameters) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured statement, the second of two runs."""
    with engine.connect() as conn:
        for _ in range(2):
            explained = conn.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters
            ).scalar()[0]
        conn.rollback()
    plan = explained["Plan"]
    return {
        "ms": explained["Execution Time"],
        "jit": explained.get("JIT", {}).get("Timing", {}).get("Total"),
        "seq": _seq_scan_on_ticket(plan),
        "lines": _plan_lines(plan),
    }


def _ticket_queries(seen: list) -> dict:
    """The page query and the count query (when the page does not carry the total) among a
    list request's statements."""
    found = {}
    for statement, parameters in seen:
        if not re.search(r"\bFROM ticket\b", statement):
            continue
        key = "count" if statement.lstrip().startswith("SELECT count(*)") else "page"
        found.setdefault(key, (statement, parameters))
    return found


def _requests_per_second(url: str, headers: dict) -> float:
    return patient_requests_per_second(url, headers, CLIENTS, SECONDS, REQUEST_TIMEOUT)


def _rates(endpoints: dict) -> tuple[list[float], dict]:
    """/healthz and each endpoint's requests/s under gunicorn, in ROUNDS rounds; with each
    endpoint's ratio to that round's /healthz (a busy machine drifts)."""
    healths, rounds = [], {name: [] for name in endpoints}
    with gunicorn(_env()) as base:
        _requests_per_second(f"{base}/healthz", {})  # warm up every worker
        for _ in range(ROUNDS):
            health = _requests_per_second(f"{base}/healthz", {})
            healths.append(health)
            for name, (path, headers) in endpoints.items():
                rate = _requests_per_second(f"{base}{path}", headers)
                rounds[name].append((rate, rate / health))
    return healths, rounds


def _run(engine, now, batch: int, seconds: float | None = None) -> dict:
    """escalate_overdue(now, batch), timed, with its SQL statements counted. With ``seconds``
    it is handed no new batch once they have passed (as if it had reached a job timeout,
    but at a batch boundary, so what it committed is whole)."""
    climb, deadline = escalation._climb, time.perf_counter() + (seconds or float("inf"))

    def bounded(now, size):
        return climb(now, size) if time.perf_counter() < deadline else []

    with patch.object(escalation, "_climb", bounded), _statements(engine, keep=False) as seen:
        started = time.perf_counter()
        climbed = escalation.escalate_overdue(now, batch)
        elapsed = time.perf_counter() - started
    return {"climbed": climbed, "seconds": elapsed, "statements": len(seen), "batch": batch}


def _escalate(engine, now) -> dict:
    """The backlog escalated as scheduled for JOB_SECONDS, the rest in one batch, then the
    same run again; with what was written."""
    runs = [_run(engine, now, escalation.BATCH, JOB_SECONDS)]
    rest = OVERDUE - runs[0]["climbed"]
    if rest:
        runs.append(_run(engine, now, rest))
    outbox = db.session.execute(
        select(OutboxMessage.topic, func.count()).group_by(OutboxMessage.topic)
    ).all()
    written = {
        "outbox": dict(outbox),
        "digests": db.session.scalar(
            select(func.count()).select_from(TicketDigest).where(TicketDigest.kind == "escalation")
        ),
        "events": db.session.execute(
            text(
                "SELECT count(*), count(DISTINCT ticket_id) FROM ticket_event"
                " WHERE kind = 'escalated' AND created_at = :now"
            ),
            {"now": now},
        ).one(),
    }
    again = _run(engine, now, escalation.BATCH)
    outbox_after = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    return {"runs": runs, "again": again, "outbox_after": outbox_after, **written}


def _timed(label: str, action) -> float:
    started = time.monotonic()
    action()
    seconds = time.monotonic() - started
    _log(f"  {label} ({seconds:.1f}s)")
    return seconds


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
            "TICKET_TEMPLATE_ID": TEMPLATE_ID,
        }
    )
    now = utcnow().replace(microsecond=0)
    build = {}
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        engine = db.engine
        _log(f"1) building {TICKETS:,} tickets over {ESTATES:,} estates")
        ids = {}
        build["places and people"] = _timed(
            "places and people", lambda: ids.update(_places_and_people())
        )
        county, hot = ids["county"], ids["hot"]
        build["tickets"] = _timed(f"{TICKETS:,} tickets", lambda: _history(county, now))
        build["hot estate's photos, events, me-toos"] = _timed(
            "the hot estate's photos, events and me-toos",
            lambda: _hot_estate_extras(hot, ids["owner"]),
        )
        build["VACUUM ANALYZE"] = _timed("VACUUM ANALYZE", lambda: _analyze(vacuum=True))
        sizes = _sizes(hot)
        _log(f"  {sizes}")
        db.session.remove()

    def bearer(user_id: int) -> dict:
        return {"Authorization": f"Bearer {issue_access_token(user_id, JWT_SECRET, 60)}"}

    estate_list = f"/api/v1/estates/{hot}/tickets"
    endpoints = {
        "estate list (owner)": (f"{estate_list}?{LIST_PAGE}", bearer(ids["owner"])),
        "estate list, in_progress (owner)": (
            f"{estate_list}?status=in_progress&{LIST_PAGE}",
            bearer(ids["owner"]),
        ),
        "work list (property manager)": (
            f"/api/v1/tickets/work?{LIST_PAGE}",
            bearer(ids["manager"]),
        ),
        "work list (county officer)": (
            f"/api/v1/tickets/work?{LIST_PAGE}",
            bearer(ids["officer"]),
        ),
    }
    _log("1) SQL statements and EXPLAIN ANALYZE of each list")
    queries = {}
    for name, (path, headers) in endpoints.items():
        seen, total = _request(app, engine, path, headers)
        found = _ticket_queries(seen)
        queries[name] = {
            "statements": len(seen),
            "total": total,
            **{key: _explain(engine, *found[key]) for key in found},
        }
    # The estate lists' totals come from the ticket tally: they must be the live counts.
    with app.app_context():
        for name, status in (
            ("estate list (owner)", None),
            ("estate list, in_progress (owner)", "in_progress"),
        ):
            live = db.session.scalar(
                text(
                    "SELECT count(*) FROM ticket"
                    " WHERE estate_id = :e AND status = coalesce(:s, status)"
                ),
                {"e": hot, "s": status},
            )
            if live != queries[name]["total"]:
                raise SystemExit(f"{name}: total {queries[name]['total']:,}, counted {live:,}")
        db.session.remove()
    _log("1) requests/s under gunicorn")
    healths, rounds = _rates(endpoints)

    _log(f"2) {OVERDUE:,} submitted tickets past their deadline, a group chat per estate")
    with app.app_context():
        build["overdue tickets and group chats"] = _timed(
            f"{OVERDUE:,} overdue tickets", lambda: _overdue(county, now)
        )
        build["ANALYZE"] = _timed("ANALYZE", _analyze)
        _log("2) escalate_overdue")
        job = _escalate(db.engine, now)
        db.session.remove()

    print()
    print(f"tickets: data built in {sum(build.values()):.0f}s", end="")
    print(" (" + ", ".join(f"{k} {v:.0f}s" for k, v in build.items()) + ")")
    print(f"  {sizes}")
    print(
        f"1) gunicorn sync workers={WORKERS}, {CLIENTS} clients, {ROUNDS} alternating rounds of"
        f" {SECONDS:.0f}s per endpoint (medians)"
    )
    print(f"  GET /healthz {statistics.median(healths):8.1f} req/s   (1.00)")
    for name, (path, _headers) in endpoints.items():
        rates = rounds[name]
        ratio = statistics.median(r for _, r in rates)
        spread = ", ".join(f"{r:.3f}" for _, r in rates)
        info = queries[name]
        print(f"  GET {path}   {name}")
        print(
            f"     {statistics.median(rate for rate, _ in rates):8.1f} req/s   ({ratio:.3f} of"
            f" /healthz; rounds {spread}), {info['statements']} SQL statements per request,"
            f" total {info['total']:,}"
        )
        for key in ("page", "count"):
            if key not in info:
                continue
            plan = info[key]
            seq = "yes" if plan["seq"] else "no"
            jit = f", JIT {plan['jit']:.0f} ms of it" if plan["jit"] else ""
            print(f"     {key} query: {plan['ms']:.2f} ms{jit}, Seq Scan on ticket: {seq}")
            print("\n".join(f"     {line}" for line in plan["lines"]))
    print(
        f"2) escalate_overdue({now:%Y-%m-%d %H:%M:%S}Z) over {OVERDUE:,} overdue submitted"
        f" tickets, {ESTATES:,} estates with a group chat and a committee chair each:"
    )
    for label, run in zip(("a", "b"), job["runs"], strict=False):
        how = (
            f"as scheduled (batches of {run['batch']:,}), for at most {JOB_SECONDS:.0f}s"
            if label == "a"
            else f"the rest at the same moment, in one batch of {run['batch']:,}"
        )
        rate = run["climbed"] / run["seconds"]
        print(
            f"  {label}) {how}: escalated {run['climbed']:,} in {run['seconds']:.1f}s"
            f" ({rate:,.0f} tickets/s), {run['statements']:,} SQL statements"
            f" ({run['statements'] / max(run['climbed'], 1):.1f} per ticket)"
        )
        if label == "a" and run["climbed"] < OVERDUE:
            print(f"     at that rate all {OVERDUE:,} take {OVERDUE / rate / 60:.0f} min")
    outbox = ", ".join(f"{topic} {n:,}" for topic, n in sorted(job["outbox"].items()))
    events, tickets = job["events"]
    print(
        f"     written: {events:,} escalated events ({tickets:,} tickets),"
        f" {job['digests']:,} escalation digests, outbox rows: {outbox}"
    )
    again = job["again"]
    same = job["outbox_after"] == sum(job["outbox"].values())
    print(
        f"  c) again at the same moment: escalated {again['climbed']}"
        f" in {again['seconds'] * 1000:.0f} ms, {again['statements']} SQL statements;"
        f" outbox rows {'unchanged' if same else 'CHANGED'}"
    )
    print(f"  whole bench {time.monotonic() - bench_started:.0f}s")
    climbed = sum(run["climbed"] for run in job["runs"])
    if climbed != OVERDUE or tickets != OVERDUE or again["climbed"] or not same:
        raise SystemExit("escalate_overdue did not climb each overdue ticket exactly once")
