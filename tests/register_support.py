"""Helpers of the estate-register tests: terms, members and branches written through the
services (rules applied), on the places of the credit-penalty cast (governance_support)."""

from datetime import date, timedelta

from backend.governance.credit.figures import today
from backend.governance.register import places, services


def ago(days: int) -> date:
    return today() - timedelta(days=days)


def term(user, estate, formed_on=None, chair_party=False, chair_secretary=False, **fields):
    args = {
        "formed_on": formed_on or ago(100),
        "chair_name": fields.pop("chair_name", "林国栋"),
        "chair_phone": fields.pop("chair_phone", "13805951234"),
        "chair_is_party_member": chair_party,
        "chair_is_branch_secretary": chair_secretary,
        **fields,
    }
    return services.record_committee(user, estate.id, args)


def member(user, committee, name="陈美玲", role="member", party=False, secretary=False, **fields):
    args = {
        "name": name,
        "phone": fields.pop("phone", ""),
        "role": role,
        "is_party_member": party,
        "is_branch_secretary": secretary,
        "joined_on": fields.pop("joined_on", committee.formed_on),
        **fields,
    }
    return services.add_member(user, committee.estate_id, committee.id, args)


def branch(user, estate, established_on=None, others=(), name="阳光小区党支部"):
    args = {
        "name": name,
        "secretary_name": "黄志强",
        "established_on": established_on or ago(400),
        "estate_ids": [e.id for e in others],
    }
    return places.add_branch(user, estate.id, args)


# -- the held-out county ------------------------------------------------------------------------
# Written straight to the tables (no rules applied) so every date is exactly as planned. Dates
# are days from ``on``; the expected figures below were worked out by hand from this table.
#
#   township T1: community C1 = E1, E2, E3; community C2 = E4
#   township T2: community C3 = E5, E6
#   committees      formed  term ends  ended  party-led since
#     E1 term A     -2000      -537    -537       -2000
#     E1 term B      -537     +1290               -121
#     E2              +15     +1840                 —     (not filed yet)
#     E3            -1764       +77                 —
#     E4            -1521      +300     -60       -1521   (dissolved)
#     E5            -1794       +90                 +1
#     E6            -1794       +91              -1794
#   branches: joint J (E1, E2) from -911; B1 (E1) from -2700; B4 (E4) -1276 to 0 (dissolved on
#   the day); B5 (E5) from +1; B6 (E6) from -2373. Another county has one party-led committee.
HELD_OUT = {
    # day offset -> scope -> (estates, party_covered, committees, party_led, reelection_due)
    0: {
        "county": (6, 3, 4, 2, 2),
        "T1": (4, 2, 2, 1, 1),
        "T2": (2, 1, 2, 1, 1),
        "C1": (3, 2, 2, 1, 1),
        "C2": (1, 0, 0, 0, 0),
        "E1": (1, 1, 1, 1, 0),
    },
    -1: {"county": (6, 4, 4, 2, 1)},
    -731: {"county": (6, 4, 5, 3, 0)},
}


def held_out(make, on: date) -> dict:
    from backend.extensions import db
    from backend.governance.register.models import Committee, PartyBranch, PartyBranchEstate

    def d(offset):
        return None if offset is None else on + timedelta(days=offset)

    county = make.county("held-out 县")
    t1, t2 = make.township(county, "T1镇"), make.township(county, "T2镇")
    c1, c2, c3 = (
        make.community(t1, "C1社区"),
        make.community(t1, "C2社区"),
        make.community(t2, "C3社区"),
    )
    e = {
        "E1": make.estate(c1, "E1小区"),
        "E2": make.estate(c1, "E2小区"),
        "E3": make.estate(c1, "E3小区"),
        "E4": make.estate(c2, "E4小区"),
        "E5": make.estate(c3, "E5小区"),
        "E6": make.estate(c3, "E6小区"),
        "X": make.estate(make.community(make.township(make.county("别县"))), "别县小区"),
    }
    by = make.user()
    terms = [
        ("E1", -2000, -537, -537, -2000),
        ("E1", -537, 1290, None, -121),
        ("E2", 15, 1840, None, None),
        ("E3", -1764, 77, None, None),
        ("E4", -1521, 300, -60, -1521),
        ("E5", -1794, 90, None, 1),
        ("E6", -1794, 91, None, -1794),
        ("X", -100, 1000, None, -100),
    ]
    for name, formed, ends, ended, since in terms:
        estate = e[name]
        db.session.add(
            Committee(
                estate_id=estate.id,
                community_id=estate.community_id,
                township_id=estate.township_id,
                county_id=estate.county_id,
                formed_on=d(formed),
                term_ends_on=d(ends),
                ended_on=d(ended),
                end_reason="换届" if ended is not None else None,
                is_party_led=since is not None,
                party_led_since=d(since),
                created_by_id=by.id,
            )
        )
        db.session.flush()
    branches = [
        ("J", c1, ["E1", "E2"], -911, None),
        ("B1", c1, ["E1"], -2700, None),
        ("B4", c2, ["E4"], -1276, 0),
        ("B5", c3, ["E5"], 1, None),
        ("B6", c3, ["E6"], -2373, None),
    ]
    for name, community, covered, established, dissolved in branches:
        row = PartyBranch(
            community_id=community.id,
            township_id=community.township_id,
            county_id=county.id,
            name=f"{name}党支部",
            established_on=d(established),
            dissolved_on=d(dissolved),
            created_by_id=by.id,
        )
        db.session.add(row)
        db.session.flush()
        db.session.add_all(PartyBranchEstate(branch_id=row.id, estate_id=e[x].id) for x in covered)
    db.session.commit()
    scopes = {
        "county": ("county", county.id),
        "T1": ("township", t1.id),
        "T2": ("township", t2.id),
        "C1": ("community", c1.id),
        "C2": ("community", c2.id),
        "E1": ("estate", e["E1"].id),
    }
    return {"county": county, "townships": (t1, t2), "estates": e, "scopes": scopes}
