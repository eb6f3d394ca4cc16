"""Services don't write their transactions by hand: backend.common.unit_of_work commits once at
the end of a service call and rolls back on an error. A commit() or rollback() left in backend/
or bot/ is a step that must end its transaction early, and says why on its own line."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNIT_OF_WORK = ROOT / "backend" / "common" / "unit_of_work.py"
REASON = "# early commit:"


def hand_written_transactions():
    for folder in ("backend", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts or path == UNIT_OF_WORK:
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for node in ast.walk(ast.parse(source)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("commit", "rollback")
                    and not node.args
                ):
                    yield path.relative_to(ROOT), node.lineno, lines[node.lineno - 1].strip()


def test_every_hand_written_commit_or_rollback_says_why():
    unexplained = [
        f"{path}:{line}: {text}"
        for path, line, text in hand_written_transactions()
        if REASON not in text
    ]
    assert not unexplained, (
        "use @unit_of_work (backend/common/unit_of_work.py), or say why this step must end its "
        f"transaction early with '{REASON} <why>' on the line:\n" + "\n".join(unexplained)
    )


def test_the_scan_sees_the_calls_it_looks_for():
    # The scan finds the decorator's own calls, or the test above would prove nothing.
    tree = ast.parse(UNIT_OF_WORK.read_text(encoding="utf-8"))
    names = {
        n.func.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    assert {"commit", "rollback"} <= names
