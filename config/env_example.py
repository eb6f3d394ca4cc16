"""Write config/.env.example from the settings table: `python -m config.env_example`.

The file is generated so it cannot drift from config/settings.py; tests/test_settings_listed.py
fails when the two differ.
"""

from config.settings import ROOT, SETTINGS

PATH = ROOT / "config" / ".env.example"

HEADER = """\
# Every LINLI_* variable Linli reads, grouped: its meaning, then its default.
# Generated from config/settings.py by `python -m config.env_example`: edit the table, not this.
# Unset variables keep their defaults, which are the embedded default (`make run`); production
# sets at least the database, Redis, the two secrets and the WeChat/WeCom credentials.
# Every value is checked at start: a wrong one stops the app with the variable's name.
"""

# Read by tests/conftest.py, never by the app; their defaults live there.
TEST_SECTION = """\
## Tests only (tests/conftest.py; not read by the app)

# PostgreSQL URL whose database name each pytest worker suffixes with its own
# LINLI_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/linli_test

# Redis URL whose database number each pytest worker counts down from
# LINLI_TEST_REDIS_URL=redis://127.0.0.1:6379/15

# 1: print the SQL statements per test module and fixture (tests/statement_counts.py)
# LINLI_TEST_STATEMENTS=
"""


def _shown(default: str | None) -> str:
    """A default as written in the file: the checkout's path as <repo>, so the file is the
    same in every checkout; an unset one as nothing after a note."""
    if default is None:
        return "    (unset)"
    return default.replace(str(ROOT), "<repo>")


def render() -> str:
    """The text of config/.env.example."""
    lines = [HEADER]
    group = None
    for setting in SETTINGS:
        if setting.group != group:
            group = setting.group
            lines.append(f"## {group}\n")
        lines.append(f"# {setting.meaning}\n# {setting.name}={_shown(setting.default)}\n")
    lines.append(TEST_SECTION)
    return "\n".join(lines)


if __name__ == "__main__":
    PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {PATH.relative_to(ROOT)}")
