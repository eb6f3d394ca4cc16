"""Settings: defaults < LINLI_* environment < create_app overrides, by any of their names."""

import pytest

from config import settings

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
        "hash-check", "long-enough-pw", Role.COUNTY_OFFICER, ScopeKind.COUNTY, make.county().id
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
