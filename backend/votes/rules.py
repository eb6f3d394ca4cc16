"""The law of owners' votes as pure functions (Civil Code art. 278): matters and their pass
thresholds, the quorum, and the tally, all in exact integer arithmetic.

Area is in dm² (0.01 m²) and heads are whole owners, so "≥ 2/3" is ``3·part ≥ 2·total`` and
"> 1/2" is ``2·part > total``: no float, no rounding, exactly what the law says at the edges.
"""

from dataclasses import dataclass
from fractions import Fraction

from backend.common.ratios import percent

# The matters of art. 278 (1)–(9) in the law's order, then anything else put to the owners.
MATTERS = {
    "rules_of_procedure": "制定和修改业主大会议事规则",
    "management_covenant": "制定和修改管理规约",
    "elect_committee": "选举业主委员会或者更换业主委员会成员",
    "hire_property_company": "选聘和解聘物业服务企业或者其他管理人",
    "use_maintenance_fund": "使用建筑物及其附属设施的维修资金",
    "raise_maintenance_fund": "筹集建筑物及其附属设施的维修资金",
    "rebuild": "改建、重建建筑物及其附属设施",
    "change_common_use": "改变共有部分的用途或者利用共有部分从事经营活动",
    "other_major": "有关共有和共同管理权利的其他重大事项",
    "other": "其他事项",
}

# Art. 278 para. 2: items (6)–(8) need three quarters of those voting; the rest more than half.
SPECIAL_MATTERS = frozenset({"raise_maintenance_fund", "rebuild", "change_common_use"})

QUORUM = Fraction(2, 3)
SPECIAL_MAJORITY = Fraction(3, 4)
THRESHOLD_LABELS = {
    "special": "参与表决专有部分面积和人数均四分之三以上同意",
    "ordinary": "参与表决专有部分面积和人数均过半数同意",
}
QUORUM_LABEL = "专有部分面积和人数均三分之二以上的业主参与表决"
OUTCOME_LABELS = {"passed": "通过", "rejected": "未通过", "no_quorum": "未达到法定参与比例"}


def threshold(matter: str) -> str:
    return "special" if matter in SPECIAL_MATTERS else "ordinary"


def at_least(part: int, whole: int, share: Fraction) -> bool:
    """part / whole ≥ share, in integers (an empty whole is never reached)."""
    return whole > 0 and part * share.denominator >= whole * share.numerator


def more_than_half(part: int, whole: int) -> bool:
    return whole > 0 and 2 * part > whole


@dataclass(frozen=True)
class Count:
    owners: int = 0
    area_dm2: int = 0

    def __add__(self, other: "Count") -> "Count":
        return Count(self.owners + other.owners, self.area_dm2 + other.area_dm2)

    def as_dict(self) -> dict:
        return {"owners": self.owners, "area_dm2": self.area_dm2}


@dataclass(frozen=True)
class Outcome:
    quorum_met: bool
    passed: bool

    @property
    def code(self) -> str:
        if not self.quorum_met:
            return "no_quorum"
        return "passed" if self.passed else "rejected"


def decide(matter: str, total: Count, yes: Count, no: Count, abstain: Count) -> Outcome:
    """The result of a vote. Abstentions take part (they count towards the quorum and the
    base of the majority) but are not yes."""
    voting = yes + no + abstain
    quorum = at_least(voting.area_dm2, total.area_dm2, QUORUM) and at_least(
        voting.owners, total.owners, QUORUM
    )
    if threshold(matter) == "special":
        agreed = at_least(yes.area_dm2, voting.area_dm2, SPECIAL_MAJORITY) and at_least(
            yes.owners, voting.owners, SPECIAL_MAJORITY
        )
    else:
        agreed = more_than_half(yes.area_dm2, voting.area_dm2) and more_than_half(
            yes.owners, voting.owners
        )
    return Outcome(quorum_met=quorum, passed=quorum and agreed)


def area_text(area_dm2: int) -> str:
    """1234567 dm² → "12,345.67 ㎡" (integer arithmetic: no float on the way)."""
    whole, cents = divmod(area_dm2, 100)
    return f"{whole:,}.{cents:02d} ㎡"


def share_text(part: int, whole: int) -> str:
    """A percentage as every page shows one (backend/common/ratios.py); "—" of nothing."""
    return percent(part, whole) or "—"
