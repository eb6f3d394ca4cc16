"""The layout README describes: no module under backend/ or bot/ grows past what one head can
hold. A file that nears the limit splits by job, as the ledger's and the tickets' services did."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


def test_no_python_file_in_backend_or_bot_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("backend", "bot")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
