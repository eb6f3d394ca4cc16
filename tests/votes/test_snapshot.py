"""The eligibility snapshot: one head per owner whatever the number of units, summed area,
co-owners as one, the developer's unsold units as one owner, unverified units counted, and
nothing that happens to the register afterwards changes an open vote."""

from sqlalchemy import select

from backend.access.roles import Role
from backend.extensions import db
from backend.places.models import Unit
from backend.votes.models import Elector, ElectorUnit, ElectorUser
from tests.isolation import once_per_module
from tests.vote_support import build_vcast, motion_row

_vcast_of_module, vcast = once_per_module("vcast", build_vcast)


def electors(motion_id: int) -> list[Elector]:
    db.session.expire_all()
    return db.session.scalars(
        select(Elector).where(Elector.motion_id == motion_id).order_by(Elector.id)
    ).all()


def test_an_owner_of_three_units_is_one_head_with_their_summed_area(vcast, votes, make):
    for area in (9_000, 12_050, 7_725):
        make.member(Role.OWNER, make.unit(vcast.estate, area_dm2=area), vcast.owner)

    motion = votes.opened(vcast.chair, vcast.estate.id)

    mine = db.session.scalar(
        select(Elector)
        .join(ElectorUser, ElectorUser.elector_id == Elector.id)
        .where(ElectorUser.motion_id == motion["id"], ElectorUser.user_id == vcast.owner.id)
    )
    assert (mine.unit_count, mine.area_dm2) == (4, 10_000 + 9_000 + 12_050 + 7_725)
    assert motion["turnout"]["owners_total"] == 2  # owner and owner2
    assert motion["turnout"]["area_total_dm2"] == 38_775 + 10_000


def test_the_developers_unsold_units_together_are_one_owner(vcast, votes, make):
    for _ in range(5):
        make.unit(vcast.estate, area_dm2=11_111, unsold=True)

    motion = votes.opened(vcast.chair, vcast.estate.id)

    developer = [e for e in electors(motion["id"]) if e.kind == "developer"]
    assert len(developer) == 1
    assert (developer[0].unit_count, developer[0].area_dm2) == (5, 55_555)
    assert motion["turnout"]["owners_total"] == 3
    assert motion["turnout"]["area_total_dm2"] == 20_000 + 55_555


def test_a_sold_unit_whose_owner_is_verified_is_that_owners_not_the_developers(vcast, votes, make):
    unsold = make.unit(vcast.estate, area_dm2=5_000, unsold=True)
    make.member(Role.OWNER, unsold, vcast.owner2)

    motion = votes.opened(vcast.chair, vcast.estate.id)

    assert [e.kind for e in electors(motion["id"])] == ["owner", "owner"]
    assert motion["turnout"]["area_total_dm2"] == 25_000


def test_co_owners_of_a_unit_share_one_head(vcast, votes, make):
    unit = make.unit(vcast.estate, area_dm2=12_000)
    spouse1 = make.member(Role.OWNER, unit, make.user(real_name="孙丽"))
    make.member(Role.OWNER, unit, make.user(real_name="周杰"))
    # One of them also owns a parking unit alone: still the same owner (one head).
    make.member(Role.OWNER, make.unit(vcast.estate, area_dm2=1_500), spouse1)

    motion = votes.opened(vcast.chair, vcast.estate.id)

    shared = [e for e in electors(motion["id"]) if e.unit_count == 2]
    assert len(shared) == 1 and shared[0].area_dm2 == 13_500
    assert shared[0].label == "孙*、周*"
    assert motion["turnout"]["owners_total"] == 3


def test_units_without_a_verified_owner_each_count_as_one_owner(vcast, votes, make):
    make.unit(vcast.estate, area_dm2=8_000)
    make.unit(vcast.estate, area_dm2=9_000)

    motion = votes.opened(vcast.chair, vcast.estate.id)

    unverified = [e for e in electors(motion["id"]) if e.kind == "unverified"]
    assert sorted(e.area_dm2 for e in unverified) == [8_000, 9_000]
    assert motion["turnout"]["owners_total"] == 4


def test_later_changes_to_the_register_do_not_alter_an_open_motion(vcast, votes, make):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    before = [(e.id, e.kind, e.area_dm2) for e in electors(motion["id"])]

    # After opening: an area is corrected, a unit added, a new owner verified.
    unit = db.session.scalar(select(Unit).where(Unit.estate_id == vcast.estate.id))
    unit.area_dm2 = 99_999
    db.session.commit()
    late = make.member(Role.OWNER, make.unit(vcast.estate, area_dm2=20_000), make.user())

    again = votes.get(vcast.chair, motion["id"]).get_json()
    assert [(e.id, e.kind, e.area_dm2) for e in electors(motion["id"])] == before
    assert again["turnout"]["owners_total"] == 2
    assert again["turnout"]["area_total_dm2"] == 20_000
    assert motion_row(motion["id"]).area_total_dm2 == 20_000
    # The units keep the area they had when voting opened.
    areas = db.session.scalars(
        select(ElectorUnit.area_dm2).where(ElectorUnit.motion_id == motion["id"])
    ).all()
    assert sorted(areas) == [10_000, 10_000]
    refused = votes.cast(late, motion["id"])
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "not_eligible"


def test_the_snapshot_is_taken_once_however_many_readers_arrive(vcast, votes):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    votes.open(motion["id"])
    for person in (vcast.owner, vcast.owner2, vcast.chair, vcast.auditor):
        assert votes.get(person, motion["id"]).get_json()["status"] == "open"
    assert len(electors(motion["id"])) == 2


def test_owners_known_only_by_a_long_nickname_are_masked_and_fit(vcast, votes, make):
    nickname = "长" * 64
    make.member(Role.OWNER, make.unit(vcast.estate), make.user(display_name=nickname))

    motion = votes.opened(vcast.chair, vcast.estate.id)

    names = db.session.scalars(
        select(ElectorUser.display_name).where(ElectorUser.motion_id == motion["id"])
    ).all()
    assert "长" + "*" * 31 in names
