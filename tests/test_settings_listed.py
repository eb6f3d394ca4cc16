"""Every LINLI_* variable is in one table (config/settings.py), listed in config/.env.example
(bench's in bench/.env.example), and read from the environment nowhere else."""

import re

from config import env_example
from config.settings import BY_NAME, ROOT

NAME = re.compile(r"LINLI_[A-Z0-9_]+")
LISTED = re.compile(r"^# (LINLI_[A-Z0-9_]+)=(.*)$", re.MULTILINE)

# Places that touch LINLI_* in os.environ before an app or its settings exist, each with why.
PRE_APP = {
    # `make run` points the app at the fake WeChat it has just started, before create_app
    # reads the environment: it writes the variables, it does not read them.
    "backend/devserver.py",
}
SOURCES = ("backend", "bot", "config", "tests", "bench", ".ci")
ROOT_FILES = ("Makefile", "README.md", "Dockerfile")


def _names_in(path) -> set[str]:
    """The LINLI_* names in a file; not prefixes such as LINLI_TEST_* in prose."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return {name for name in NAME.findall(text) if not name.endswith("_")}


def _used_names() -> dict[str, set[str]]:
    """Each LINLI_* name in the code and docs -> the files naming it."""
    files = [ROOT / f for f in ROOT_FILES]
    for folder in SOURCES:
        files += [f for f in (ROOT / folder).rglob("*") if f.is_file() and f.suffix != ".pyc"]
    used: dict[str, set[str]] = {}
    for path in files:
        for name in _names_in(path):
            used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return used


def test_env_example_is_generated_from_the_settings_table():
    listed = LISTED.findall((ROOT / "config" / ".env.example").read_text(encoding="utf-8"))
    names = {name for name, _ in listed if not name.startswith("LINLI_TEST_")}
    assert sorted(set(BY_NAME) - names) == [], "missing from config/.env.example"
    assert sorted(names - set(BY_NAME)) == [], "in config/.env.example, not config/settings.py"
    assert (ROOT / "config" / ".env.example").read_text(encoding="utf-8") == env_example.render(), (
        "config/.env.example is stale: run `python -m config.env_example`"
    )


def test_every_linli_name_is_a_setting_a_test_variable_or_a_bench_variable():
    test_names = {name for name, _ in LISTED.findall(env_example.TEST_SECTION)}
    unknown = {
        name: sorted(files)
        for name, files in _used_names().items()
        if name not in BY_NAME and name not in test_names and not name.startswith("LINLI_BENCH_")
    }
    assert not unknown, "add these to config/settings.py (or rename them)"


def test_test_variables_are_the_ones_conftest_reads():
    listed = {name for name, _ in LISTED.findall(env_example.TEST_SECTION)}
    assert listed == _names_in(ROOT / "tests" / "conftest.py")


def test_only_the_settings_table_reads_linli_variables_from_the_environment():
    reader = re.compile(r"(os\.environ|getenv)[^\n]{0,40}(\n[^\n]{0,80})?LINLI_")
    readers = set()
    for folder in ("backend", "bot", "config"):
        for path in (ROOT / folder).rglob("*.py"):
            if reader.search(path.read_text(encoding="utf-8")):
                readers.add(str(path.relative_to(ROOT)))
    others = sorted(readers - PRE_APP - {"config/settings.py"})
    assert others == [], "read these from app.config (or settings.read before an app exists)"
    assert PRE_APP <= readers, "no longer reads the environment: drop it from PRE_APP"


def test_readme_configuration_names_only_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `LINLI_")]
    named = {name for line in table for name in NAME.findall(line.split(" | ")[0])}
    assert named and not named - set(BY_NAME)
    assert "config/.env.example" in section


def _bench_reads() -> set[tuple[str, str, str]]:
    """(file, name, default) of each LINLI_BENCH_* variable bench/*.py reads."""
    read = re.compile(r'os\.environ\.get\(\s*"(LINLI_BENCH_[A-Z0-9_]+)",\s*("[^"]*"|[\w.]+)')
    found = set()
    for path in (ROOT / "bench").glob("*.py"):
        for name, default in read.findall(path.read_text(encoding="utf-8")):
            default = "/dev/null" if default == "os.devnull" else default.strip('"')
            found.add((f"bench/{path.name}", name, default))
    return found


def test_bench_env_example_lists_what_each_bench_reads_with_its_default():
    text = (ROOT / "bench" / ".env.example").read_text(encoding="utf-8")
    listed = set()
    for section in text.split("\n## ")[1:]:
        file = section.split()[0]
        listed |= {(file, name, default) for name, default in LISTED.findall(section)}
    reads = _bench_reads()
    assert reads, "the pattern no longer finds the benches' variables"
    assert sorted(reads - listed) == [], "missing from bench/.env.example"
    assert sorted(listed - reads) == [], "in bench/.env.example but not read by bench/"
