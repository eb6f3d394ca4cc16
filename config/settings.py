"""One settings object built from defaults, then LINLI_* environment variables, then overrides.

The embedded default (``make run``) needs nothing configured: SQLite in ./var, jobs in process,
the fake WeChat server on localhost. Production sets every LINLI_* variable.

SETTINGS is the one table of every LINLI_* variable: each is parsed and checked once, in load(),
so a wrong value stops the app at start with the variable's name and what it expects; code
reads the typed value from app.config. config/.env.example is generated from it
(``python -m config.env_example``). Only LINLI_TEST_* (tests/conftest.py) and LINLI_BENCH_*
(bench/.env.example) live elsewhere.
"""

import os
from dataclasses import dataclass, replace
from pathlib import Path

from config import parsers as p

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"

# Built-in secrets: good enough for the embedded default on one's own computer, refused anywhere
# else (see _check_secrets).
DEV_SECRET_KEY = "dev-only-change-me"
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me"

PARTY_LED_RULES = ("share", "chair_secretary", "either")
# The weakest cost each werkzeug method may have outside tests (werkzeug's defaults are above).
PASSWORD_HASH_FLOOR = {"scrypt": 2**15, "pbkdf2": 600_000}


@dataclass(frozen=True)
class Setting:
    """One LINLI_* variable: its Flask config key, default (as it would be written in the
    environment; None = unset), parser, group in .env.example and one-line meaning."""

    name: str
    key: str
    default: str | None
    parse: p.Parser
    meaning: str
    group: str = ""


def _group(title: str, *settings: Setting) -> list[Setting]:
    return [replace(s, group=title) for s in settings]


S = Setting
POSITIVE = p.integer(1)
NATURAL = p.integer(0)
PORT = p.integer(1, 65535)
HTTP = p.url("http", "https")
HTTP_OR_EMPTY = p.url("http", "https", empty=True)
REDIS = p.url("redis", "rediss", "unix", empty=True, host=False)

# The table reads best one setting to a few lines, as written.
# fmt: off
SETTINGS: list[Setting] = [
    *_group(
        "Database, Redis and secrets",
        S("LINLI_DATABASE_URL", "SQLALCHEMY_DATABASE_URI", f"sqlite:///{VAR_DIR / 'linli.db'}",
          p.database_url, "SQLAlchemy URL; postgresql+psycopg://user@host/db in production"),
        S("LINLI_REDIS_URL", "REDIS_URL", "", REDIS,
          "Redis for jobs, rate limits and tokens (empty: the embedded default, jobs in process)"),
        S("LINLI_SECRET_KEY", "SECRET_KEY", DEV_SECRET_KEY, p.text,
          "long random secret signing cookies; built-in one: embedded default only"),
        S("LINLI_JWT_SECRET", "JWT_SECRET", DEV_JWT_SECRET, p.text,
          "long random secret signing API tokens; built-in one: embedded default only"),
        S("LINLI_JWT_ACCESS_MINUTES", "JWT_ACCESS_MINUTES", "15", POSITIVE,
          "minutes an API access token lasts"),
        S("LINLI_REFRESH_DAYS", "REFRESH_DAYS", "30", POSITIVE,
          "days a refresh token lasts"),
    ),
    *_group(
        "WeChat and WeCom",
        S("LINLI_WECHAT_APPID", "WECHAT_APPID", "wx-linli-dev", p.text,
          "the mini-program's AppID"),
        S("LINLI_WECHAT_SECRET", "WECHAT_SECRET", "dev-secret", p.text,
          "the mini-program's AppSecret"),
        S("LINLI_WECHAT_API_BASE", "WECHAT_API_BASE", "http://127.0.0.1:5050", HTTP,
          "WeChat API base (https://api.weixin.qq.com; the fake server in development)"),
        S("LINLI_WECOM_API_BASE", "WECOM_API_BASE", "http://127.0.0.1:5050", HTTP,
          "WeCom API base (https://qyapi.weixin.qq.com; the fake server in development)"),
        S("LINLI_WECOM_CORP_ID", "WECOM_CORP_ID", "ww-linli-dev", p.text,
          "the WeCom corp ID whose app chats the bot posts to"),
        S("LINLI_WECOM_APP_SECRET", "WECOM_APP_SECRET", "dev-wecom-secret", p.text,
          "that WeCom app's Secret"),
        S("LINLI_WECOM_AGENT_ID", "WECOM_AGENT_ID", "1000002", POSITIVE,
          "the WeCom app receiving owners' messages and vote-card clicks"),
        S("LINLI_WECOM_CALLBACK_TOKEN", "WECOM_CALLBACK_TOKEN", "linli-dev-callback-token", p.text,
          "the Token of that app's callback (接收消息 page)"),
        S("LINLI_WECOM_CALLBACK_AES_KEY", "WECOM_CALLBACK_AES_KEY",
          "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", p.aes_key,
          "the EncodingAESKey of that app's callback"),
        S("LINLI_MINIPROGRAM_VOTE_PATH", "MINIPROGRAM_VOTE_PATH", "pages/motion/index", p.text,
          "mini-program page sent to people who cannot vote by chat"),
    ),
    *_group(
        "Notices and delivery",
        S("LINLI_OUTBOX_MAX_ATTEMPTS", "OUTBOX_MAX_ATTEMPTS", "8", POSITIVE,
          "tries per message before it is dead (shown on the console)"),
        S("LINLI_OUTBOX_RETRY_BASE_SECONDS", "OUTBOX_RETRY_BASE_SECONDS", "5", NATURAL,
          "seconds before the first retry, doubling after each try"),
        S("LINLI_OUTBOX_LEASE_SECONDS", "OUTBOX_LEASE_SECONDS", "120", POSITIVE,
          "seconds after which a queued message whose job has not finished is handed out again"),
        S("LINLI_DELIVERY_JOB_TIMEOUT", "DELIVERY_JOB_TIMEOUT", "60", POSITIVE,
          "seconds a delivery job may run before rq stops it (it then counts as lost); a "
          "burst takes no new row after half of it"),
        S("LINLI_DELIVERY_BURST", "DELIVERY_BURST", "50", POSITIVE,
          "outbox rows one delivery job (one forked work horse) sends one after another"),
        S("LINLI_OUTBOX_RELAY_INTERVAL", "OUTBOX_RELAY_INTERVAL", "1.0", p.number(0),
          "seconds between two looks of the outbox relay"),
        S("LINLI_GROUP_MESSAGES_PER_MINUTE", "GROUP_MESSAGES_PER_MINUTE", "20", POSITIVE,
          "sends per group chat per minute (WeCom robots take 20)"),
    ),
    *_group(
        "Uploaded files",
        S("LINLI_STORAGE_BACKEND", "STORAGE_BACKEND", "local", p.one_of("local", "s3"),
          "local (in LINLI_STORAGE_DIR) or s3 (any S3-compatible object store)"),
        S("LINLI_STORAGE_DIR", "STORAGE_DIR", str(VAR_DIR / "storage"), p.text,
          "folder of uploads with the local backend"),
        S("LINLI_S3_BUCKET", "S3_BUCKET", "", p.text, "bucket, with the s3 backend"),
        S("LINLI_S3_PREFIX", "S3_PREFIX", "", p.text, "key prefix inside the bucket"),
        S("LINLI_S3_ENDPOINT_URL", "S3_ENDPOINT_URL", "", HTTP_OR_EMPTY,
          "endpoint of a non-AWS store (Aliyun OSS, Tencent COS, MinIO); empty: AWS"),
        S("LINLI_S3_REGION", "S3_REGION", "", p.text, "the store's region"),
        S("LINLI_S3_ACCESS_KEY_ID", "S3_ACCESS_KEY_ID", "", p.text, "the store's access key ID"),
        S("LINLI_S3_SECRET_ACCESS_KEY", "S3_SECRET_ACCESS_KEY", "", p.text,
          "the store's secret access key"),
        S("LINLI_MAX_UPLOAD_MB", "MAX_UPLOAD_MB", "20", POSITIVE,
          "largest request body in MB (attachments, vouchers)"),
        S("LINLI_PDF_FONT", "PDF_FONT", "", p.text,
          "a CJK font file (.ttf/.otf/.ttc) for PDF statements; empty: look in the usual places"),
    ),
    *_group(
        "Ledger",
        S("LINLI_LEDGER_APPROVALS_REQUIRED", "LEDGER_APPROVALS_REQUIRED", "2", POSITIVE,
          "committee approvals a ledger period needs, unless the estate sets its own"),
        S("LINLI_LEDGER_QUESTION_DAYS", "LEDGER_QUESTION_DAYS", "7", POSITIVE,
          "days an owner's question may wait for an answer before it is flagged"),
        S("LINLI_LEDGER_PUBLISH_DAYS", "LEDGER_PUBLISH_DAYS", "15", NATURAL,
          "days after a ledger period ends in which publishing it counts as on time"),
        S("LINLI_LEDGER_PUBLISH_DAYS_BY_COUNTY", "LEDGER_PUBLISH_DAYS_BY_COUNTY", "",
          p.days_by_county,
          "counties' own publish days (county id=days); the group hears 'accounts late' after it"),
    ),
    *_group(
        "Claims",
        S("LINLI_CLAIM_WAITING_DAYS", "CLAIM_WAITING_DAYS", "3", POSITIVE,
          "days a claim on a unit may wait before the committee's internal group is told"),
    ),
    *_group(
        "Tickets (随手拍)",
        S("LINLI_TICKET_ACCEPT_HOURS", "TICKET_ACCEPT_HOURS", "24", POSITIVE,
          "default hours to accept a ticket"),
        S("LINLI_TICKET_REPLY_HOURS", "TICKET_REPLY_HOURS", "72", POSITIVE,
          "default hours to reply to a ticket"),
        S("LINLI_TICKET_TIME_LIMITS", "TICKET_TIME_LIMITS",
          "elevator=2/24,fire_safety=2/24,security=4/48,drains=12/48", p.ticket_time_limits,
          "accept/reply hours per category; a county officer may set the county's own"),
        S("LINLI_TICKET_ESCALATION_HOURS", "TICKET_ESCALATION_HOURS", "24", POSITIVE,
          "after a missed deadline, hours each further rung has before the next escalation"),
        S("LINLI_TICKET_FEEDBACK_DAYS", "TICKET_FEEDBACK_DAYS", "7", POSITIVE,
          "days after a reply in which the reporter may reopen or rate"),
        S("LINLI_TICKET_PHOTO_MAX_MB", "TICKET_PHOTO_MAX_MB", "10", POSITIVE,
          "largest ticket photo in MB"),
        S("LINLI_TICKET_PHOTO_MAX_PIXELS", "TICKET_PHOTO_MAX_PIXELS", "40000000", POSITIVE,
          "largest ticket photo in pixels"),
        S("LINLI_TICKET_TEMPLATE_ID", "TICKET_TEMPLATE_ID", "", p.text,
          "subscribe-message template for 'a ticket is now yours' (empty: not sent)"),
    ),
    *_group(
        "Votes",
        S("LINLI_VOTE_NOTICE_DAYS", "VOTE_NOTICE_DAYS", "15", NATURAL,
          "least days between announcing a motion and opening its vote"),
        S("LINLI_VOTE_MAX_DAYS", "VOTE_MAX_DAYS", "60", POSITIVE,
          "longest a vote may stay open, in days"),
    ),
    *_group(
        "Maintenance fund (公维金)",
        S("LINLI_FUND_QUOTES_MIN", "FUND_QUOTES_MIN", "3", POSITIVE,
          "least quotes a repair project needs when its budget is above the amount below"),
        S("LINLI_FUND_QUOTES_ABOVE_FEN", "FUND_QUOTES_ABOVE_FEN", "20000000", NATURAL,
          "budget in fen above which a repair project needs that many quotes (0: always)"),
        S("LINLI_FUND_BUDGET_RISE_PERCENT", "FUND_BUDGET_RISE_PERCENT", "10", NATURAL,
          "percent a budget may rise over its approval before the project stops for a new one"),
        S("LINLI_FUND_EMERGENCY_NOTICE_DAYS", "FUND_EMERGENCY_NOTICE_DAYS", "3", POSITIVE,
          "days after an emergency repair's sign-off within which owners must be told"),
        S("LINLI_FUND_RATING_DAYS", "FUND_RATING_DAYS", "15", POSITIVE,
          "days after acceptance in which bearing owners may rate a repair"),
    ),
    *_group(
        "Oversight: credit, meetings, ratings, committees",
        S("LINLI_CREDIT_BASE_SCORE", "CREDIT_BASE_SCORE", "100", POSITIVE,
          "a property company's full credit score, before deductions (信用扣分)"),
        S("LINLI_CREDIT_WINDOW_DAYS", "CREDIT_WINDOW_DAYS", "365", POSITIVE,
          "days a deduction counts, the day of the decision included"),
        S("LINLI_JOINT_MEETING_INTERVAL_MONTHS", "JOINT_MEETING_INTERVAL_MONTHS", "1",
          p.one_of(1, 2, 3, 4, 6, 12),
          "calendar months per joint-meeting (四方联席会议) interval; other lengths would drift"),
        S("LINLI_STAR_THRESHOLDS", "STAR_THRESHOLDS", "60,70,80,90,95", p.star_thresholds,
          "totals where 1★..4★ begin and from which 5★ may be granted on a county review"),
        S("LINLI_RATING_APPEAL_DAYS", "RATING_APPEAL_DAYS", "15", POSITIVE,
          "days after a rating's confirmation in which the estate may appeal"),
        S("LINLI_COMMITTEE_TERM_YEARS", "COMMITTEE_TERM_YEARS", "5", POSITIVE,
          "a committee's term in years, when not entered"),
        S("LINLI_REELECTION_NOTICE_DAYS", "REELECTION_NOTICE_DAYS", "90", NATURAL,
          "days before a term ends that the committee is due for re-election"),
        S("LINLI_PARTY_LED_RULE", "PARTY_LED_RULE", "either", p.one_of(*PARTY_LED_RULES),
          "party-led (红色业委会) rule; run `flask linli recompute-party-led` after changing it"),
        S("LINLI_PARTY_LED_MIN_SHARE_PERCENT", "PARTY_LED_MIN_SHARE_PERCENT", "50",
          p.integer(1, 100), "least percent of party members among current members, for 'share'"),
    ),
    *_group(
        "Open311",
        S("LINLI_OPEN311_URL", "OPEN311_URL", "", HTTP_OR_EMPTY,
          "the GeoReport v2 endpoint's public address (empty: the address the request came to)"),
        S("LINLI_OPEN311_CONTACT", "OPEN311_CONTACT", "请联系所在县住建局", p.text,
          "whom the endpoint's users may contact"),
    ),
    *_group(
        "Sign-in, sessions and rate limits",
        S("LINLI_PASSWORD_HASH_METHOD", "PASSWORD_HASH_METHOD", "scrypt:32768:8:1", p.password_hash,
          "how console passwords are hashed (werkzeug); a cheaper cost is refused outside tests"),
        S("LINLI_SESSION_COOKIE_SECURE", "SESSION_COOKIE_SECURE", None, p.flag,
          "console cookie Secure; unset: everywhere but the embedded default (plain http)"),
        S("LINLI_CONSOLE_IDLE_MINUTES", "CONSOLE_IDLE_MINUTES", "30", POSITIVE,
          "a console session ends after this many minutes without a request"),
        S("LINLI_CONSOLE_MAX_HOURS", "CONSOLE_MAX_HOURS", "12", POSITIVE,
          "and this many hours after sign-in, however active"),
        S("LINLI_RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI", "", p.url(
            "redis", "rediss", "memory", "memcached", "mongodb", empty=True, host=False),
          "where rate-limit counters live (empty: LINLI_REDIS_URL, else memory://)"),
        S("LINLI_WECHAT_LOGIN_RATE_LIMIT", "WECHAT_LOGIN_RATE_LIMIT", "5 per minute", p.rate_limit,
          "mini-program logins per wx.login() code and per owner"),
        S("LINLI_REFRESH_RATE_LIMIT", "REFRESH_RATE_LIMIT", "10 per minute", p.rate_limit,
          "token refreshes per user"),
        S("LINLI_WECHAT_LOGIN_ADDRESS_RATE_LIMIT", "WECHAT_LOGIN_ADDRESS_RATE_LIMIT",
          "1200 per minute", p.rate_limit,
          "ceiling per address for login and for refresh (owners share carrier addresses)"),
        S("LINLI_LOGIN_RATE_LIMIT", "LOGIN_RATE_LIMIT", "10 per minute", p.rate_limit,
          "console sign-ins per username"),
        S("LINLI_LOGIN_ADDRESS_RATE_LIMIT", "LOGIN_ADDRESS_RATE_LIMIT", "100 per minute",
          p.rate_limit, "console sign-ins per address"),
        S("LINLI_LOGIN_LOCKOUT_ATTEMPTS", "LOGIN_LOCKOUT_ATTEMPTS", "5", POSITIVE,
          "wrong passwords for one console username within the window that lock it"),
        S("LINLI_LOGIN_LOCKOUT_WINDOW_MINUTES", "LOGIN_LOCKOUT_WINDOW_MINUTES", "15", POSITIVE,
          "that window, in minutes"),
        S("LINLI_LOGIN_LOCKOUT_MINUTES", "LOGIN_LOCKOUT_MINUTES", "15", POSITIVE,
          "minutes a locked username stays locked (an admin may unlock it sooner)"),
    ),
    *_group(
        "Processes: gunicorn, make run, flask linli",
        S("LINLI_BIND", "BIND", "0.0.0.0:8000", p.bind,
          "where gunicorn listens (config/gunicorn.conf.py)"),
        S("LINLI_WEB_WORKERS", "WEB_WORKERS", None, POSITIVE,
          "gunicorn sync workers; unset: 2 × CPUs + 1"),
        S("LINLI_FORWARDED_ALLOW_IPS", "FORWARDED_ALLOW_IPS", "127.0.0.1", p.text,
          "addresses of the reverse proxy whose X-Forwarded-* headers gunicorn trusts"),
        S("LINLI_PROXY_HOPS", "PROXY_HOPS", "0", p.integer(0, 5),
          "reverse proxies in front of the app whose X-Forwarded-For/-Proto the app believes "
          "(0: none, as in the embedded default; 1 behind one nginx): rate limits count the "
          "client's address, not the proxy's"),
        S("LINLI_HOST", "DEV_HOST", "127.0.0.1", p.text, "address `make run` serves on"),
        S("LINLI_PORT", "DEV_PORT", "5000", PORT, "port `make run` serves the API and console on"),
        S("LINLI_FAKE_WECHAT_PORT", "FAKE_WECHAT_PORT", "5050", PORT,
          "port of the fake WeChat server under `make run`"),
        S("LINLI_FAKE_WECOM_CALLBACK_URL", "FAKE_WECOM_CALLBACK_URL", "", HTTP_OR_EMPTY,
          "where the fake WeChat posts member callbacks (empty: LINLI_HOST:LINLI_PORT)"),
        S("LINLI_STAFF_PASSWORD", "STAFF_PASSWORD", "", p.text,
          "password `flask linli create-staff` gives (empty: asked for)"),
    ),
    *_group(
        "Mini-program URL links (external groups)",
        S("LINLI_URL_LINK_ENV_VERSION", "URL_LINK_ENV_VERSION", "release",
          p.one_of("release", "trial", "develop"),
          "which version of the mini-program the links in external groups open"),
        S("LINLI_URL_LINK_DAYS", "URL_LINK_DAYS", "30", p.integer(8, 30),
          "days a generated URL link lives (WeChat allows 30; renewed 7 days before)"),
    ),
    *_group(
        "Subscribe messages (订阅消息): one template id per kind, from the mini-program's console",
        S("LINLI_SUBSCRIBE_TICKET_REPLIED_TEMPLATE", "SUBSCRIBE_TICKET_REPLIED_TEMPLATE",
          "demo-ticket-replied", p.text,
          "template telling a reporter their ticket was replied to (empty: never asked or sent)"),
        S("LINLI_SUBSCRIBE_TICKET_ESCALATED_TEMPLATE", "SUBSCRIBE_TICKET_ESCALATED_TEMPLATE",
          "demo-ticket-escalated", p.text, "template telling a reporter their ticket escalated"),
        S("LINLI_SUBSCRIBE_QUESTION_ANSWERED_TEMPLATE", "SUBSCRIBE_QUESTION_ANSWERED_TEMPLATE",
          "demo-question-answered", p.text, "template telling an owner their question is answered"),
        S("LINLI_SUBSCRIBE_MOTION_OPENED_TEMPLATE", "SUBSCRIBE_MOTION_OPENED_TEMPLATE",
          "demo-motion-opened", p.text, "template telling an owner a vote has opened"),
        S("LINLI_SUBSCRIBE_MOTION_RESULT_TEMPLATE", "SUBSCRIBE_MOTION_RESULT_TEMPLATE",
          "demo-motion-result", p.text, "template telling an owner a vote's result"),
        S("LINLI_SUBSCRIBE_PERIOD_RETURNED_TEMPLATE", "SUBSCRIBE_PERIOD_RETURNED_TEMPLATE",
          "demo-period-returned", p.text, "template telling a preparer their period was returned"),
        S("LINLI_SUBSCRIBE_PERIOD_PROGRESS_TEMPLATE", "SUBSCRIBE_PERIOD_PROGRESS_TEMPLATE",
          "demo-period-progress", p.text,
          "template telling a preparer their period was approved, audited or published"),
        S("LINLI_SUBSCRIBE_OWNER_ASKED_TEMPLATE", "SUBSCRIBE_OWNER_ASKED_TEMPLATE",
          "demo-owner-asked", p.text, "template telling the committee an owner asked a question"),
    ),
]
# fmt: on
del S

BY_NAME = {s.name: s for s in SETTINGS}
BY_KEY = {s.key: s for s in SETTINGS}


def _refusal(setting: Setting, raw: str, error: ValueError) -> ValueError:
    """The error naming the variable, what it expects and what it got."""
    detail = f": {error}" if isinstance(error, p.Refused) else ""
    return ValueError(f"{setting.name} must be {setting.parse.expects} (got {raw!r}){detail}")


def _parse(setting: Setting, raw: str):
    try:
        return setting.parse(raw)
    except ValueError as error:
        raise _refusal(setting, raw, error) from None


def read(name: str):
    """One setting's typed value from the environment, else its default, for the few places
    that run before there is an app (gunicorn's config, ``make run``, the fake WeChat).

    :raises ValueError: the variable is set to something its parser refuses.
    """
    setting = BY_NAME[name]
    raw = os.environ.get(name, setting.default)
    return None if raw is None else _parse(setting, raw)


def _config_keys(overrides: dict) -> dict:
    """Overrides may name a setting by its config key (SQLALCHEMY_DATABASE_URI), its
    environment variable (LINLI_DATABASE_URL) or that name without the prefix (DATABASE_URL)."""
    aliases = {}
    for s in SETTINGS:
        aliases[s.name] = aliases[s.name.removeprefix("LINLI_")] = s.key
    return {aliases.get(name, name): value for name, value in overrides.items()}


def _parse_override(key: str, value):
    """Text and numbers given by code go through the variable's parser like the environment's;
    values already in their parsed shape (a tuple, a dict, None) are taken as they are."""
    setting = BY_KEY.get(key)
    if setting is None or not isinstance(value, str | int | float):
        return value
    return _parse(setting, str(value))


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


def _check_password_hash(settings: dict) -> None:
    """A cheap hash makes the tests fast and a stolen hash easy to crack: outside tests the
    app refuses to start with one."""
    method = settings["PASSWORD_HASH_METHOD"]
    name, cost = p.password_hash_cost(method)
    if cost < PASSWORD_HASH_FLOOR[name] and not settings.get("TESTING"):
        raise ValueError(
            f"LINLI_PASSWORD_HASH_METHOD {method} is below the production cost "
            f"({name} at least {PASSWORD_HASH_FLOOR[name]}): only tests may use it"
        )


def _check_storage(settings: dict) -> None:
    if settings["STORAGE_BACKEND"] == "s3" and not settings["S3_BUCKET"]:
        raise ValueError("LINLI_S3_BUCKET must be set when LINLI_STORAGE_BACKEND is s3")


def load(overrides: dict | None = None) -> dict:
    """Return the Flask config mapping: defaults < environment < ``overrides``, each value
    parsed and checked.

    :raises ValueError: a setting's value is refused; the message names the variable.
    """
    settings = {s.key: read(s.name) for s in SETTINGS}
    settings.update(
        {key: _parse_override(key, value) for key, value in _config_keys(overrides or {}).items()}
    )

    settings.setdefault("OUTBOX_RELAY_BATCH", 500)
    _check_password_hash(settings)
    _check_secrets(settings)
    _check_storage(settings)
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
