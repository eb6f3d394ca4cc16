"""A Redis cache of the dashboards' and the yearly report's figures that is never stale.

An entry is keyed by what it shows (place kind and id, period, page, today's date) and by two
data versions read before the figures are counted: the version of the place's county and a
global one. The versions are bumped in ONE place: Session events that see every write made
through a session (``after_flush`` collects the counties of the rows of the models below;
``do_orm_execute`` catches bulk INSERT/UPDATE/DELETE through the session, whose rows it cannot
see, as a global change), and ``after_commit`` of the outermost transaction INCRs them. A
rollback bumps nothing. A version is read before the figures, and the bump follows the commit,
so an entry computed from data older than a commit is stored under a version that commit has
already left behind (or will, once its INCR lands).

Without Redis (the embedded default) the cache is off and every page is counted live. Group
liveness is not cached at all: it is a sliding window that moves with the clock, not with a
write (dashboard.live_figures reads it on every request).
"""

import functools
import importlib
import logging
import pickle
import re
import time
import zlib
from collections.abc import Callable
from typing import Any

from redis.commands.core import Script
from redis.exceptions import RedisError
from sqlalchemy import event, select
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import TextClause

from backend.extensions import Session, db, redis_holder
from backend.funds.models import RepairPayment, RepairProject, RepairRating
from backend.governance.credit.models import CreditPenalty
from backend.governance.meetings.models import AgendaItem, JointMeeting, MeetingAttendee
from backend.governance.problems.models import ProblemItem
from backend.governance.ratings.models import EstateRating
from backend.governance.register.models import Committee, PartyBranch, PartyBranchEstate
from backend.governance.targets.models import PlaceMonthFacts, PlaceMonthFigures, RollupMonth
from backend.places.models import Community, County, Estate, PropertyCompany, Township
from backend.tickets.models import Ticket

log = logging.getLogger(__name__)

VERSION = "linli:figures-version:"  # + county id, or GLOBAL
GLOBAL = "all"
ENTRY = "linli:figures:"
HITS, MISSES = "linli:figures-cache:hits", "linli:figures-cache:misses"
# An entry outlives its versions only if a bump was lost (the process died between the commit
# and the INCR, or Redis was unreachable then): this bounds how long such a page can lag.
TTL_SECONDS = 6 * 3600
PENDING = "linli_figures_counties"

# Every model whose rows a dashboard or the report counts (group chats and the outbox are
# left out on purpose: liveness is read live).
MODELS = (
    Ticket,
    Committee,
    PartyBranch,
    PartyBranchEstate,
    JointMeeting,
    AgendaItem,
    MeetingAttendee,
    EstateRating,
    CreditPenalty,
    ProblemItem,
    RepairProject,
    RepairRating,
    RepairPayment,
    County,
    Township,
    Community,
    Estate,
    PropertyCompany,
    PlaceMonthFigures,
    PlaceMonthFacts,
    RollupMonth,
)
TABLES = frozenset(model.__table__.name for model in MODELS)
_TEXT_DML = re.compile(r"\b(?:insert\s+into|update|delete\s+from)\s+\"?(\w+)", re.IGNORECASE)


# -- the versions: collected on flush, bumped on commit ----------------------------------


def _values(obj, attribute: str) -> set | None:
    """The attribute's value now and, if this flush changed it, before; None if the row
    does not have it loaded (the caller then bumps every county: safe, only wasteful)."""
    state = db.inspect(obj)
    if attribute not in state.dict:
        return None
    history = state.attrs[attribute].history
    values = {state.dict[attribute], *history.deleted}
    return {v for v in values if v is not None}


def _add(into: set, obj, attribute: str, counties: set) -> None:
    values = _values(obj, attribute)
    if values is None:
        counties.add(GLOBAL)
    else:
        into |= values


def _counties_of_rows(session, objects) -> set:
    """The counties the flushed ``objects`` belong to; GLOBAL for a row whose county is not
    at hand."""
    counties: set = set()
    estates: set = set()
    meetings: set = set()
    projects: set = set()
    for obj in objects:
        if isinstance(obj, County):
            counties.add(obj.id)
        elif hasattr(obj, "county_id"):
            _add(counties, obj, "county_id", counties)
        elif hasattr(obj, "estate_id") and _values(obj, "estate_id"):
            _add(estates, obj, "estate_id", counties)
        elif hasattr(obj, "meeting_id"):
            _add(meetings, obj, "meeting_id", counties)
        elif hasattr(obj, "project_id"):
            _add(projects, obj, "project_id", counties)
        else:  # a community (its township's county is a query away), a roll-up row
            counties.add(GLOBAL)
    if not (estates or meetings or projects):
        return counties
    connection = session.connection()
    if meetings:
        counties |= set(
            connection.scalars(
                select(JointMeeting.county_id).where(JointMeeting.id.in_(meetings))
            ).all()
        )
    if projects:
        estates |= set(
            connection.scalars(
                select(RepairProject.estate_id).where(RepairProject.id.in_(projects))
            ).all()
        )
    if estates:
        counties |= set(
            connection.scalars(select(Estate.county_id).where(Estate.id.in_(estates))).all()
        )
    return counties


def _watched(session) -> list:
    rows = [*session.new, *session.deleted]
    rows += [obj for obj in session.dirty if session.is_modified(obj)]
    return [obj for obj in rows if isinstance(obj, MODELS)]


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    # After the flush the new rows have their foreign keys, and new, dirty, deleted and the
    # attributes' history still say what the flush wrote.
    rows = _watched(session)
    if rows:
        session.info.setdefault(PENDING, set()).update(_counties_of_rows(session, rows))


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state):
    """INSERT/UPDATE/DELETE through the session (escalation in sets, the roll-up build,
    imports): the rows are not seen, so unless it changed no row every county's figures are
    counted again."""
    statement = state.statement
    if isinstance(statement, UpdateBase):
        name = getattr(getattr(statement, "table", None), "name", None)
        written = name is None or name in TABLES
    elif isinstance(statement, TextClause):
        written = any(name.lower() in TABLES for name in _TEXT_DML.findall(statement.text))
    else:
        return None
    if not written:
        return None
    result = state.invoke_statement()
    # A batch that changed nothing (escalation every 5 minutes, mostly) leaves the entries.
    if getattr(result, "rowcount", -1) != 0:
        state.session.info.setdefault(PENDING, set()).add(GLOBAL)
    return result


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint released: the outermost commit bumps
    counties = session.info.pop(PENDING, None)
    if counties:
        bump(*counties)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is None:  # the whole transaction: nothing was written
        session.info.pop(PENDING, None)


# Set a missing version to a number no earlier version reached (an evicted or flushed key
# must not start again at 1 and meet an entry stored under 1 before).
_BUMP = """
for i, key in ipairs(KEYS) do
    if redis.call('exists', key) == 1 then redis.call('incr', key)
    else redis.call('set', key, ARGV[1]) end
end
return 1
"""


def _fresh() -> int:
    return time.time_ns() // 1000


def bump(*counties) -> None:
    """Mark the figures of ``counties`` (ids, or GLOBAL for all) changed. Called after the
    commit of every write to a watched model; call it after a write made outside any session."""
    client = redis_holder.client
    if client is None or not counties:
        return
    keys = sorted(f"{VERSION}{county}" for county in counties)
    try:
        client.eval(_BUMP, len(keys), *keys, _fresh())
    except RedisError:
        # The entries keep their TTL; say so loudly, the pages may lag until it runs out.
        log.exception("figures cache: could not bump %s", keys)


def bump_all() -> None:
    bump(GLOBAL)


# -- reading -------------------------------------------------------------------------------


# The modules whose classes an entry pickles: a deploy that changes any of them changes the
# keys, so a new worker never unpickles an old layout.
PICKLED_MODULES = (
    "backend.common.pagination",
    "backend.governance.credit.figures",
    "backend.governance.funds.figures",
    "backend.governance.meetings.figures",
    "backend.governance.problems.services",
    "backend.governance.ratings.figures",
    "backend.governance.register.figures",
    "backend.governance.targets.dashboard",
    "backend.governance.targets.places",
    "backend.governance.targets.report",
    "backend.governance.targets.tickets",
    "backend.outbox.group_checks",
)


@functools.cache
def code_version() -> str:
    crc = 0
    for name in PICKLED_MODULES:
        with open(importlib.import_module(name).__file__, "rb") as source:
            crc = zlib.crc32(source.read(), crc)
    return f"{crc:08x}"


# A page's lookup in one round trip: the two versions (a missing one set to a number no
# earlier version reached, as _BUMP does), the entry stored under them, and on a hit the hit
# counted. Three round trips before, a good share of a warm page on a busy machine. The entry's
# key is built inside the script, which a single Redis (not a cluster) allows.
_LOOKUP = Script(
    None,
    b"""
local versions = {}
for i = 1, 2 do
    local version = redis.call('get', KEYS[i])
    if not version then
        redis.call('set', KEYS[i], ARGV[2])
        version = ARGV[2]
    end
    versions[i] = version
end
local entry = redis.call('get', ARGV[1] .. ':' .. versions[1] .. ':' .. versions[2])
if entry then redis.call('incr', KEYS[3]) end
return {versions[1], versions[2], entry}
""",
)


def _lookup(client, what: tuple, county_id: int) -> tuple[str, bytes | None]:
    """(the entry's key at the current data versions, the entry or None)."""
    prefix = ENTRY + ":".join(map(str, (code_version(), *what)))
    keys = [f"{VERSION}{county_id}", f"{VERSION}{GLOBAL}", HITS]
    found = _LOOKUP(keys, [prefix, _fresh()], client=client)
    versions = [int(v) for v in found[:2]]
    entry = found[2] if len(found) > 2 else None
    return ":".join(map(str, (prefix, *versions))), entry


def cached(what: tuple, county_id: int, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave for ``what`` in the county at the same data versions.
    ``what`` must hold everything the result depends on besides the data and the code
    (place, period, page, today's date). Access is the caller's to check first."""
    client = redis_holder.client
    if client is None:
        return compute()
    try:
        key, found = _lookup(client, what, county_id)
    except RedisError:
        log.warning("figures cache: Redis unreachable, counting live", exc_info=True)
        return compute()
    if found is not None:
        try:
            return pickle.loads(found)  # noqa: S301 (our own entries)
        except Exception:  # noqa: BLE001 (an entry that cannot be read is a miss)
            # (the lookup has counted it as a hit: the counters are the bench's, not a figure)
            log.warning("figures cache: unreadable entry %s", key, exc_info=True)
    value = compute()
    try:
        client.set(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), ex=TTL_SECONDS)
        _count(client, MISSES)
    except RedisError:
        log.warning("figures cache: could not store", exc_info=True)
    return value


def _count(client, key: str) -> None:
    try:
        client.incr(key)
    except RedisError:
        pass


def stats() -> tuple[int, int]:
    """(hits, misses) so far, as the bench reports them."""
    client = redis_holder.client
    if client is None:
        return 0, 0
    hits, misses = client.mget([HITS, MISSES])
    return int(hits or 0), int(misses or 0)
