"""Services commit through ``@unit_of_work`` only: every ``commit()`` or ``rollback()`` still
written by hand says on its own line why it cannot wait for the end of the unit."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The packages moved onto the unit of work so far; the rest of backend/ joins when it is done.
PACKAGES = (
    "backend/ledger",
    "backend/tickets",
    "backend/votes",
    "backend/notices",
    "backend/outbox",
    "backend/group_chats",
    "backend/jobs",
    "bot",
)
BY_HAND = re.compile(r"\.(commit|rollback)\(\)")


def _lines(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if BY_HAND.search(line):
                yield f"{path.relative_to(ROOT)}:{number}", line


@pytest.mark.parametrize("package", PACKAGES)
def test_every_commit_left_by_hand_says_why_it_is_early(package):
    unexplained = [where for where, line in _lines(package) if "# early commit: " not in line]

    assert unexplained == []
