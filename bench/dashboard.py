"""The supervision dashboards (四升一降) over a county of 10,000 estates, as ratios measured on
the same machine.

One county, 20 townships, 500 communities, 10,000 estates; committees for ~80% of them
(formed over the last 6 years, ~1/3 party-led), a party branch per community covering ~75%
of its estates, 200,000 tickets over the last 365 days, 11 joint meetings a community with 3
agenda items each, last year's estate ratings, ~300 credit penalties and ~3,000 problem
items. Every row is bulk-loaded with INSERT ... SELECT generate_series (values derived from a
multiplicative hash of the row number, so every run builds the same data) in one
transaction, without JIT and without foreign-key triggers (session_replication_role =
replica: the database user must be a superuser, as postgres is here).

Under gunicorn (as bench/api.py measures) a county officer's console pages: the county,
township and estate dashboards of this year and the county's report of last year, each as
a ratio to /healthz; and the SQL statements one county-page request runs. The closed months'
roll-ups are built once after loading, as the hourly job would have. Each page twice: warm
(its figures served from the Redis cache, targets/cache.py) and cold (the county's figures
version bumped every 2 ms, so nearly every request counts them again), with the cache's hits
and misses during each, and the statements of one cold and one warm request. Every warm page
is measured before any cold one, each right after its own /healthz window; and the CPU this
process spends on a warm request, the steadier figure on a shared machine. Bounded: fixed
sizes, a fixed number of seconds per endpoint.
"""

import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import redis
import requests
from sqlalchemy import event, text

from backend import create_app
from backend.accounts.models import User
from backend.accounts.sessions import console_session_values
from backend.common.clock import utcnow
from backend.extensions import db
from backend.governance.targets import cache, periods, rollup_build
from backend.tickets import tally
from bench import api as api_bench
from bench.api import CLIENTS, JWT_SECRET, SECONDS, SECRET_KEY, WORKERS, gunicorn
from bench.common import patient_requests_per_second

DATABASE_URL = os.environ.get(
    "LINLI_BENCH_DASHBOARD_DATABASE_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_dashboard",
)
REDIS_URL = os.environ.get("LINLI_BENCH_DASHBOARD_REDIS_URL", "redis://127.0.0.1:6379/12")
TOWNSHIPS = 20
COMMUNITIES = 25  # per township
ESTATES = 20  # per community
COMPANIES = 40  # property companies in the county
TICKETS = 200_000  # over the last DAYS days
DAYS = 365
MEETINGS = 11  # per community, over the last year
ITEMS = 3  # per meeting
PENALTIES = 300
PROBLEMS = 3_000
USERNAME = "bench-county"
PASSWORD = "bench-county-password"
REQUEST_TIMEOUT = 120  # seconds: a county page, 8 at a time on 2 busy cores, takes seconds

HASH = "(g * 2654435761) % 4294967296"

# Places, then everything the dashboards count. :county, :staff, :now (UTC), :today
# (Shanghai), :last_year are bound to each.
PLACES = [
    "INSERT INTO township (county_id, name)"
    " SELECT :county, '看板镇' || t FROM generate_series(1, :townships) t",
    "INSERT INTO community (township_id, name) SELECT t.id, t.name || '社区' || c"
    " FROM township t, generate_series(1, :communities) c WHERE t.county_id = :county",
    "INSERT INTO property_company (county_id, name)"
    " SELECT :county, '看板物业' || c || '有限公司' FROM generate_series(1, :companies) c",
    """INSERT INTO estate (community_id, township_id, county_id, name, address,
           property_company_id)
       SELECT c.id, c.township_id, :county, '看板小区' || lpad((c.n * :estates + e)::text, 5, '0'),
              '看板路' || e || '号',
              (SELECT min(id) FROM property_company WHERE county_id = :county)
                  + (c.n * :estates + e) % :companies
       FROM (SELECT c.*, row_number() OVER (ORDER BY c.id) - 1 AS n
             FROM community c JOIN township t ON t.id = c.township_id
             WHERE t.county_id = :county) c, generate_series(1, :estates) e""",
]

# Each estate numbered 0.. by id, with its hash.
NUMBERED = f"""
    SELECT e.*, {HASH.replace("g", "n")} AS h
    FROM (SELECT e.*, row_number() OVER (ORDER BY e.id) - 1 AS n FROM estate e
          WHERE e.county_id = :county) e"""

REGISTER = [
    # ~80% of estates have a live committee, formed over the last 6 years for a 5-year
    # term; ~1/3 of them party-led since forming.
    f"""INSERT INTO committee (estate_id, community_id, township_id, county_id, formed_on,
           term_ends_on, is_party_led, party_led_since, created_by_id, created_at)
       SELECT id, community_id, township_id, county_id, formed,
              (formed + interval '5 years')::date, led, CASE WHEN led THEN formed END, :staff, :now
       FROM (SELECT e.*, CAST(:today AS date) - ((h >> 8) % (6 * 365))::int AS formed,
                    (h >> 16) % 3 = 0 AS led
             FROM ({NUMBERED}) e WHERE h % 100 < 80) e""",
    """INSERT INTO party_branch (community_id, township_id, county_id, name, secretary_name,
           established_on, created_by_id, created_at)
       SELECT c.id, c.township_id, :county, c.name || '联合党支部', '书记' || c.id,
              CAST(:today AS date) - 3 * 365 - (c.id * 37) % 1000, :staff, :now
       FROM community c JOIN township t ON t.id = c.township_id WHERE t.county_id = :county""",
    f"""INSERT INTO party_branch_estate (branch_id, estate_id)
       SELECT b.id, e.id FROM ({NUMBERED}) e JOIN party_branch b
           ON b.community_id = e.community_id
       WHERE (e.h >> 4) % 100 < 75""",
]

# Tickets over the last DAYS days, oldest first: ~85% replied (most of them closed), ~10%
# missed a deadline, ~60% rated 1-5 (skewed to 4 and 5).
TICKETS_SQL = f"""
WITH e AS ({NUMBERED}),
g AS (
    SELECT g, {HASH} AS h, (:total - 1 - g)::float8 / :total * :days AS age
    FROM generate_series(0, :total - 1) g
),
t AS (
    SELECT g.*, (h >> 2) % :estate_count AS n,
           CAST(:now AS timestamptz) - make_interval(secs => age * 86400) AS created,
           (h >> 7) % 100 < 85 AS replied, (h >> 7) % 100 < 60 AS rated,
           (h >> 11) % 100 < 10 AS missed,
           CASE WHEN (h >> 13) % 100 < 75 THEN 'miniprogram'
                WHEN (h >> 13) % 100 < 85 THEN 'group_chat'
                WHEN (h >> 13) % 100 < 97 THEN 'hotline' ELSE 'console' END AS channel
    FROM g
)
INSERT INTO ticket (estate_id, community_id, township_id, county_id, property_company_id,
    category, channel, description, location_text, hotline_case_no, status,
    escalation_level, accept_due_at, reply_due_at, missed_deadline, accepted_at, replied_at,
    closed_at, close_reason, rating, rated_at, reopen_count, supporter_count, photo_count,
    created_at, updated_at, version)
SELECT e.id, e.community_id, e.township_id, e.county_id, e.property_company_id,
       (CAST(:codes AS text[]))[1 + (t.h >> 17)::int % 11], t.channel,
       '看板工单（' || t.g || '）', '',
       CASE WHEN t.channel = 'hotline' THEN '12345-' || lpad(t.g::text, 8, '0') END,
       CASE WHEN t.rated THEN 'closed' WHEN t.replied THEN 'replied'
            WHEN (t.h >> 19) % 2 = 0 THEN 'in_progress' ELSE 'submitted' END,
       CASE WHEN t.missed THEN 1 ELSE 0 END,
       t.created + interval '24 hours', t.created + interval '72 hours', t.missed,
       CASE WHEN t.replied OR (t.h >> 19) % 2 = 0 THEN t.created + interval '2 hours' END,
       CASE WHEN t.replied THEN t.created + interval '30 hours' END,
       CASE WHEN t.rated THEN t.created + interval '40 hours' END,
       CASE WHEN t.rated THEN 'rated' END,
       CASE WHEN t.rated THEN (CAST('{{1,2,3,4,4,5,5,5}}' AS int[]))[1 + (t.h >> 21)::int % 8]
       END,
       CASE WHEN t.rated THEN t.created + interval '40 hours' END,
       0, 0, 0, t.created, t.created, 1
FROM t JOIN e ON e.n = t.n
ORDER BY t.g
"""

GOVERNANCE = [
    # 11 joint meetings a community over the last year, 3 agenda items each: about half
    # decided with an owner and a deadline (a third of those done), one in five a dispute
    # (half of those resolved).
    """INSERT INTO joint_meeting (community_id, township_id, county_id, held_on, location,
           topic, recorded_by_id, created_at)
       SELECT c.id, c.township_id, :county, CAST(:today AS date) - m * 33 + 1 - (c.id % 5),
              c.name || '党群服务中心', '第' || m || '次联席会议', :staff, :now
       FROM community c JOIN township t ON t.id = c.township_id,
            generate_series(1, :meetings) m
       WHERE t.county_id = :county""",
    """INSERT INTO agenda_item (meeting_id, estate_id, title, is_dispute, dispute_resolved,
           decision, owner, deadline, done_at, done_by_id)
       SELECT m.id, (SELECT id FROM estate WHERE community_id = m.community_id ORDER BY id
                     OFFSET (i.h >> 3) % :estates LIMIT 1),
              '议题' || i.g, i.dispute, i.dispute AND (i.h >> 9) % 2 = 0,
              CASE WHEN i.decided THEN '由物业限期整改' ELSE '' END,
              CASE WHEN i.decided THEN '物业项目经理' ELSE '' END,
              CASE WHEN i.decided THEN m.held_on + 30 END,
              CASE WHEN i.done THEN m.held_on + 20 END,
              CASE WHEN i.done THEN :staff END
       FROM joint_meeting m,
            LATERAL (SELECT g, h, h % 100 < 50 AS decided, h % 100 < 17 AS done,
                            (h >> 5) % 100 < 20 AS dispute
                     FROM (SELECT m.id * 10 + k AS g,
                                  ((m.id * 10 + k) * 2654435761) % 4294967296 AS h
                           FROM generate_series(1, :items) k) k) i
       WHERE m.county_id = :county""",
    # Last year's ratings: ~90% confirmed with 0-5 stars, the rest submitted.
    f"""INSERT INTO estate_rating (estate_id, community_id, township_id, county_id, year,
           status, total, stars, submitted_at, submitted_by_id, confirmed_at, confirmed_by_id,
           created_at)
       SELECT id, community_id, township_id, county_id, :last_year,
              CASE WHEN confirmed THEN 'confirmed' ELSE 'submitted' END,
              40 + stars * 10 + (h >> 12) % 10,
              CASE WHEN confirmed THEN stars ELSE 0 END, :now, :staff,
              CASE WHEN confirmed THEN CAST(:now AS timestamptz) END,
              CASE WHEN confirmed THEN :staff END, :now
       FROM (SELECT e.*, (h >> 6) % 100 < 90 AS confirmed, ((h >> 9) % 6)::int AS stars
             FROM ({NUMBERED}) e) e""",
    f"""INSERT INTO credit_penalty (county_id, property_company_id, estate_id, kind, points,
           reason, decided_on, recorded_by_id, created_at)
       SELECT e.county_id, e.property_company_id, e.id,
              (CAST('{{interview,criticism,deduction,deduction,deduction}}' AS text[]))
                  [1 + (p.h >> 3)::int % 5],
              CASE WHEN (p.h >> 3) % 5 >= 2 THEN 1 + (p.h >> 11)::int % 10 ELSE 0 END,
              '未按时整改', CAST(:today AS date) - (p.h >> 7)::int % 730, :staff, :now
       FROM (SELECT g, {HASH} AS h FROM generate_series(1, :penalties) g) p
       JOIN ({NUMBERED}) e ON e.n = p.h % :estate_count""",
    f"""INSERT INTO problem_item (estate_id, community_id, township_id, county_id, category,
           title, description, plan, deadline, status, created_by_id, created_at, closed_at,
           closed_on, closed_by_id, close_note)
       SELECT e.id, e.community_id, e.township_id, e.county_id,
              (CAST(:codes AS text[]))[1 + (p.h >> 5)::int % 11], '问题' || p.g, '', '',
              p.created::date + 60, CASE WHEN p.closed THEN 'closed_out' ELSE 'open' END,
              :staff, p.created,
              CASE WHEN p.closed THEN p.created + interval '20 days' END,
              CASE WHEN p.closed THEN p.created::date + 20 END,
              CASE WHEN p.closed THEN :staff END,
              CASE WHEN p.closed THEN '已整改' END
       FROM (SELECT g, h, (h >> 8) % 100 < 60 AS closed,
                    CAST(:now AS timestamptz) - make_interval(days => ((h >> 9) % 500)::int)
                        AS created
             FROM (SELECT g, {HASH} AS h FROM generate_series(1, :problems) g) g) p
       JOIN ({NUMBERED}) e ON e.n = p.h % :estate_count""",
]

CODES = [
    "cleaning",
    "parking",
    "ebike",
    "lighting",
    "drains",
    "pavement",
    "green_land",
    "security",
    "elevator",
    "fire_safety",
    "other",
]
TABLES = [
    "estate",
    "committee",
    "party_branch_estate",
    "ticket",
    "joint_meeting",
    "agenda_item",
    "estate_rating",
    "credit_penalty",
    "problem_item",
]


def _log(message: str) -> None:
    print(f"dashboard: {message}", flush=True)


def _env() -> dict:
    # Plain HTTP on 127.0.0.1: a Secure session cookie would never come back, and the
    # console sign-in would fail its CSRF check.
    return api_bench._env(DATABASE_URL, REDIS_URL, LINLI_SESSION_COOKIE_SECURE="false")


def _flask(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "backend", *args],
        env=_env(),
        check=True,
        capture_output=True,
    )


def _load(app) -> dict:
    """Everything, in one transaction per step; returns the ids the bench measures with."""
    now = utcnow().replace(microsecond=0)
    today = periods.today()
    params = {
        "now": now,
        "today": today,
        "last_year": today.year - 1,
        "townships": TOWNSHIPS,
        "communities": COMMUNITIES,
        "estates": ESTATES,
        "estate_count": TOWNSHIPS * COMMUNITIES * ESTATES,
        "companies": COMPANIES,
        "total": TICKETS,
        "days": DAYS,
        "meetings": MEETINGS,
        "items": ITEMS,
        "penalties": PENALTIES,
        "problems": PROBLEMS,
        "codes": CODES,
    }

    def run(statements, **extra):
        with app.app_context():
            db.session.execute(text("SET LOCAL jit = off"))
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                bound = {**params, **extra}
                names = set(re.findall(r"(?<!:):(\w+)", statement))
                db.session.execute(text(statement), {k: bound[k] for k in names})
            db.session.commit()

    with app.app_context():
        county = db.session.scalar(
            text("INSERT INTO county (name) VALUES ('看板压测县') RETURNING id")
        )
        db.session.commit()
    run(PLACES, county=county)
    _flask("linli", "create-staff", USERNAME, "county_officer", "county", str(county),
           "--password", PASSWORD, "--real-name", "看板县干部")  # fmt: skip
    with app.app_context():
        staff = db.session.scalar(
            text('SELECT id FROM "user" WHERE username = :u'), {"u": USERNAME}
        )
        township, estate = db.session.execute(
            text("SELECT township_id, id FROM estate WHERE county_id = :c ORDER BY id LIMIT 1"),
            {"c": county},
        ).one()
    run(REGISTER, county=county, staff=staff)
    run([TICKETS_SQL], county=county)
    with app.app_context():
        tally.rebuild()  # the ticket tally's triggers were off for the load
        db.session.commit()
    run(GOVERNANCE, county=county, staff=staff)
    with app.app_context():
        started = time.monotonic()
        months = rollup_build.refresh()
        _log(f"roll-ups of {months} closed months built in {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        rollup_build.refresh()  # nothing stale: what every hourly run costs
        _log(
            "an hourly run with no stale month (the register, meetings and problems of"
            f" every built month rebuilt): {time.monotonic() - started:.1f}s"
        )
    with app.app_context(), db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM (ANALYZE)"))
    return {"county": county, "township": township, "estate": estate, "year": today.year}


def _sizes(app) -> str:
    with app.app_context():
        counts = [
            db.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            for table in TABLES
        ]
    return ", ".join(f"{table} {n:,}" for table, n in zip(TABLES, counts, strict=True))


@contextmanager
def _statements(engine):
    """(milliseconds, statement) of each SQL statement run on ``engine`` inside the block."""
    seen = []

    def before(conn, cursor, statement, parameters, context, many):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, many):
        seen.append(((time.perf_counter() - conn.info["bench_started"]) * 1000, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def _count_statements(app, path: str, staff_id: int, county_id: int) -> dict:
    """(statements as (ms, SQL) pairs, seconds) of one in-process request of ``path``, cold
    (the first after a bump of the county's figures version: a cache miss) and warm (the
    next: a hit)."""
    client = app.test_client()
    with app.app_context():
        values = console_session_values(db.session.get(User, staff_id))
        db.session.remove()
    with client.session_transaction() as session:
        session.update(values)
    if client.get(path).status_code != 200:
        raise SystemExit(f"{path}: not 200 in-process")
    with app.app_context():
        engine = db.engine
    measured = {}
    for kind in ("cold", "warm"):
        with app.app_context():
            if kind == "cold":
                cache.bump(county_id)
            with _statements(engine) as seen:
                started = time.perf_counter()
                response = client.get(path)
                seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        measured[kind] = (seen, seconds)
    measured["cpu"] = _cpu_per_request(client, path)
    return measured


def _cpu_per_request(client, path: str, n: int = 50) -> float:
    """CPU milliseconds of this process per warm request of ``path`` (the mean of ``n``, the
    test client's own share included): steadier than the rates on a machine shared with
    other jobs, whose load moves them by half from one window to the next."""
    started = time.process_time()
    for _ in range(n):
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path}: not 200 in-process")
    return (time.process_time() - started) / n * 1000


@contextmanager
def _bumping(app, county_id: int):
    """Bump the county's figures version every few milliseconds for the block, so that
    (nearly) every request is the first after a bump: the cold page."""
    stop = threading.Event()

    def run():
        with app.app_context():
            while not stop.is_set():
                cache.bump(county_id)
                time.sleep(0.002)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _counted(app, measure):
    """What ``measure()`` returns, with the cache's (hits, misses) during it."""
    with app.app_context():
        hits, misses = cache.stats()
    value = measure()
    with app.app_context():
        after = cache.stats()
    return value, (after[0] - hits, after[1] - misses)


def requests_per_second(url: str, headers: dict) -> float:
    return patient_requests_per_second(url, headers, CLIENTS, SECONDS, REQUEST_TIMEOUT)


def _login(base: str) -> dict:
    """Sign in to the console as the county officer; the Cookie header to reuse."""
    with requests.Session() as session:
        page = session.get(f"{base}/console/login", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = session.post(
            f"{base}/console/login",
            data={"username": USERNAME, "password": PASSWORD, "csrf_token": token},
            timeout=10,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise SystemExit(f"console login failed: {response.status_code}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return {"Cookie": cookie}


def main() -> None:
    started = time.monotonic()
    from backend.common.dbadmin import recreate_database

    recreate_database(DATABASE_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
    _flask("db", "upgrade")
    app = create_app(
        {
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "JWT_SECRET": JWT_SECRET,
            "SECRET_KEY": SECRET_KEY,
            "WECHAT_API_BASE": "http://127.0.0.1:9",
        }
    )
    _log("loading")
    loading = time.monotonic()
    ids = _load(app)
    loaded = time.monotonic() - loading
    sizes = _sizes(app)
    _log(f"loaded in {loaded:.0f}s: {sizes}")
    year = ids["year"]
    pages = {
        "county dashboard": f"/console/targets/county/{ids['county']}?year={year}",
        "township dashboard": f"/console/targets/township/{ids['township']}?year={year}",
        "estate dashboard": f"/console/targets/estate/{ids['estate']}?year={year}",
        f"county report {year - 1}": f"/console/reports/county/{ids['county']}?year={year - 1}",
    }
    with app.app_context():
        staff = db.session.scalar(
            text('SELECT id FROM "user" WHERE username = :u'), {"u": USERNAME}
        )
        db.session.remove()
    county = ids["county"]
    counted = {name: _count_statements(app, path, staff, county) for name, path in pages.items()}
    health_cpu = _cpu_per_request(app.test_client(), "/healthz")
    _log("requests/s under gunicorn")
    rates = {name: {} for name in pages}
    health = {}
    with gunicorn(_env()) as base:
        headers = _login(base)
        requests_per_second(f"{base}/healthz", {})  # warm up every worker
        for path in pages.values():
            requests_per_second(f"{base}{path}", headers)
        # Every warm page before any cold one: after a cold phase each worker's first warm
        # requests would miss (the county's version was bumped), which the warm figure would
        # pay for. /healthz is measured right before each page, as the machine's load (shared
        # with other jobs) drifts from one window to the next.
        for name, path in pages.items():
            health[name] = requests_per_second(f"{base}/healthz", {})
            url = f"{base}{path}"
            rates[name]["warm"] = _counted(app, lambda url=url: requests_per_second(url, headers))
        for name, path in pages.items():
            url = f"{base}{path}"
            with _bumping(app, county):
                cold = _counted(app, lambda url=url: requests_per_second(url, headers))
            rates[name]["cold"] = cold

    print()
    print(f"dashboard: data loaded in {loaded:.0f}s; {sizes}")
    print(f"gunicorn sync workers={WORKERS}, {CLIENTS} clients, {SECONDS:.0f}s per endpoint")
    print(
        f"  GET /healthz {min(health.values()):.1f}–{max(health.values()):.1f} req/s"
        " (measured before each page; each page's ratio is to its own)"
    )
    for name, path in pages.items():
        print(f"  GET {path}  {name}   (/healthz just before: {health[name]:.1f} req/s)")
        for kind in ("warm", "cold"):
            rate, (hits, misses) = rates[name][kind]
            seen, seconds = counted[name][kind]
            print(
                f"   {kind}: {rate:8.1f} req/s   ({rate / health[name]:.3f} of /healthz;"
                " figures cache"
                f" {hits} hits, {misses} misses), {len(seen)} SQL statements,"
                f" {seconds * 1000:.0f} ms in-process ({sum(ms for ms, _ in seen):.0f} ms of it"
                " in SQL); slowest:"
            )
            for ms, statement in sorted(seen, key=lambda pair: pair[0], reverse=True)[:3]:
                print(f"       {ms:6.0f} ms  {' '.join(statement.split())[:90]}")
    print(
        f"  CPU per warm request in process (mean of 50): /healthz {health_cpu:.1f} ms; "
        + "; ".join(
            f"{name} {c['cpu']:.1f} ms ({health_cpu / c['cpu']:.2f})" for name, c in counted.items()
        )
    )
    print(
        "  warm: the figures served from the cache (the goal is judged on it); cold: the county's"
        " version bumped every 2 ms, so nearly every request counts them again"
    )
    print(f"  whole bench {time.monotonic() - started:.0f}s")
