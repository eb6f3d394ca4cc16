"""One settings object built from defaults, then LINLI_* environment variables, then overrides.

The embedded default (``make run``) needs nothing configured: SQLite in ./var, jobs in process,
the fake WeChat server on localhost. Production sets every LINLI_* variable.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"

# Built-in secrets: good enough for the embedded default on one's own computer, refused anywhere
# else (see _check_secrets).
DEV_SECRET_KEY = "dev-only-change-me"
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me"


def _flag(value: str) -> bool:
    """An on/off variable: 1/true/yes/on or 0/false/no/off, anything else refused."""
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be 1 or 0")


# Name of each environment variable -> (Flask config key, default, parser).
_ENV = {
    "LINLI_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", f"sqlite:///{VAR_DIR / 'linli.db'}", str),
    "LINLI_REDIS_URL": ("REDIS_URL", "", str),
    "LINLI_SECRET_KEY": ("SECRET_KEY", DEV_SECRET_KEY, str),
    "LINLI_JWT_SECRET": ("JWT_SECRET", DEV_JWT_SECRET, str),
    "LINLI_JWT_ACCESS_MINUTES": ("JWT_ACCESS_MINUTES", 15, int),
    "LINLI_REFRESH_DAYS": ("REFRESH_DAYS", 30, int),
    "LINLI_WECHAT_APPID": ("WECHAT_APPID", "wx-linli-dev", str),
    "LINLI_WECHAT_SECRET": ("WECHAT_SECRET", "dev-secret", str),
    "LINLI_WECHAT_API_BASE": ("WECHAT_API_BASE", "http://127.0.0.1:5050", str),
    "LINLI_WECOM_API_BASE": ("WECOM_API_BASE", "http://127.0.0.1:5050", str),
    "LINLI_WECOM_CORP_ID": ("WECOM_CORP_ID", "ww-linli-dev", str),
    "LINLI_WECOM_APP_SECRET": ("WECOM_APP_SECRET", "dev-wecom-secret", str),
    # Tries per outbox row before it is dead, and the first wait (doubling after each try).
    "LINLI_OUTBOX_MAX_ATTEMPTS": ("OUTBOX_MAX_ATTEMPTS", 8, int),
    "LINLI_OUTBOX_RETRY_BASE_SECONDS": ("OUTBOX_RETRY_BASE_SECONDS", 5, int),
    # A queued row whose job has not finished after this long is handed out again.
    "LINLI_OUTBOX_LEASE_SECONDS": ("OUTBOX_LEASE_SECONDS", 120, int),
    # A delivery job running longer than this is stopped by rq (and counts as lost).
    "LINLI_DELIVERY_JOB_TIMEOUT": ("DELIVERY_JOB_TIMEOUT", 60, int),
    "LINLI_OUTBOX_RELAY_INTERVAL": ("OUTBOX_RELAY_INTERVAL", 1.0, float),
    "LINLI_GROUP_MESSAGES_PER_MINUTE": ("GROUP_MESSAGES_PER_MINUTE", 20, int),
    # Uploaded files: "local" (STORAGE_DIR) or "s3" (any S3-compatible object store).
    "LINLI_STORAGE_BACKEND": ("STORAGE_BACKEND", "local", str),
    "LINLI_STORAGE_DIR": ("STORAGE_DIR", str(VAR_DIR / "storage"), str),
    "LINLI_S3_BUCKET": ("S3_BUCKET", "", str),
    "LINLI_S3_PREFIX": ("S3_PREFIX", "", str),
    "LINLI_S3_ENDPOINT_URL": ("S3_ENDPOINT_URL", "", str),
    "LINLI_S3_REGION": ("S3_REGION", "", str),
    "LINLI_S3_ACCESS_KEY_ID": ("S3_ACCESS_KEY_ID", "", str),
    "LINLI_S3_SECRET_ACCESS_KEY": ("S3_SECRET_ACCESS_KEY", "", str),
    # Committee approvals a ledger period needs, unless the estate sets its own number.
    "LINLI_LEDGER_APPROVALS_REQUIRED": ("LEDGER_APPROVALS_REQUIRED", 2, int),
    # Days an owner's question on the accounts may wait for an answer before it is flagged.
    "LINLI_LEDGER_QUESTION_DAYS": ("LEDGER_QUESTION_DAYS", 7, int),
    # Tickets (随手拍): hours to accept and to reply by default, and per category
    # ("elevator=2/24,fire_safety=2/24"); a county officer may set the county's own.
    "LINLI_TICKET_ACCEPT_HOURS": ("TICKET_ACCEPT_HOURS", 24, int),
    "LINLI_TICKET_REPLY_HOURS": ("TICKET_REPLY_HOURS", 72, int),
    "LINLI_TICKET_TIME_LIMITS": (
        "TICKET_TIME_LIMITS",
        "elevator=2/24,fire_safety=2/24,security=4/48,drains=12/48",
        str,
    ),
    # After a missed deadline, hours each further rung has before the next escalation.
    "LINLI_TICKET_ESCALATION_HOURS": ("TICKET_ESCALATION_HOURS", 24, int),
    # Days after a reply in which the reporter may reopen or rate (then: closed, not rated).
    "LINLI_TICKET_FEEDBACK_DAYS": ("TICKET_FEEDBACK_DAYS", 7, int),
    "LINLI_TICKET_PHOTO_MAX_MB": ("TICKET_PHOTO_MAX_MB", 10, int),
    "LINLI_TICKET_PHOTO_MAX_PIXELS": ("TICKET_PHOTO_MAX_PIXELS", 40_000_000, int),
    # Mini-program subscribe-message template for "a ticket is now yours" (empty: not sent).
    "LINLI_TICKET_TEMPLATE_ID": ("TICKET_TEMPLATE_ID", "", str),
    # Owners' votes: days between announcing a motion and opening the vote (at least), the
    # longest a vote may stay open.
    "LINLI_VOTE_NOTICE_DAYS": ("VOTE_NOTICE_DAYS", 15, int),
    "LINLI_VOTE_MAX_DAYS": ("VOTE_MAX_DAYS", 60, int),
    # Credit penalties: a property company's score starts here and loses the points of each
    # deduction (信用扣分) for this many days, the day of the decision included.
    "LINLI_CREDIT_BASE_SCORE": ("CREDIT_BASE_SCORE", 100, int),
    "LINLI_CREDIT_WINDOW_DAYS": ("CREDIT_WINDOW_DAYS", 365, int),
    # Joint meetings (四方联席会议): each community holds one in every interval of this many
    # calendar months (1 = monthly); a community is overdue when the last one had none.
    "LINLI_JOINT_MEETING_INTERVAL_MONTHS": ("JOINT_MEETING_INTERVAL_MONTHS", 1, int),
    # Star ratings: the totals at which 1★..4★ begin and from which 5★ may be granted on a
    # county review; days after confirmation in which the estate may appeal; days after a
    # ledger period ends in which publishing it counts as on time.
    "LINLI_STAR_THRESHOLDS": ("STAR_THRESHOLDS", "60,70,80,90,95", str),
    "LINLI_RATING_APPEAL_DAYS": ("RATING_APPEAL_DAYS", 15, int),
    "LINLI_LEDGER_PUBLISH_DAYS": ("LEDGER_PUBLISH_DAYS", 15, int),
    # Estate register: a committee's term in years (when not entered), days before its end
    # that it is due for re-election, and the party-led (红色业委会) rule: "share" (party members
    # >= the percent of current members), "chair_secretary" (the chair is a party member and the
    # branch secretary) or "either". After changing the rule run `flask linli recompute-party-led`.
    "LINLI_COMMITTEE_TERM_YEARS": ("COMMITTEE_TERM_YEARS", 5, int),
    "LINLI_REELECTION_NOTICE_DAYS": ("REELECTION_NOTICE_DAYS", 90, int),
    "LINLI_PARTY_LED_RULE": ("PARTY_LED_RULE", "either", str),
    "LINLI_PARTY_LED_MIN_SHARE_PERCENT": ("PARTY_LED_MIN_SHARE_PERCENT", 50, int),
    # The WeCom app that receives owners' messages and vote-card clicks (callback settings
    # from the app's "接收消息" page; AES key is the 43-character EncodingAESKey).
    "LINLI_WECOM_AGENT_ID": ("WECOM_AGENT_ID", 1000002, int),
    "LINLI_WECOM_CALLBACK_TOKEN": ("WECOM_CALLBACK_TOKEN", "linli-dev-callback-token", str),
    "LINLI_WECOM_CALLBACK_AES_KEY": (
        "WECOM_CALLBACK_AES_KEY",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        str,
    ),
    # The mini-program link sent to people who cannot vote by chat.
    "LINLI_MINIPROGRAM_VOTE_PATH": ("MINIPROGRAM_VOTE_PATH", "pages/motion/index", str),
    # A CJK font for PDF statements (a .ttf/.otf/.ttc); empty = look in the usual places.
    "LINLI_PDF_FONT": ("PDF_FONT", "", str),
    # Open311: the GeoReport v2 endpoint's public address as the discovery document gives it
    # (https://linli.example.gov.cn/open311/v2/; empty = the address the request came to),
    # and who its users may contact.
    "LINLI_OPEN311_URL": ("OPEN311_URL", "", str),
    "LINLI_OPEN311_CONTACT": ("OPEN311_CONTACT", "请联系所在县住建局", str),
    "LINLI_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", "", str),
    # Rate limits ("10 per minute", "100/hour": the limits package's notation). Each is keyed
    # on the identity it protects, because owners' phones share carrier addresses (CGNAT): a
    # per-address limit would lock out an estate voting at once. Per address there is only a
    # high ceiling against one machine flooding (sized with `python -m bench logins`).
    # Mini-program login per wx.login() code and, after WeChat's answer, per owner (openid);
    # token refresh per user; and each one's ceiling per address.
    "LINLI_WECHAT_LOGIN_RATE_LIMIT": ("WECHAT_LOGIN_RATE_LIMIT", "5 per minute", str),
    "LINLI_REFRESH_RATE_LIMIT": ("REFRESH_RATE_LIMIT", "10 per minute", str),
    "LINLI_WECHAT_LOGIN_ADDRESS_RATE_LIMIT": (
        "WECHAT_LOGIN_ADDRESS_RATE_LIMIT",
        "1200 per minute",
        str,
    ),
    # Console sign-in per username, and its ceiling per address.
    "LINLI_LOGIN_RATE_LIMIT": ("LOGIN_RATE_LIMIT", "10 per minute", str),
    "LINLI_LOGIN_ADDRESS_RATE_LIMIT": ("LOGIN_ADDRESS_RATE_LIMIT", "100 per minute", str),
    # Console lockout: this many wrong passwords for one username within the window lock it
    # for LOGIN_LOCKOUT_MINUTES from any address (an admin may unlock it sooner).
    "LINLI_LOGIN_LOCKOUT_ATTEMPTS": ("LOGIN_LOCKOUT_ATTEMPTS", 5, int),
    "LINLI_LOGIN_LOCKOUT_WINDOW_MINUTES": ("LOGIN_LOCKOUT_WINDOW_MINUTES", 15, int),
    "LINLI_LOGIN_LOCKOUT_MINUTES": ("LOGIN_LOCKOUT_MINUTES", 15, int),
    "LINLI_MAX_UPLOAD_MB": ("MAX_UPLOAD_MB", 20, int),
    # Unset: Secure everywhere but the embedded default (served over plain http://localhost).
    "LINLI_SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", None, _flag),
    # A console session ends after this long without a request, and this long after sign-in
    # whatever happens.
    "LINLI_CONSOLE_IDLE_MINUTES": ("CONSOLE_IDLE_MINUTES", 30, int),
    "LINLI_CONSOLE_MAX_HOURS": ("CONSOLE_MAX_HOURS", 12, int),
    # How console passwords are hashed (werkzeug's method string). Only tests may go below
    # the floor in PASSWORD_HASH_FLOOR: the app refuses to start otherwise.
    "LINLI_PASSWORD_HASH_METHOD": ("PASSWORD_HASH_METHOD", "scrypt:32768:8:1", str),
}


def _config_keys(overrides: dict) -> dict:
    """Overrides may name a setting by its config key (SQLALCHEMY_DATABASE_URI), its
    environment variable (LINLI_DATABASE_URL) or that name without the prefix (DATABASE_URL)."""
    aliases = {}
    for env_name, (key, _default, _parse) in _ENV.items():
        aliases[env_name] = aliases[env_name.removeprefix("LINLI_")] = key
    return {aliases.get(name, name): value for name, value in overrides.items()}


def is_embedded_default(settings: dict) -> bool:
    """The embedded default (`make run`): a SQLite database and no Redis, on one's own computer."""
    return (
        str(settings["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite") and not settings["REDIS_URL"]
    )


def _check_secrets(settings: dict) -> None:
    """Anyone who has read this file could sign cookies and tokens with the built-in secrets:
    outside the embedded default and tests the app refuses to start on them."""
    if is_embedded_default(settings) or settings.get("TESTING"):
        return
    for env_name, key, dev_value in (
        ("LINLI_SECRET_KEY", "SECRET_KEY", DEV_SECRET_KEY),
        ("LINLI_JWT_SECRET", "JWT_SECRET", DEV_JWT_SECRET),
    ):
        if not settings[key] or settings[key] == dev_value:
            raise ValueError(
                f"{env_name} must be set to a long random secret (the built-in one is only "
                "for the embedded default: SQLite and no Redis)"
            )


def _check_console_sessions(settings: dict) -> None:
    if int(settings["CONSOLE_IDLE_MINUTES"]) < 1:
        raise ValueError("LINLI_CONSOLE_IDLE_MINUTES must be at least 1")
    if int(settings["CONSOLE_MAX_HOURS"]) < 1:
        raise ValueError("LINLI_CONSOLE_MAX_HOURS must be at least 1")


RATE_LIMITS = (
    "WECHAT_LOGIN_RATE_LIMIT",
    "REFRESH_RATE_LIMIT",
    "WECHAT_LOGIN_ADDRESS_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "LOGIN_ADDRESS_RATE_LIMIT",
)


def _check_rate_limits(settings: dict) -> None:
    """flask-limiter would only parse a limit on the first request it applies to, and then
    fail that request: a mistyped limit refuses to start instead, naming the variable."""
    from limits import parse_many

    for key in RATE_LIMITS:
        try:
            if not parse_many(str(settings[key])):
                raise ValueError
        except ValueError:
            raise ValueError(
                f"LINLI_{key} must be a rate limit such as '10 per minute' (got {settings[key]!r})"
            ) from None
    for key in ("LOGIN_LOCKOUT_ATTEMPTS", "LOGIN_LOCKOUT_WINDOW_MINUTES", "LOGIN_LOCKOUT_MINUTES"):
        if int(settings[key]) < 1:
            raise ValueError(f"LINLI_{key} must be at least 1")


PARTY_LED_RULES = ("share", "chair_secretary", "either")


def _check_governance(settings: dict) -> None:
    """A mistake in these settings would first show as a 500 on a page that reads them: the
    app refuses to start instead, saying which setting is wrong."""
    if settings["JOINT_MEETING_INTERVAL_MONTHS"] not in (1, 2, 3, 4, 6, 12):
        # Intervals are calendar blocks within a year; any other length would drift.
        raise ValueError("LINLI_JOINT_MEETING_INTERVAL_MONTHS must be 1, 2, 3, 4, 6 or 12")
    if settings["PARTY_LED_RULE"] not in PARTY_LED_RULES:
        raise ValueError(f"LINLI_PARTY_LED_RULE must be one of {', '.join(PARTY_LED_RULES)}")
    if not 1 <= int(settings["PARTY_LED_MIN_SHARE_PERCENT"]) <= 100:
        raise ValueError("LINLI_PARTY_LED_MIN_SHARE_PERCENT must be 1–100")
    try:
        thresholds = [int(v) for v in str(settings["STAR_THRESHOLDS"]).split(",")]
    except ValueError:
        thresholds = []
    if len(thresholds) != 5 or thresholds != sorted(set(thresholds)) or thresholds[-1] > 100:
        raise ValueError("LINLI_STAR_THRESHOLDS must be five increasing totals up to 100")


# The weakest cost each werkzeug method may have outside tests (werkzeug's defaults are above).
PASSWORD_HASH_FLOOR = {"scrypt": 2**15, "pbkdf2": 600_000}


def _check_password_hash(settings: dict) -> None:
    """A cheap hash makes the tests fast and a stolen hash easy to crack: outside tests the
    app refuses to start with one."""
    method = str(settings["PASSWORD_HASH_METHOD"])
    name, *args = method.split(":")
    try:
        if name == "scrypt":
            cost = int(args[0]) if args else 2**15
        elif name == "pbkdf2":
            cost = int(args[1]) if len(args) > 1 else 1_000_000
        else:
            raise ValueError
    except ValueError:
        raise ValueError(
            "LINLI_PASSWORD_HASH_METHOD must be scrypt[:n:r:p] or pbkdf2[:hash:iterations]"
        ) from None
    if cost < PASSWORD_HASH_FLOOR[name] and not settings.get("TESTING"):
        raise ValueError(
            f"LINLI_PASSWORD_HASH_METHOD {method} is below the production cost "
            f"({name} at least {PASSWORD_HASH_FLOOR[name]}): only tests may use it"
        )


def load(overrides: dict | None = None) -> dict:
    """Return the Flask config mapping: defaults < environment < ``overrides``."""
    settings = {key: default for key, default, _ in _ENV.values()}
    for env_name, (key, _default, parse) in _ENV.items():
        if env_name in os.environ:
            try:
                settings[key] = parse(os.environ[env_name])
            except ValueError as error:
                # Say which variable is wrong, not only int()'s "invalid literal".
                raise ValueError(f"{env_name}: {error}") from None
    settings.update(_config_keys(overrides or {}))

    settings.setdefault("OUTBOX_RELAY_BATCH", 500)
    _check_governance(settings)
    _check_rate_limits(settings)
    _check_password_hash(settings)
    _check_secrets(settings)
    _check_console_sessions(settings)
    if settings["SESSION_COOKIE_SECURE"] is None:
        # The embedded default is served over plain HTTP on localhost, where a Secure cookie
        # would never come back; everything else sits behind HTTPS.
        settings["SESSION_COOKIE_SECURE"] = not is_embedded_default(settings)
    settings["MAX_CONTENT_LENGTH"] = settings["MAX_UPLOAD_MB"] * 1024 * 1024
    if not settings["RATELIMIT_STORAGE_URI"]:
        settings["RATELIMIT_STORAGE_URI"] = settings["REDIS_URL"] or "memory://"
    settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    settings.setdefault("SESSION_COOKIE_HTTPONLY", True)
    settings.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    settings.setdefault("API_TITLE", "Linli (邻里) API")
    settings.setdefault("API_VERSION", "v1")
    settings.setdefault("OPENAPI_VERSION", "3.0.3")
    settings.setdefault("OPENAPI_URL_PREFIX", "/api")
    settings.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    settings.setdefault("OPENAPI_SWAGGER_UI_PATH", "/docs")
    # Served from the swagger-ui-bundle package (backend/apidocs.py): no CDN needed.
    settings.setdefault("OPENAPI_SWAGGER_UI_URL", "/api/docs/assets/")
    settings.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    return settings
