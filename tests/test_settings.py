"""Settings: defaults < LINLI_* environment < create_app overrides, by any of their names."""

import pytest

from config import settings


def test_environment_wins_over_defaults(monkeypatch):
    monkeypatch.setenv("LINLI_JWT_ACCESS_MINUTES", "7")
    monkeypatch.setenv("LINLI_WECHAT_API_BASE", "http://fake.local")
    loaded = settings.load()
    assert loaded["JWT_ACCESS_MINUTES"] == 7
    assert loaded["WECHAT_API_BASE"] == "http://fake.local"


def test_overrides_accept_config_key_env_name_or_short_name(monkeypatch):
    monkeypatch.setenv("LINLI_DATABASE_URL", "sqlite:///from-env.db")
    assert settings.load({"LINLI_DATABASE_URL": "postgresql://a/b"})["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql://a/b"
    )
    assert settings.load({"DATABASE_URL": "postgresql://c/d"})["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql://c/d"
    )
    assert settings.load({"SQLALCHEMY_DATABASE_URI": "x://"})["SQLALCHEMY_DATABASE_URI"] == "x://"


def test_rate_limits_use_redis_when_configured():
    assert settings.load({"REDIS_URL": "redis://r:6379/0"})["RATELIMIT_STORAGE_URI"] == (
        "redis://r:6379/0"
    )
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
    from backend.accounts import services as accounts
    from backend.accounts.roles import Role, ScopeKind

    staff = accounts.create_staff(
        "hash-check", "long-enough-pw", Role.COUNTY_OFFICER, ScopeKind.COUNTY, make.county().id
    )
    assert staff.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert accounts.authenticate_staff("hash-check", "long-enough-pw").id == staff.id
