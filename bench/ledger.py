"""Estate accounts at scale, as ratios measured on the same machine.

1. GET /api/v1/estates/{id}/ledger/periods/{pid}/statement requests/s as a ratio to /healthz
   (gunicorn sync workers, as bench/api.py measures, in a few alternating rounds), first with
   one estate holding a year of published months, then with other estates filling
   ledger_entry to 1,000,000 rows. The ratio between the two should stay near 1, and one
   request should run the same number of SQL statements in both (else the bench fails).
2. statements.verify_chain over ten years (120 published months) of one estate, as a ratio to
   SELECT count(*) of its entries and to fetching its entry rows; and the
   `flask linli verify-ledger` command as a ratio to the same command line's start-up.

Both measured estates go through the services: create_period, add_entry (one reversal a
month), every transition up to publish, so their hash chains are real. The year's entries
are imported from .xlsx sheets (import_entries); the decade's are written with one INSERT a
month while the month is a draft, as are all vouchers' rows. The other estates are loaded
with INSERT ... SELECT generate_series as drafts and published with one UPDATE. Bounded:
fixed sizes, a fixed number of seconds per endpoint.
"""

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date

import redis
from openpyxl import Workbook
from sqlalchemy import event, func, select, text

from backend import create_app
from backend.access.models import Membership
from backend.access.roles import SCOPE_OF_ROLE, Role, ScopeKind
from backend.accounts.models import User
from backend.accounts.tokens import issue_access_token
from backend.common.dbadmin import recreate_database
from backend.extensions import db
from backend.ledger import entries, imports, periods, statements, workflow
from backend.ledger.models import CATEGORIES, LedgerEntry, LedgerPeriod
from backend.places.models import Building, Community, County, Estate, Township, Unit
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
    "LINLI_BENCH_LEDGER_DATABASE_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_ledger",
)
REDIS_URL = os.environ.get("LINLI_BENCH_LEDGER_REDIS_URL", "redis://127.0.0.1:6379/9")
TOTAL_ENTRIES = int(os.environ.get("LINLI_BENCH_LEDGER_ENTRIES", "1000000"))
PER_PERIOD = 100  # entries in each month
VOUCHER_EVERY = 7  # one entry in about seven has a voucher
FILLER_MONTHS = 24  # months of each other estate
ROUNDS = int(os.environ.get("LINLI_BENCH_LEDGER_ROUNDS", "3"))  # of /healthz, statement
CLI_REPEATS = 3  # runs of the verify-ledger command and of its start-up alone
REPEATS = 5  # timed runs of verify_chain and its baselines (the median is printed)
# Voucher rows are written with SQL: nothing is stored here, but the app wants a place.
STORAGE_DIR = os.path.join(tempfile.gettempdir(), "linli-bench-ledger-storage")

# Category codes of each direction, in the order statements list them.
INCOME = [c for c, (d, _label) in CATEGORIES.items() if d == "income"]
EXPENSE = [c for c, (d, _label) in CATEGORIES.items() if d == "expense"]


def _log(message: str) -> None:
    print(f"ledger: {message}", flush=True)


def _env() -> dict:
    return api_bench._env(DATABASE_URL, REDIS_URL, LINLI_STORAGE_DIR=STORAGE_DIR)


def _months_back(count: int) -> list[date]:
    """The first days of the ``count`` months before the current one, oldest first."""
    today = date.today()
    index = today.year * 12 + today.month - 1
    return [date(m // 12, m % 12 + 1, 1) for m in range(index - count, index)]


# -- people and places -------------------------------------------------------------------


def _person(name: str) -> User:
    user = User(openid=f"bench-{name}", display_name=name, real_name=name)
    db.session.add(user)
    db.session.flush()
    return user


def _grant(user: User, role: Role, place) -> User:
    kind = SCOPE_OF_ROLE[role]
    estate_id = (
        place.estate_id
        if kind == ScopeKind.UNIT
        else (place.id if kind == ScopeKind.ESTATE else None)
    )
    db.session.add(
        Membership(
            user_id=user.id, role=role, scope_kind=kind, scope_id=place.id, estate_id=estate_id
        )
    )
    return user


def _cast() -> dict:
    """The county, a community with the two measured estates, and everyone the ledger needs."""
    county = County(name="账目压测县")
    db.session.add(county)
    db.session.flush()
    township = Township(county_id=county.id, name="账目压测镇")
    db.session.add(township)
    db.session.flush()
    community = Community(township_id=township.id, name="账目压测社区")
    db.session.add(community)
    db.session.flush()
    people = {"community": community}
    for key, name in (("year", "一年小区"), ("decade", "十年小区")):
        estate = Estate(
            community_id=community.id,
            township_id=township.id,
            county_id=county.id,
            name=name,
            address="压测路1号",
        )
        db.session.add(estate)
        db.session.flush()
        people[key] = estate
    people["auditor"] = _grant(_person("auditor"), Role.AUDITOR, community)
    for role, key in (
        (Role.COMMITTEE_CHAIR, "chair"),
        (Role.COMMITTEE_MEMBER, "member"),
        (Role.PROPERTY_MANAGER, "manager"),
    ):
        people[key] = _person(key)
        for estate in (people["year"], people["decade"]):
            _grant(people[key], role, estate)
    building = Building(estate_id=people["year"].id, name="1栋")
    db.session.add(building)
    db.session.flush()
    unit = Unit(
        estate_id=people["year"].id,
        building_id=building.id,
        number="101",
        floor=1,
        area_dm2=8912,
        is_developer_unsold=False,
    )
    db.session.add(unit)
    db.session.flush()
    people["owner"] = _grant(_person("owner"), Role.OWNER, unit)
    db.session.commit()
    return people


# -- measured estates, through the services ----------------------------------------------


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _sheet(start: date, seed: int) -> io.BytesIO:
    """An import sheet of PER_PERIOD entries in the month starting on ``start``."""
    book = Workbook()
    sheet = book.active
    sheet.append(imports.HEADER)
    for i in range(PER_PERIOD):
        income = i % 3 != 0
        codes = INCOME if income else EXPENSE
        category = codes[(seed + i) % len(codes)]
        fen = 1000 + (seed * 7919 + i * 104729) % 800000
        sheet.append(
            [
                start.replace(day=1 + i % 28).isoformat(),
                "收入" if income else "支出",
                CATEGORIES[category][1],
                _yuan(fen),
                f"往来单位{(seed + i) % 37}",
                f"{start.month}月第{i + 1}笔（{CATEGORIES[category][1]}）",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _vouchers_sql(period_id: int, user_id: int) -> None:
    """Voucher rows for about one entry in VOUCHER_EVERY, while the period is a draft."""
    db.session.execute(
        text(
            """
            INSERT INTO ledger_voucher (estate_id, entry_id, name, content_type, size, sha256,
                                        storage_key, uploaded_by_id, created_at)
            SELECT estate_id, id, '发票' || id || '.jpg', 'image/jpeg', 20000 + id % 5000,
                   encode(sha256(convert_to('voucher-' || id, 'UTF8')), 'hex'),
                   'bench/voucher-' || id, :user_id, now()
            FROM ledger_entry WHERE period_id = :period_id AND id % :every = 0
            """
        ),
        {"period_id": period_id, "user_id": user_id, "every": VOUCHER_EVERY},
    )
    db.session.commit()


def _entries_sql(period: LedgerPeriod, user_id: int) -> None:
    """PER_PERIOD entries written with one INSERT while the period is a draft, and the
    period's totals kept as the services keep them."""
    db.session.execute(
        text(
            """
            INSERT INTO ledger_entry (estate_id, period_id, entry_date, direction, category,
                amount_fen, counterparty, description, created_by_id, created_at)
            SELECT :estate, :period, CAST(:start AS date) + g % 28,
                   CASE WHEN g % 3 = 0 THEN 'expense' ELSE 'income' END,
                   CASE WHEN g % 3 = 0 THEN (CAST(:expense AS text[]))[1 + (:period + g) % 4]
                        ELSE (CAST(:income AS text[]))[1 + (:period + g) % 4] END,
                   1000 + (:period * 7919 + g * 104729) % 800000,
                   '往来单位' || (:period + g) % 37, '第' || (g + 1) || '笔：收支明细',
                   :user, now()
            FROM generate_series(0, :per_period - 1) g
            """
        ),
        {
            "estate": period.estate_id,
            "period": period.id,
            "start": period.start_date,
            "user": user_id,
            "per_period": PER_PERIOD,
            "income": INCOME,
            "expense": EXPENSE,
        },
    )
    entries._refresh_totals(period)
    db.session.commit()


def _publish_months(people: dict, estate: Estate, starts: list[date], sheets: bool) -> list[int]:
    """Each month opened, filled (by importing a sheet, or with SQL), given vouchers and a
    reversal of an entry of the month before, then submitted, approved twice, audited and
    published, all through the services; returns the period ids."""
    ids, previous = [], None
    for n, start in enumerate(starts):
        period = periods.create_period(people["manager"], estate.id, "month", start)
        if sheets:
            entries.import_entries(people["manager"], estate.id, period.id, _sheet(start, n))
        else:
            _entries_sql(period, people["manager"].id)
        if previous is not None:
            original = db.session.scalars(
                select(LedgerEntry)
                .where(LedgerEntry.period_id == previous)
                .order_by(LedgerEntry.id)
                .limit(1)
            ).one()
            values = {
                "entry_date": start.replace(day=15),
                "direction": original.direction,
                "category": original.category,
                "amount_fen": original.amount_fen,
                "counterparty": original.counterparty,
                "description": f"冲销{original.id}号分录",
                "reverses_entry_id": original.id,
            }
            entries.add_entry(people["manager"], estate.id, period.id, values)
        _vouchers_sql(period.id, people["manager"].id)
        for person, action in (
            ("manager", "submit"),
            ("chair", "approve"),
            ("member", "approve"),
            ("auditor", "audit"),
            ("chair", "publish"),
        ):
            workflow.transition(people[person], estate.id, period.id, action)
        ids.append(period.id)
        previous = period.id
        if (n + 1) % 24 == 0:
            _log(f"  {estate.name}: {n + 1} of {len(starts)} months published")
    return ids


# -- the other estates, in bulk ----------------------------------------------------------


def _fill(community: Community, user_id: int, total: int) -> None:
    """Other estates of FILLER_MONTHS published months each, until ledger_entry has
    ``total`` rows: estates, periods (as drafts), entries and vouchers with INSERT ...
    SELECT generate_series, then every period published in one UPDATE."""
    have = db.session.scalar(text("SELECT count(*) FROM ledger_entry"))
    missing = total - have
    if missing <= 0:
        return
    periods = -(-missing // PER_PERIOD)
    estates = -(-periods // FILLER_MONTHS)
    first_month = _months_back(FILLER_MONTHS)[0]
    params = {
        "community": community.id,
        "township": community.township_id,
        "user": user_id,
        "estates": estates,
        "periods": periods,
        "months": FILLER_MONTHS,
        "first_month": first_month,
        "per_period": PER_PERIOD,
        "missing": missing,
        "every": VOUCHER_EVERY,
        "income": INCOME,
        "expense": EXPENSE,
    }
    started = time.monotonic()
    db.session.execute(
        text(
            """
            INSERT INTO estate (community_id, township_id, county_id, name, address)
            SELECT :community, :township, t.county_id, '压测小区' || lpad(g::text, 5, '0'), '压测路'
            FROM generate_series(1, :estates) g, township t WHERE t.id = :township
            """
        ),
        params,
    )
    db.session.execute(
        text(
            """
            INSERT INTO ledger_period (estate_id, kind, start_date, end_date, label, status,
                created_by_id, created_at, submission_round, approvals_required,
                approval_count, entry_count, income_total_fen, expense_total_fen, version)
            SELECT e.id, 'month', s.start, (s.start + interval '1 month')::date,
                   to_char(s.start, 'YYYY"年"FMMM"月"'), 'draft', :user, now(), 0, 2, 0, 0, 0, 0, 1
            FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM estate WHERE name LIKE '压测小区%') e
            CROSS JOIN generate_series(0, :months - 1) m
            CROSS JOIN LATERAL (SELECT (:first_month + make_interval(months => m))::date) s(start)
            WHERE e.n * :months + m < :periods
            """
        ),
        params,
    )
    db.session.commit()
    # Fresh statistics after each bulk step, so the freeze triggers' cached plans find rows
    # by primary key (stale ones make each row's check scan every period).
    _analyze()
    _log(f"  {estates} estates, {periods} draft periods ({time.monotonic() - started:.1f}s)")
    started = time.monotonic()
    db.session.execute(
        text(
            """
            INSERT INTO ledger_entry (estate_id, period_id, entry_date, direction, category,
                amount_fen, counterparty, description, created_by_id, created_at)
            SELECT p.estate_id, p.id, p.start_date + g % 28,
                   CASE WHEN g % 3 = 0 THEN 'expense' ELSE 'income' END,
                   CASE WHEN g % 3 = 0 THEN (CAST(:expense AS text[]))[1 + (p.id + g) % 4]
                        ELSE (CAST(:income AS text[]))[1 + (p.id + g) % 4] END,
                   1000 + (p.id * 7919 + g * 104729) % 800000,
                   '往来单位' || (p.id + g) % 37, '压测分录' || g, :user, now()
            FROM (SELECT id, estate_id, start_date, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM ledger_period WHERE status = 'draft') p
            CROSS JOIN generate_series(0, :per_period - 1) g
            WHERE p.n * :per_period + g < :missing
            """
        ),
        params,
    )
    db.session.commit()
    _analyze()
    _log(f"  {missing} entries ({time.monotonic() - started:.1f}s)")
    started = time.monotonic()
    db.session.execute(
        text(
            """
            INSERT INTO ledger_voucher (estate_id, entry_id, name, content_type, size, sha256,
                                        storage_key, uploaded_by_id, created_at)
            SELECT e.estate_id, e.id, '发票' || e.id || '.jpg', 'image/jpeg', 20000 + e.id % 5000,
                   encode(sha256(convert_to('voucher-' || e.id, 'UTF8')), 'hex'),
                   'bench/voucher-' || e.id, :user, now()
            FROM ledger_entry e JOIN ledger_period p ON p.id = e.period_id
            WHERE p.status = 'draft' AND e.id % :every = 0
            """
        ),
        params,
    )
    db.session.commit()
    _analyze()
    _log(f"  vouchers ({time.monotonic() - started:.1f}s)")
    started = time.monotonic()
    # Totals, balances and chain links computed in SQL; the hashes are stand-ins (only the
    # measured estates' chains are verified).
    db.session.execute(
        text(
            """
            WITH sums AS (
                SELECT p.id, p.estate_id, p.start_date, count(*) AS n,
                       coalesce(sum(e.amount_fen) FILTER (WHERE e.direction = 'income'), 0)
                           AS income,
                       coalesce(sum(e.amount_fen) FILTER (WHERE e.direction = 'expense'), 0)
                           AS expense
                FROM ledger_period p JOIN ledger_entry e ON e.period_id = p.id
                WHERE p.status = 'draft'
                GROUP BY p.id
            ), links AS (
                SELECT sums.*,
                       row_number() OVER w AS seq,
                       lag(id) OVER w AS previous_id,
                       sum(income - expense) OVER w AS closing
                FROM sums WINDOW w AS (PARTITION BY estate_id ORDER BY start_date)
            )
            UPDATE ledger_period p SET
                status = 'published', entry_count = l.n,
                income_total_fen = l.income, expense_total_fen = l.expense,
                submission_round = 1, submitted_by_id = :user, submitted_at = now(),
                approval_count = 2, published_at = now(), published_by_id = :user,
                opening_balance_fen = l.closing - (l.income - l.expense),
                closing_balance_fen = l.closing, chain_seq = l.seq,
                previous_hash = coalesce(
                    encode(sha256(convert_to('bench-' || l.previous_id, 'UTF8')), 'hex'),
                    repeat('0', 64)),
                head_hash = encode(sha256(convert_to('bench-' || l.id, 'UTF8')), 'hex'),
                version = p.version + 1
            FROM links l WHERE p.id = l.id
            """
        ),
        params,
    )
    db.session.commit()
    _log(f"  every period published ({time.monotonic() - started:.1f}s)")


def _analyze(vacuum: bool = False) -> None:
    """ANALYZE (with VACUUM after a load: what autovacuum would soon do anyway)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)" if vacuum else "ANALYZE"))


def _table_counts() -> str:
    counts = db.session.execute(
        text(
            "SELECT (SELECT count(*) FROM estate), (SELECT count(*) FROM ledger_period),"
            " (SELECT count(*) FROM ledger_entry), (SELECT count(*) FROM ledger_voucher)"
        )
    ).one()
    return "{:,} estates, {:,} periods, {:,} entries, {:,} vouchers".format(*counts)


# -- measuring ---------------------------------------------------------------------------


@contextmanager
def _statements(engine):
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _statement_queries(app, engine, path: str, headers: dict) -> int:
    """SQL statements one request runs (after a first request), in its own app context."""
    client = app.test_client()
    client.get(path, headers=headers)
    with _statements(engine) as seen:
        response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.get_json()}")
    return len(seen)


def _statement_rate(path: str, headers: dict) -> tuple[float, float, list[float]]:
    """(/healthz, statement) requests/s under gunicorn, as bench/api.py measures them, in
    ROUNDS alternating rounds; with the ratio of each round (a busy machine drifts)."""
    healths, rates = [], []
    with gunicorn(_env()) as base:
        requests_per_second(f"{base}/healthz", {})  # warm up every worker
        for _ in range(ROUNDS):
            healths.append(requests_per_second(f"{base}/healthz", {}))
            rates.append(requests_per_second(f"{base}{path}", headers))
    ratios = [r / h for r, h in zip(rates, healths, strict=True)]
    return statistics.median(healths), statistics.median(rates), ratios


def _median_ms(action, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _verify_timings(estate_id: int, periods: int) -> dict:
    def verify():
        db.session.remove()
        result = statements.verify_chain(estate_id)
        if not result["ok"] or result["periods_checked"] != periods:
            raise SystemExit(f"verify_chain({estate_id}) = {result}")

    def count():
        with db.engine.connect() as conn:
            conn.execute(
                text("SELECT count(*) FROM ledger_entry WHERE estate_id = :e"), {"e": estate_id}
            ).scalar()

    def fetch():
        with db.engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT e.id, e.period_id, e.entry_date, e.direction, e.category,"
                    " e.amount_fen, e.counterparty, e.description, e.reverses_entry_id"
                    " FROM ledger_entry e WHERE e.estate_id = :e"
                ),
                {"e": estate_id},
            ).all()

    for action in (verify, count, fetch):
        action()  # warm caches and the pool
    return {
        "verify": _median_ms(verify),
        "count": _median_ms(count),
        "fetch": _median_ms(fetch),
    }


def _cli_ms(*args: str) -> tuple[float, str]:
    command = [sys.executable, "-m", "flask", "--app", "backend", "linli", *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")
    return elapsed, done.stdout.strip()


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
            "STORAGE_DIR": STORAGE_DIR,
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        engine = db.engine
        people = _cast()
        ids = {key: (type(row), row.id) for key, row in people.items()}
        year, decade, owner_id = ids["year"][1], ids["decade"][1], ids["owner"][1]
        _log("a) one estate, 12 months of ~100 entries, through the services")
        started = time.monotonic()
        year_periods = _publish_months(people, people["year"], _months_back(12), sheets=True)
        _analyze(vacuum=True)
        _log(f"  done in {time.monotonic() - started:.1f}s: {_table_counts()}")
        sizes = {"a": _table_counts()}
    token = issue_access_token(owner_id, JWT_SECRET, 60)
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/estates/{year}/ledger/periods/{year_periods[-1]}/statement"
    results = {}
    _log(f"a) measuring {path} (owner) against /healthz")
    queries_a = _statement_queries(app, engine, path, headers)
    results["a"] = (*_statement_rate(path, headers), queries_a)

    with app.app_context():
        _log("b) a second estate, 120 months of ~100 entries, through the services")
        started = time.monotonic()
        people = {key: db.session.get(model, pk) for key, (model, pk) in ids.items()}
        decade_periods = _publish_months(people, people["decade"], _months_back(120), sheets=False)
        _log(f"  done in {time.monotonic() - started:.1f}s")
        _log(f"b) other estates until ledger_entry holds {TOTAL_ENTRIES:,} rows, in bulk")
        started = time.monotonic()
        _fill(people["community"], people["manager"].id, TOTAL_ENTRIES)
        _analyze(vacuum=True)
        _log(
            f"  done in {time.monotonic() - started:.1f}s (with VACUUM ANALYZE): {_table_counts()}"
        )
        sizes["b"] = _table_counts()
        db.session.remove()
    _log("b) measuring the same statement again")
    queries_b = _statement_queries(app, engine, path, headers)
    results["b"] = (*_statement_rate(path, headers), queries_b)

    with app.app_context():
        _log(f"verify_chain over {len(decade_periods)} published months")
        timings = _verify_timings(decade, len(decade_periods))
        entries = db.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.estate_id == decade)
        )
        vouchers = db.session.scalar(
            text("SELECT count(*) FROM ledger_voucher WHERE estate_id = :e"), {"e": decade}
        )
        periods = db.session.scalar(
            select(func.count()).select_from(LedgerPeriod).where(LedgerPeriod.estate_id == decade)
        )
        db.session.remove()
    _log("verify-ledger on the command line")
    startups, clis = [], []
    for _ in range(CLI_REPEATS):  # alternating, as start-up time drifts on a busy machine
        startups.append(_cli_ms("--help")[0])
        elapsed, cli_out = _cli_ms("verify-ledger", str(decade))
        clis.append(elapsed)
    startup, cli = statistics.median(startups), statistics.median(clis)

    print()
    print(
        f"ledger: gunicorn sync workers={WORKERS}, {CLIENTS} clients, {ROUNDS} alternating"
        f" rounds of {SECONDS:.0f}s per endpoint (medians)"
    )
    print("  statement of the 12th month of a year (previous month compared), as an owner:")
    ratios = {}
    for size, label in (("a", "one estate, 1 year"), ("b", f"{TOTAL_ENTRIES:,} entries")):
        health, rate, rounds, queries = results[size]
        ratios[size] = statistics.median(rounds)
        spread = ", ".join(f"{r:.2f}" for r in rounds)
        print(f"  {size}) {label}: {sizes[size]}")
        print(f"     GET /healthz      {health:8.1f} req/s   (1.00)")
        print(
            f"     GET .../statement {rate:8.1f} req/s   ({ratios[size]:.2f} of /healthz;"
            f" rounds {spread}), {queries} SQL statements per request"
        )
    same = "same" if queries_a == queries_b else "DIFFERENT"
    print(
        f"  b/a ratio {ratios['b'] / ratios['a']:.2f}   "
        f"(SQL statements per request {queries_a} vs {queries_b}: {same})"
    )
    print(
        f"  verify_chain, {periods} published months, {entries:,} entries, {vouchers:,} vouchers:"
    )
    print(
        f"     {timings['verify']:8.1f} ms   ({timings['verify'] / timings['count']:.0f}x"
        f" SELECT count(*) of its entries, {timings['count']:.1f} ms;"
        f" {timings['verify'] / timings['fetch']:.1f}x fetching its entry rows,"
        f" {timings['fetch']:.1f} ms)"
    )
    print(
        f"  flask linli verify-ledger {decade}: {cli:.0f} ms   ({cli / startup:.2f}x"
        f" `flask linli --help`, {startup:.0f} ms)   {cli_out}"
    )
    print(f"  whole bench {time.monotonic() - bench_started:.0f}s")
    if queries_a != queries_b:
        raise SystemExit("the statement's SQL statement count grows with the data (N+1?)")
