"""The party-led rule (红色业委会), as pure functions of a committee's member history.

A committee is party-led on a day when, among the members serving that day, either
- "share": party members are at least LINLI_PARTY_LED_MIN_SHARE_PERCENT percent (integers:
  100 * party >= percent * members), or
- "chair_secretary": the chair is a party member and holds the estate branch secretary post,
or either of the two ("either", the default). ``party_led_since`` is the first day of the
unbroken run of party-led days that reaches the latest change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app

from config.settings import PARTY_LED_RULES as RULES


@dataclass(frozen=True)
class Serving:
    """What the rule reads of a member."""

    role: str
    is_party_member: bool
    is_branch_secretary: bool
    joined_on: date
    left_on: date | None


def configured() -> tuple[str, int]:
    """(rule, minimum share percent) from the settings.

    :raises ValueError: an unknown rule or a percent outside 1–100 (a setting mistake).
    """
    rule = current_app.config["PARTY_LED_RULE"]
    percent = current_app.config["PARTY_LED_MIN_SHARE_PERCENT"]
    if rule not in RULES:
        raise ValueError(f"LINLI_PARTY_LED_RULE must be one of {RULES}, not {rule!r}")
    if not 1 <= percent <= 100:
        raise ValueError("LINLI_PARTY_LED_MIN_SHARE_PERCENT must be 1–100")
    return rule, percent


def holds(members: list[Serving], rule: str, percent: int) -> bool:
    """Whether ``members`` (those serving on one day) make the committee party-led."""
    if not members:
        return False
    party = sum(1 for m in members if m.is_party_member)
    share = 100 * party >= percent * len(members)
    chairs = [m for m in members if m.role == "chair"]
    crossed = bool(chairs) and chairs[0].is_party_member and chairs[0].is_branch_secretary
    if rule == "share":
        return share
    if rule == "chair_secretary":
        return crossed
    return share or crossed


def _serving_on(members: Iterable[Serving], day: date) -> list[Serving]:
    return [m for m in members if m.joined_on <= day and (m.left_on is None or m.left_on > day)]


def derive(members: list[Serving], rule: str, percent: int) -> tuple[bool, date | None]:
    """(party-led now, since when) from the whole member history: evaluated on each day the
    membership changed, the latest deciding "now"."""
    days = sorted({m.joined_on for m in members} | {m.left_on for m in members if m.left_on})
    since = None
    for day in days:
        if holds(_serving_on(members, day), rule, percent):
            since = since or day
        else:
            since = None
    return since is not None, since
