"""A soak: OWNERS simulated owners doing the daily mix for SECONDS against gunicorn (as
bench/api.py runs it: sync workers, PostgreSQL, Redis), on the demo county.

Each owner is a thread that repeats: pick an action by weight, do it, think (an exponential
pause of THINK seconds on average). The mix:
- read notices (the estate's list, then the newest notice);
- open the published statement of the estate's accounts;
- report a ticket with a phone photo (upload, then report; at most once per owner, as a
  real owner does not report twice in two minutes);
- cast a ballot on the estate's open motion (once per owner, at a random moment of the first
  half of the run).
Meanwhile a probe reads /healthz every PROBE seconds. Per action the bench prints p50 and p95
latency and their ratios to /healthz's (the probe's p50 divided by the action's p50: 1.00 is as
fast as /healthz), and the number of errors (any answer but the expected 2xx, or no answer):
it exits non-zero unless that is 0.

Bounded: fixed owners and duration; every request has a timeout.
"""

import os
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import uuid4

import redis
import requests
from sqlalchemy import text

from backend import create_app
from backend.accounts.models import User
from backend.accounts.tokens import issue_access_token
from backend.common.clock import as_utc, utcnow
from backend.common.dbadmin import recreate_database
from backend.extensions import db
from backend.votes import lifecycle, services
from backend.votes.models import Motion
from bench.api import JWT_SECRET, SECRET_KEY, WORKERS, _env, gunicorn
from bench.photos import phone_photo

DATABASE_URL = os.environ.get(
    "LINLI_BENCH_SOAK_DATABASE_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_soak",
)
REDIS_URL = os.environ.get("LINLI_BENCH_SOAK_REDIS_URL", "redis://127.0.0.1:6379/4")
OWNERS = int(os.environ.get("LINLI_BENCH_SOAK_OWNERS", "200"))
SECONDS = float(os.environ.get("LINLI_BENCH_SOAK_SECONDS", "120"))
THINK = float(os.environ.get("LINLI_BENCH_SOAK_THINK", "3"))
PROBE = 0.2  # seconds between two /healthz probes
TIMEOUT = 30  # seconds: an answer slower than this counts as an error
WEIGHTS = {"notices": 60, "statement": 30, "ticket": 10}


def _log(message: str) -> None:
    print(f"soak: {message}", flush=True)


def _sql(statement: str, **params):
    return db.session.execute(text(statement), params)


@dataclass
class Place:
    """The estate the owners live in, its published period and its open motion."""

    estate: int
    period: int
    motion: int = 0
    owners: list[int] = field(default_factory=list)


def _place() -> Place:
    """The first demo estate with published accounts and a committee chair."""
    estate, period = _sql(
        """SELECT p.estate_id, p.id FROM ledger_period p
           WHERE p.status = 'published'
             AND EXISTS (SELECT 1 FROM membership m WHERE m.estate_id = p.estate_id
                         AND m.role = 'committee_chair')
           ORDER BY p.estate_id, p.id DESC LIMIT 1"""
    ).one()
    return Place(estate=estate, period=period)


def _owners(place: Place) -> None:
    """OWNERS verified owners, each of a unit of a new building of the estate."""
    params = {"estate": place.estate, "owners": OWNERS}
    building = _sql(
        "INSERT INTO building (estate_id, name) VALUES (:estate, '压测楼') RETURNING id", **params
    ).scalar_one()
    steps = [
        """INSERT INTO unit (estate_id, building_id, number, floor, area_dm2,
                             is_developer_unsold)
           SELECT :estate, :building, (100 * (1 + n / 10) + 1 + n % 10)::text, 1 + n / 10,
                  8000 + n % 40 * 100, false
           FROM generate_series(0, :owners - 1) n""",
        """INSERT INTO "user" (openid, display_name, real_name, is_active, created_at)
           SELECT 'soak-' || n, '业主' || n, '业主' || n, true, now()
           FROM generate_series(0, :owners - 1) n""",
        """INSERT INTO membership (user_id, role, scope_kind, scope_id, estate_id, created_at)
           SELECT p.id, 'owner', 'unit', u.id, :estate, now()
           FROM "user" p
           JOIN unit u ON u.building_id = :building
            AND u.number = (100 * (1 + substr(p.openid, 6)::int / 10) + 1
                            + substr(p.openid, 6)::int % 10)::text
           WHERE p.openid LIKE 'soak-%'""",
    ]
    for step in steps:
        _sql(step, **params, building=building)
    place.owners = list(
        _sql("SELECT id FROM \"user\" WHERE openid LIKE 'soak-%' ORDER BY id").scalars()
    )


def _open_motion(place: Place) -> None:
    """A motion announced by the estate's chair and opened, its electors taken now that the
    soak's owners are there."""
    chair = _sql(
        """SELECT user_id FROM membership WHERE estate_id = :e AND role = 'committee_chair'
           ORDER BY id LIMIT 1""",
        e=place.estate,
    ).scalar_one()
    opens = utcnow() + timedelta(days=16)
    motion = services.create_motion(
        db.session.get(User, chair),
        place.estate,
        {
            "matter": "hire_property_company",
            "title": "续聘安溪物业服务有限公司",
            "body": "经业委会研究，拟续聘安溪物业服务有限公司，服务期三年，物业费标准不变。",
            "opens_at": opens,
            "closes_at": opens + timedelta(days=7),
        },
    )
    db.session.commit()
    lifecycle.advance(motion.id, as_utc(db.session.get(Motion, motion.id).opens_at))
    db.session.commit()
    place.motion = motion.id


def prepare() -> Place:
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

        from backend.demo.county import seed

        upgrade()
        seed()
        db.session.commit()
        place = _place()
        _owners(place)
        db.session.commit()
        _open_motion(place)
        _sql("ANALYZE")
        db.session.commit()
    return place


class Recorder:
    """Latencies per action and the errors, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seconds: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def timed(self, action: str, call, expect: int = 200):
        started = time.perf_counter()
        try:
            response = call()
        except requests.RequestException as exc:
            with self.lock:
                self.errors.append(f"{action}: {type(exc).__name__}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            if response.status_code != expect:
                self.errors.append(
                    f"{action}: {response.status_code} {response.text[:120].strip()}"
                )
                return None
            self.seconds.setdefault(action, []).append(elapsed)
        return response


class Owner:
    """One simulated owner: a session, a token, and what they have done once."""

    def __init__(self, base: str, place: Place, user_id: int, record: Recorder, photo: bytes):
        self.base, self.place, self.record, self.photo = base, place, record, photo
        self.session = requests.Session()
        token = issue_access_token(user_id, JWT_SECRET, 60)
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.reported = False
        self.rng = random.Random(user_id)

    def _get(self, path: str):
        return self.session.get(f"{self.base}/api/v1{path}", timeout=TIMEOUT)

    def notices(self) -> None:
        estate = self.place.estate
        listed = self.record.timed("notices", lambda: self._get(f"/estates/{estate}/notices"))
        items = listed.json().get("items", []) if listed is not None else []
        if items:
            newest = items[0]["id"]
            self.record.timed("notice", lambda: self._get(f"/notices/{newest}"))

    def statement(self) -> None:
        path = f"/estates/{self.place.estate}/ledger/periods/{self.place.period}/statement"
        self.record.timed("statement", lambda: self._get(path))

    def ticket(self) -> None:
        if self.reported:
            return self.notices()
        self.reported = True
        estate = self.place.estate
        uploaded = self.record.timed(
            "photo upload",
            lambda: self.session.post(
                f"{self.base}/api/v1/estates/{estate}/ticket-photos",
                files={"file": ("photo.jpg", self.photo, "image/jpeg")},
                timeout=TIMEOUT,
            ),
            expect=201,
        )
        if uploaded is None:
            return None
        body = {
            "category": "lighting",
            "description": "楼道灯不亮，晚上看不清台阶。",
            "photo_ids": [uploaded.json()["id"]],
            "location_text": "压测楼一单元",
            "client_token": uuid4().hex,
        }
        self.record.timed(
            "ticket report",
            lambda: self.session.post(
                f"{self.base}/api/v1/estates/{estate}/tickets", json=body, timeout=TIMEOUT
            ),
            expect=201,
        )

    def ballot(self) -> None:
        choice = self.rng.choice(["yes", "yes", "no", "abstain"])
        self.record.timed(
            "ballot",
            lambda: self.session.post(
                f"{self.base}/api/v1/motions/{self.place.motion}/ballots",
                json={"choice": choice},
                timeout=TIMEOUT,
            ),
            expect=201,
        )

    def live(self, deadline: float, stop: threading.Event) -> None:
        ballot_at = time.monotonic() + self.rng.uniform(0, SECONDS / 2)
        actions, weights = list(WEIGHTS), list(WEIGHTS.values())
        stop.wait(self.rng.uniform(0, THINK))  # owners don't all arrive at once
        while not stop.is_set() and time.monotonic() < deadline:
            if ballot_at and time.monotonic() >= ballot_at:
                ballot_at = 0
                self.ballot()
            else:
                getattr(self, self.rng.choices(actions, weights)[0])()
            stop.wait(self.rng.expovariate(1 / THINK))
        self.session.close()


def _probe(base: str, record: Recorder, deadline: float, stop: threading.Event) -> None:
    with requests.Session() as session:
        while not stop.is_set() and time.monotonic() < deadline:
            record.timed("/healthz", lambda: session.get(f"{base}/healthz", timeout=TIMEOUT))
            stop.wait(PROBE)


def _p(values: list[float], q: int) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def _report(record: Recorder, seconds: float) -> None:
    health = record.seconds.get("/healthz", [])
    if not health:
        raise SystemExit("soak: /healthz was never answered")
    h50, h95 = _p(health, 50), _p(health, 95)
    _log(f"{OWNERS} owners, {seconds:.0f}s, think {THINK:g}s, gunicorn sync workers={WORKERS}")
    print(f"{'action':<14}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p50 ratio':>11}{'p95 ratio':>11}")
    for action in [
        "/healthz",
        "notices",
        "notice",
        "statement",
        "photo upload",
        "ticket report",
        "ballot",
    ]:
        values = record.seconds.get(action, [])
        if not values:
            print(f"{action:<14}{0:>7}")
            continue
        p50, p95 = _p(values, 50), _p(values, 95)
        print(
            f"{action:<14}{len(values):>7}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}"
            f"{h50 / p50:>11.2f}{h95 / p95:>11.2f}"
        )
    print(f"errors: {len(record.errors)}")
    for error in record.errors[:10]:
        print(f"  {error}")
    if record.errors:
        raise SystemExit(1)


def main() -> None:
    _log(f"preparing the demo county and {OWNERS} owners")
    place = prepare()
    photo = phone_photo((1600, 1200))
    record = Recorder()
    settings = _env(database_url=DATABASE_URL, redis_url=REDIS_URL)
    with gunicorn(settings) as base:
        requests.get(f"{base}/healthz", timeout=TIMEOUT)
        stop = threading.Event()
        started = time.monotonic()
        deadline = started + SECONDS
        owners = [Owner(base, place, user_id, record, photo) for user_id in place.owners]
        threads = [threading.Thread(target=_probe, args=(base, record, deadline, stop))]
        threads += [threading.Thread(target=o.live, args=(deadline, stop)) for o in owners]
        _log(f"running for {SECONDS:g}s")
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        except KeyboardInterrupt:
            stop.set()
            raise
        elapsed = time.monotonic() - started
    _report(record, elapsed)
