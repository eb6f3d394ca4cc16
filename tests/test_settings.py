"""Settings: defaults < LINLI_* environment < create_app overrides, by any of their names."""

import pytest

from config import parsers, settings

# Outside the embedded default the built-in secrets are refused: these stand in for real ones.
SECRETS = {"SECRET_KEY": "k" * 40, "JWT_SECRET": "j" * 40}
POSTGRES = "postgresql+psycopg://linli@db/linli"


def test_environment_wins_over_defaults(monkeypatch):
    monkeypatch.setenv("LINLI_JWT_ACCESS_MINUTES", "7")
    monkeypatch.setenv("LINLI_WECHAT_API_BASE", "http://fake.local")
    loaded = settings.load()
    assert loaded["JWT_ACCESS_MINUTES"] == 7
    assert loaded["WECHAT_API_BASE"] == "http://fake.local"


def test_overrides_accept_config_key_env_name_or_short_name(monkeypatch):
    monkeypatch.setenv("LINLI_DATABASE_URL", "sqlite:///from-env.db")
    loaded = settings.load({"LINLI_DATABASE_URL": "postgresql://a/b", **SECRETS})
    assert loaded["SQLALCHEMY_DATABASE_URI"] == "postgresql://a/b"
    loaded = settings.load({"DATABASE_URL": "postgresql://c/d", **SECRETS})
    assert loaded["SQLALCHEMY_DATABASE_URI"] == "postgresql://c/d"
    assert settings.load({"SQLALCHEMY_DATABASE_URI": "x://", **SECRETS})[
        "SQLALCHEMY_DATABASE_URI"
    ] == ("x://")


def test_rate_limits_use_redis_when_configured():
    loaded = settings.load({"REDIS_URL": "redis://r:6379/0", **SECRETS})
    assert loaded["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"
    assert settings.load({"REDIS_URL": ""})["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("LINLI_PARTY_LED_RULE", "majority", "LINLI_PARTY_LED_RULE"),
        ("LINLI_PARTY_LED_MIN_SHARE_PERCENT", "0", "LINLI_PARTY_LED_MIN_SHARE_PERCENT"),
        ("LINLI_STAR_THRESHOLDS", "60,70,80,90", "LINLI_STAR_THRESHOLDS"),
        ("LINLI_STAR_THRESHOLDS", "60,70,90,80,95", "LINLI_STAR_THRESHOLDS"),
        ("LINLI_STAR_THRESHOLDS", "60,70,80,90,101", "LINLI_STAR_THRESHOLDS"),
        ("LINLI_STAR_THRESHOLDS", "sixty", "LINLI_STAR_THRESHOLDS"),
        ("LINLI_JOINT_MEETING_INTERVAL_MONTHS", "5", "LINLI_JOINT_MEETING_INTERVAL_MONTHS"),
    ],
)
def test_governance_settings_are_checked_at_start(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        settings.load()


@pytest.mark.parametrize("method", ["scrypt:256:8:1", "scrypt:16384:8:1", "pbkdf2:sha256:1000"])
def test_a_password_hash_below_the_production_cost_is_refused_outside_tests(method):
    with pytest.raises(ValueError, match="LINLI_PASSWORD_HASH_METHOD"):
        settings.load({"PASSWORD_HASH_METHOD": method})
    assert settings.load({"PASSWORD_HASH_METHOD": method, "TESTING": True})


@pytest.mark.parametrize("method", ["md5", "scrypt:lots", "pbkdf2:sha256:many", ""])
def test_an_unknown_password_hash_method_is_refused(method):
    with pytest.raises(ValueError, match="scrypt"):
        settings.load({"PASSWORD_HASH_METHOD": method, "TESTING": True})


def test_production_hashes_at_werkzeugs_cost_or_above():
    assert settings.load()["PASSWORD_HASH_METHOD"] == "scrypt:32768:8:1"
    assert settings.load({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000000"})


def test_console_passwords_are_hashed_with_the_configured_method(app, make):
    from backend.access.roles import Role, ScopeKind
    from backend.accounts import services as accounts

    staff = accounts.create_staff(
        "hash-check",
        "long-enough-pw",
        Role.COUNTY_OFFICER,
        ScopeKind.COUNTY,
        make.county().id,
        "周敏",
    )
    assert staff.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert accounts.authenticate_staff("hash-check", "long-enough-pw").id == staff.id


def _clean_env(monkeypatch):
    for name in (
        "LINLI_DATABASE_URL",
        "LINLI_REDIS_URL",
        "LINLI_SECRET_KEY",
        "LINLI_JWT_SECRET",
        "LINLI_SESSION_COOKIE_SECURE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("missing", ["LINLI_SECRET_KEY", "LINLI_JWT_SECRET"])
def test_built_in_secrets_are_refused_with_postgresql(monkeypatch, missing):
    _clean_env(monkeypatch)
    monkeypatch.setenv("LINLI_DATABASE_URL", POSTGRES)
    for name, value in (("LINLI_SECRET_KEY", "k" * 40), ("LINLI_JWT_SECRET", "j" * 40)):
        if name != missing:
            monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=missing):
        settings.load()
    # Set to the built-in value by hand, or empty: refused just the same.
    monkeypatch.setenv(missing, "")
    with pytest.raises(ValueError, match=missing):
        settings.load()
    with pytest.raises(ValueError, match=missing):
        settings.load({missing: settings.DEV_SECRET_KEY, "JWT_SECRET": settings.DEV_JWT_SECRET})


def test_built_in_secrets_are_refused_with_sqlite_and_redis(monkeypatch):
    _clean_env(monkeypatch)
    with pytest.raises(ValueError, match="LINLI_SECRET_KEY"):
        settings.load({"REDIS_URL": "redis://r:6379/0"})


def test_built_in_secrets_are_accepted_on_the_embedded_default_and_in_tests(monkeypatch):
    _clean_env(monkeypatch)
    embedded = settings.load()
    assert embedded["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    assert embedded["SECRET_KEY"] == settings.DEV_SECRET_KEY
    assert embedded["JWT_SECRET"] == settings.DEV_JWT_SECRET
    assert settings.load({"DATABASE_URL": POSTGRES, "TESTING": True})
    assert settings.load({"DATABASE_URL": POSTGRES, **SECRETS})


def test_session_cookie_is_secure_outside_the_embedded_default(monkeypatch):
    _clean_env(monkeypatch)
    assert settings.load()["SESSION_COOKIE_SECURE"] is False
    assert settings.load({"DATABASE_URL": POSTGRES, **SECRETS})["SESSION_COOKIE_SECURE"] is True
    with_redis = settings.load({"REDIS_URL": "redis://r:6379/0", **SECRETS})
    assert with_redis["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "value, database, secure",
    [("0", POSTGRES, False), ("false", POSTGRES, False), ("1", "sqlite:///x.db", True)],
)
def test_the_secure_flag_can_be_set_explicitly(monkeypatch, value, database, secure):
    _clean_env(monkeypatch)
    monkeypatch.setenv("LINLI_SESSION_COOKIE_SECURE", value)
    assert settings.load({"DATABASE_URL": database, **SECRETS})["SESSION_COOKIE_SECURE"] is secure


@pytest.mark.parametrize(
    "name, value",
    [
        ("LINLI_SESSION_COOKIE_SECURE", "maybe"),
        ("LINLI_CONSOLE_IDLE_MINUTES", "0"),
        ("LINLI_CONSOLE_MAX_HOURS", "-1"),
        ("LINLI_CONSOLE_IDLE_MINUTES", "half"),
    ],
)
def test_console_session_settings_are_checked_at_start(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        settings.load()


def test_console_session_timeouts_default_to_30_minutes_idle_and_12_hours(monkeypatch):
    _clean_env(monkeypatch)
    loaded = settings.load()
    assert (loaded["CONSOLE_IDLE_MINUTES"], loaded["CONSOLE_MAX_HOURS"]) == (30, 12)


@pytest.mark.parametrize(
    "name, value",
    [
        ("LINLI_WECHAT_LOGIN_RATE_LIMIT", "5 a minute"),
        ("LINLI_REFRESH_RATE_LIMIT", ""),
        ("LINLI_WECHAT_LOGIN_ADDRESS_RATE_LIMIT", "lots"),
        ("LINLI_LOGIN_RATE_LIMIT", "10 per fortnight"),
        ("LINLI_LOGIN_ADDRESS_RATE_LIMIT", "-1/minute"),
        ("LINLI_LOGIN_LOCKOUT_ATTEMPTS", "0"),
        ("LINLI_LOGIN_LOCKOUT_WINDOW_MINUTES", "fifteen"),
        ("LINLI_LOGIN_LOCKOUT_MINUTES", "0"),
    ],
)
def test_a_bad_login_limit_refuses_to_start(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        settings.load()


def test_login_limits_are_settings(monkeypatch):
    monkeypatch.setenv("LINLI_WECHAT_LOGIN_ADDRESS_RATE_LIMIT", "900/minute;20000/hour")
    monkeypatch.setenv("LINLI_LOGIN_LOCKOUT_MINUTES", "30")
    loaded = settings.load()
    assert loaded["WECHAT_LOGIN_ADDRESS_RATE_LIMIT"] == "900/minute;20000/hour"
    assert loaded["LOGIN_LOCKOUT_MINUTES"] == 30
    assert loaded["LOGIN_RATE_LIMIT"] == "10 per minute"


# -- every typed setting: one bad value each, refused at start with what it expects ---------

AT_LEAST_0 = "a whole number of at least 0"
AT_LEAST_1 = "a whole number of at least 1"
PORT = "a whole number from 1 to 65535"
HTTP_URL = "a URL starting http:// or https://"
HTTP_URL_OR_EMPTY = "a URL starting http:// or https://, or empty"
RATE_LIMIT = "a rate limit such as '10 per minute' (several joined by ';')"
TICKET_LIMITS = (
    "category=accept/reply hours, comma-separated, such as elevator=2/24,drains=12/48 "
    "(hours 1–2160, accept no longer than reply)"
)

BAD_VALUES = [
    (
        "LINLI_DATABASE_URL",
        "not a url",
        "an SQLAlchemy database URL such as postgresql+psycopg://user@host/db",
    ),
    (
        "LINLI_REDIS_URL",
        "localhost:6379",
        "a URL starting redis://, rediss:// or unix://, or empty",
    ),
    ("LINLI_JWT_ACCESS_MINUTES", "0", AT_LEAST_1),
    ("LINLI_REFRESH_DAYS", "a month", AT_LEAST_1),
    ("LINLI_WECHAT_API_BASE", "api.weixin.qq.com", HTTP_URL),
    ("LINLI_WECOM_API_BASE", "ftp://qyapi", HTTP_URL),
    ("LINLI_WECOM_AGENT_ID", "agent", AT_LEAST_1),
    (
        "LINLI_WECOM_CALLBACK_AES_KEY",
        "too-short",
        "a string of exactly 43 letters and digits (WeCom's EncodingAESKey)",
    ),
    ("LINLI_OUTBOX_MAX_ATTEMPTS", "0", AT_LEAST_1),
    ("LINLI_OUTBOX_RETRY_BASE_SECONDS", "-1", AT_LEAST_0),
    ("LINLI_OUTBOX_LEASE_SECONDS", "2m", AT_LEAST_1),
    ("LINLI_DELIVERY_JOB_TIMEOUT", "0", AT_LEAST_1),
    ("LINLI_DELIVERY_BURST", "0", AT_LEAST_1),
    ("LINLI_OUTBOX_RELAY_INTERVAL", "0", "a number greater than 0"),
    ("LINLI_GROUP_MESSAGES_PER_MINUTE", "twenty", AT_LEAST_1),
    ("LINLI_STORAGE_BACKEND", "oss", "one of local, s3"),
    ("LINLI_S3_ENDPOINT_URL", "oss-cn-hangzhou.aliyuncs.com", HTTP_URL_OR_EMPTY),
    ("LINLI_MAX_UPLOAD_MB", "0", AT_LEAST_1),
    ("LINLI_LEDGER_APPROVALS_REQUIRED", "0", AT_LEAST_1),
    ("LINLI_LEDGER_QUESTION_DAYS", "7d", AT_LEAST_1),
    ("LINLI_LEDGER_PUBLISH_DAYS", "-1", AT_LEAST_0),
    (
        "LINLI_LEDGER_PUBLISH_DAYS_BY_COUNTY",
        "安溪=20",
        "county id=days, comma-separated, such as 3=20,7=30 (days 0–365; empty: none)",
    ),
    ("LINLI_CLAIM_WAITING_DAYS", "3d", AT_LEAST_1),
    ("LINLI_TICKET_ACCEPT_HOURS", "0", AT_LEAST_1),
    ("LINLI_TICKET_REPLY_HOURS", "3.5", AT_LEAST_1),
    (
        "LINLI_TICKET_TIME_LIMITS",
        "elevator=24/2",
        TICKET_LIMITS,
    ),
    ("LINLI_TICKET_ESCALATION_HOURS", "0", AT_LEAST_1),
    ("LINLI_TICKET_FEEDBACK_DAYS", "week", AT_LEAST_1),
    ("LINLI_TICKET_PHOTO_MAX_MB", "0", AT_LEAST_1),
    ("LINLI_TICKET_PHOTO_MAX_PIXELS", "40MP", AT_LEAST_1),
    ("LINLI_VOTE_NOTICE_DAYS", "-1", AT_LEAST_0),
    ("LINLI_VOTE_MAX_DAYS", "0", AT_LEAST_1),
    ("LINLI_CREDIT_BASE_SCORE", "0", AT_LEAST_1),
    ("LINLI_CREDIT_WINDOW_DAYS", "year", AT_LEAST_1),
    ("LINLI_JOINT_MEETING_INTERVAL_MONTHS", "5", "one of 1, 2, 3, 4, 6, 12"),
    (
        "LINLI_STAR_THRESHOLDS",
        "60,70,80,90",
        "five increasing whole-number totals up to 100, such as 60,70,80,90,95",
    ),
    ("LINLI_RATING_APPEAL_DAYS", "0", AT_LEAST_1),
    ("LINLI_COMMITTEE_TERM_YEARS", "0", AT_LEAST_1),
    ("LINLI_REELECTION_NOTICE_DAYS", "-5", AT_LEAST_0),
    ("LINLI_PARTY_LED_RULE", "majority", "one of share, chair_secretary, either"),
    ("LINLI_PARTY_LED_MIN_SHARE_PERCENT", "101", "a whole number from 1 to 100"),
    ("LINLI_OPEN311_URL", "linli.example.gov.cn/open311/v2/", HTTP_URL_OR_EMPTY),
    (
        "LINLI_PASSWORD_HASH_METHOD",
        "md5",
        "scrypt[:n:r:p] or pbkdf2[:hash:iterations], such as scrypt:32768:8:1",
    ),
    ("LINLI_SESSION_COOKIE_SECURE", "maybe", "1 or 0 (also true/false, yes/no, on/off)"),
    ("LINLI_CONSOLE_IDLE_MINUTES", "0", AT_LEAST_1),
    ("LINLI_CONSOLE_MAX_HOURS", "-1", AT_LEAST_1),
    (
        "LINLI_RATELIMIT_STORAGE_URI",
        "redis-host:6379",
        "a URL starting redis://, rediss://, memory://, memcached:// or mongodb://, or empty",
    ),
    ("LINLI_WECHAT_LOGIN_RATE_LIMIT", "5 a minute", RATE_LIMIT),
    ("LINLI_REFRESH_RATE_LIMIT", "", RATE_LIMIT),
    ("LINLI_WECHAT_LOGIN_ADDRESS_RATE_LIMIT", "lots", RATE_LIMIT),
    ("LINLI_LOGIN_RATE_LIMIT", "10 per fortnight", RATE_LIMIT),
    ("LINLI_LOGIN_ADDRESS_RATE_LIMIT", "-1/minute", RATE_LIMIT),
    ("LINLI_LOGIN_LOCKOUT_ATTEMPTS", "0", AT_LEAST_1),
    ("LINLI_LOGIN_LOCKOUT_WINDOW_MINUTES", "fifteen", AT_LEAST_1),
    ("LINLI_LOGIN_LOCKOUT_MINUTES", "0", AT_LEAST_1),
    ("LINLI_BIND", "8000", "host:port (or unix:/path)"),
    ("LINLI_WEB_WORKERS", "0", AT_LEAST_1),
    ("LINLI_PROXY_HOPS", "6", "a whole number from 0 to 5"),
    ("LINLI_PORT", "70000", PORT),
    ("LINLI_FAKE_WECHAT_PORT", "http", PORT),
    ("LINLI_FAKE_WECOM_CALLBACK_URL", "localhost:5000/bot/wecom/callback", HTTP_URL_OR_EMPTY),
    ("LINLI_URL_LINK_ENV_VERSION", "beta", "one of release, trial, develop"),
    ("LINLI_URL_LINK_DAYS", "31", "a whole number from 8 to 30"),
    ("LINLI_FUND_QUOTES_MIN", "0", AT_LEAST_1),
    ("LINLI_FUND_QUOTES_ABOVE_FEN", "200000.00", AT_LEAST_0),
    ("LINLI_FUND_BUDGET_RISE_PERCENT", "-5", AT_LEAST_0),
    ("LINLI_FUND_EMERGENCY_NOTICE_DAYS", "three", AT_LEAST_1),
    ("LINLI_FUND_RATING_DAYS", "0", AT_LEAST_1),
]


@pytest.mark.parametrize("name, value, expects", BAD_VALUES)
def test_a_bad_value_refuses_to_start_naming_the_variable_and_what_it_expects(
    monkeypatch, name, value, expects
):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as refused:
        settings.load()
    assert str(refused.value).startswith(f"{name} must be {expects} (got {value!r})")


def test_every_typed_setting_has_a_bad_value_above():
    typed = {s.name for s in settings.SETTINGS if s.parse is not parsers.text}
    assert typed == {name for name, _value, _expects in BAD_VALUES}


def test_every_default_is_accepted_by_its_own_parser():
    for setting in settings.SETTINGS:
        if setting.default is not None:
            assert settings.read(setting.name) is not None, setting.name


@pytest.mark.parametrize(
    "value, detail",
    [
        ("lift=2/24", "unknown category 'lift'"),
        ("elevator=2", "'elevator=2' is not category=accept/reply"),
        ("elevator=two/24", "'elevator=two/24' is not category=accept/reply"),
        ("elevator=0/24", "'elevator=0/24' is out of range"),
        ("elevator=2/3000", "'elevator=2/3000' is out of range"),
    ],
)
def test_ticket_time_limits_say_which_item_is_wrong(monkeypatch, value, detail):
    monkeypatch.setenv("LINLI_TICKET_TIME_LIMITS", value)
    with pytest.raises(ValueError, match="LINLI_TICKET_TIME_LIMITS must be") as refused:
        settings.load()
    assert f": {detail}" in str(refused.value)


def test_ticket_time_limits_are_parsed_once_into_hours_per_category(monkeypatch):
    monkeypatch.setenv("LINLI_TICKET_TIME_LIMITS", " elevator = 1/12 , drains=6/48,")
    assert settings.load()["TICKET_TIME_LIMITS"] == {"elevator": (1, 12), "drains": (6, 48)}
    assert settings.load({"TICKET_TIME_LIMITS": ""})["TICKET_TIME_LIMITS"] == {}


def test_overrides_in_text_are_parsed_like_the_environment():
    loaded = settings.load({"STAR_THRESHOLDS": "50,60,70,80,90", "CONSOLE_IDLE_MINUTES": "45"})
    assert loaded["STAR_THRESHOLDS"] == (50, 60, 70, 80, 90)
    assert loaded["CONSOLE_IDLE_MINUTES"] == 45
    with pytest.raises(ValueError, match="LINLI_TICKET_TIME_LIMITS must be"):
        settings.load({"TICKET_TIME_LIMITS": "lift=1/2"})
    with pytest.raises(ValueError, match="LINLI_CONSOLE_MAX_HOURS must be"):
        settings.load({"CONSOLE_MAX_HOURS": 0})


def test_s3_storage_needs_a_bucket():
    with pytest.raises(ValueError, match="LINLI_S3_BUCKET must be set"):
        settings.load({"STORAGE_BACKEND": "s3"})
    assert settings.load({"STORAGE_BACKEND": "s3", "S3_BUCKET": "linli"})["S3_BUCKET"] == "linli"


def test_places_before_the_app_read_the_same_parsed_values(monkeypatch):
    monkeypatch.setenv("LINLI_PORT", "5001")
    monkeypatch.delenv("LINLI_WEB_WORKERS", raising=False)
    assert settings.read("LINLI_PORT") == 5001
    assert settings.read("LINLI_WEB_WORKERS") is None
    monkeypatch.setenv("LINLI_BIND", ":8000")
    with pytest.raises(ValueError, match=r"LINLI_BIND must be host:port"):
        settings.read("LINLI_BIND")


def test_counties_publish_days_are_parsed_once_into_days_per_county_id(monkeypatch):
    monkeypatch.setenv("LINLI_LEDGER_PUBLISH_DAYS_BY_COUNTY", " 3 = 20, 7=0,")
    assert settings.load()["LEDGER_PUBLISH_DAYS_BY_COUNTY"] == {3: 20, 7: 0}
    monkeypatch.setenv("LINLI_LEDGER_PUBLISH_DAYS_BY_COUNTY", "3=400")
    with pytest.raises(ValueError, match="'3=400' is out of range"):
        settings.load()
