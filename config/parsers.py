"""Parsers for LINLI_* values: each turns the text of a variable into its typed value.

A parser carries ``expects``, the phrase that completes "<variable> must be ...", so every refusal
names the variable and what it takes. It raises ValueError; Refused when it has a detail to add.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

Parser = Callable[[str], object]


class Refused(ValueError):
    """A refusal whose message is worth showing after what the variable expects."""


def expecting(expects: str):
    def mark(parse):
        parse.expects = expects
        return parse

    return mark


@expecting("any text")
def text(value: str) -> str:
    return value


def integer(low: int | None = None, high: int | None = None) -> Parser:
    """A whole number, optionally within [low, high]."""
    if low is not None and high is not None:
        expects = f"a whole number from {low} to {high}"
    elif low is not None:
        expects = f"a whole number of at least {low}"
    else:
        expects = "a whole number"

    @expecting(expects)
    def parse(value: str) -> int:
        number = int(value)  # ValueError: its "invalid literal" adds nothing to `expects`
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError
        return number

    return parse


def number(above: float) -> Parser:
    """A decimal number greater than ``above``."""

    @expecting(f"a number greater than {above:g}")
    def parse(value: str) -> float:
        result = float(value)
        if not result > above:
            raise ValueError
        return result

    return parse


def one_of(*choices) -> Parser:
    """One of ``choices`` (compared as text; the choice itself is returned)."""

    @expecting("one of " + ", ".join(str(c) for c in choices))
    def parse(value: str):
        for choice in choices:
            if value.strip() == str(choice):
                return choice
        raise ValueError

    return parse


@expecting("1 or 0 (also true/false, yes/no, on/off)")
def flag(value: str) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError


def url(*schemes: str, empty: bool = False, host: bool = True) -> Parser:
    """An address with one of ``schemes`` and (when ``host``) a host, or nothing when ``empty``."""
    *others, last = [f"{s}://" for s in schemes]
    expects = (
        f"a URL starting {', '.join(others)} or {last}" if others else f"a URL starting {last}"
    )
    if empty:
        expects += ", or empty"

    @expecting(expects)
    def parse(value: str) -> str:
        if empty and not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in schemes or (host and not parts.netloc) or "://" not in value:
            raise ValueError
        return value

    return parse


@expecting("an SQLAlchemy database URL such as postgresql+psycopg://user@host/db")
def database_url(value: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except ArgumentError:
        raise ValueError from None
    return value


@expecting("host:port (or unix:/path)")
def bind(value: str) -> str:
    host, colon, port = value.rpartition(":")
    if not (value.startswith("unix:") or (colon and host and port.isdigit())):
        raise ValueError
    return value


def password_hash_cost(method: str) -> tuple[str, int]:
    """(werkzeug method name, its cost) from a method string.

    :raises ValueError: not scrypt[:n:r:p] or pbkdf2[:hash:iterations].
    """
    name, *args = method.split(":")
    if name == "scrypt":
        return name, int(args[0]) if args else 2**15
    if name == "pbkdf2":
        return name, int(args[1]) if len(args) > 1 else 1_000_000
    raise ValueError


@expecting("scrypt[:n:r:p] or pbkdf2[:hash:iterations], such as scrypt:32768:8:1")
def password_hash(value: str) -> str:
    password_hash_cost(value)
    return value


@expecting("a rate limit such as '10 per minute' (several joined by ';')")
def rate_limit(value: str) -> str:
    """Kept as text for flask-limiter, which would otherwise only parse it on the first request
    it applies to, and fail that request."""
    from limits import parse_many

    if not parse_many(value):
        raise ValueError
    return value


@expecting("a string of exactly 43 letters and digits (WeCom's EncodingAESKey)")
def aes_key(value: str) -> str:
    if len(value) != 43 or not value.isalnum():
        raise ValueError
    return value


@expecting("five increasing whole-number totals up to 100, such as 60,70,80,90,95")
def star_thresholds(value: str) -> tuple[int, ...]:
    totals = tuple(int(v) for v in value.split(","))
    if len(totals) != 5 or list(totals) != sorted(set(totals)) or totals[-1] > 100:
        raise ValueError
    return totals


# The hours a configured ticket time limit may take: the console's range (tickets.rules).
TICKET_HOURS = (1, 24 * 90)


@expecting(
    "category=accept/reply hours, comma-separated, such as elevator=2/24,drains=12/48 "
    f"(hours {TICKET_HOURS[0]}–{TICKET_HOURS[1]}, accept no longer than reply)"
)
def ticket_time_limits(value: str) -> dict[str, tuple[int, int]]:
    # The categories live with the tickets; imported here, when settings are loaded, so the
    # config package stays importable on its own.
    from backend.tickets.models import CATEGORIES

    limits = {}
    for item in filter(None, (p.strip() for p in value.split(","))):
        category, _, hours = item.partition("=")
        category = category.strip()
        if category not in CATEGORIES:
            raise Refused(f"unknown category {category!r}; known: {', '.join(CATEGORIES)}")
        accept, _, reply = hours.partition("/")
        try:
            accept, reply = int(accept), int(reply)
        except ValueError:
            raise Refused(f"{item!r} is not category=accept/reply") from None
        low, high = TICKET_HOURS
        if not (low <= accept <= reply <= high):
            raise Refused(f"{item!r} is out of range")
        limits[category] = (accept, reply)
    return limits


@expecting("county id=days, comma-separated, such as 3=20,7=30 (days 0–365; empty: none)")
def days_by_county(value: str) -> dict[int, int]:
    days = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        county, _, number = item.partition("=")
        try:
            county_id, count = int(county), int(number)
        except ValueError:
            raise Refused(f"{item!r} is not county id=days") from None
        if county_id < 1 or not 0 <= count <= 365:
            raise Refused(f"{item!r} is out of range")
        days[county_id] = count
    return days
