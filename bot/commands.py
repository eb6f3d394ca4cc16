"""What an owner typed to the Linli WeCom app, as a command: vote, bind, look up (账目, 工单,
投票 alone), or help.

People type on phones: full-width digits and spaces (１２、全角空格), no space at all
("投票12赞成"), a trailing full stop. NFKC folds the full-width forms to ASCII first.
"""

import re
import unicodedata
from dataclasses import dataclass

from backend.common.ids import MAX_ID

# Longest alternatives first: "不同意" must not be read as "同意".
CHOICE_WORDS = {
    "不同意": "no",
    "不赞成": "no",
    "反对": "no",
    "赞成": "yes",
    "同意": "yes",
    "支持": "yes",
    "弃权": "abstain",
}
_CHOICES = "|".join(sorted(CHOICE_WORDS, key=len, reverse=True))
_END = r"[\s。.!！]*$"
_VOTE = re.compile(rf"^投票\s*#?([0-9]{{1,10}})\s*({_CHOICES})?{_END}")
_BIND = re.compile(rf"^绑定\s*([0-9]*){_END}")
_BIND_CODE = re.compile(r"^[0-9]{6}$")
_END_MARKS = " 。.!！?？"
# A word alone asks for the owner's own pages.
LOOKUP_WORDS = {
    "账目": "ledger",
    "账目公示": "ledger",
    "工单": "tickets",
    "我的工单": "tickets",
    "随手拍": "tickets",
    "投票": "votes",
    "表决": "votes",
}


@dataclass(frozen=True)
class Vote:
    motion_id: int
    choice: str  # "yes" | "no" | "abstain"


@dataclass(frozen=True)
class Bind:
    code: str


@dataclass(frozen=True)
class Help:
    """Not a command Linli knows; ``topic`` says which usage to explain ("vote", "bind" or
    None for the general help)."""

    topic: str | None = None


@dataclass(frozen=True)
class Lookup:
    """The owner asks for their pages on ``topic``: "ledger", "tickets" or "votes"."""

    topic: str


Command = Vote | Bind | Lookup | Help


def parse(text: str) -> Command:
    """The command in ``text``; Help for anything else (never raises)."""
    normalized = " ".join(unicodedata.normalize("NFKC", text or "").split())
    word = normalized.rstrip(_END_MARKS)
    if word in LOOKUP_WORDS:
        return Lookup(LOOKUP_WORDS[word])
    vote = _VOTE.match(normalized)
    if vote:
        motion_id = int(vote.group(1))
        if vote.group(2) is None or not 1 <= motion_id <= MAX_ID:
            return Help("vote")
        return Vote(motion_id, CHOICE_WORDS[vote.group(2)])
    if normalized.startswith("投票"):
        return Help("vote")
    bind = _BIND.match(normalized)
    if bind:
        code = bind.group(1)
        return Bind(code) if _BIND_CODE.match(code) else Help("bind")
    if normalized.startswith("绑定"):
        return Help("bind")
    return Help()
