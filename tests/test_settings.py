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
