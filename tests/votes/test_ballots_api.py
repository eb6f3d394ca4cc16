"""Casting ballots: one per owner per motion (a unique constraint), final once cast, only by
owners in the snapshot, only while voting is open; paper ballots by the organiser; and the
law's cases end to end, from units and owners to the published result."""

import pytest
from sqlalchemy import select

from backend.access.roles import Role
from backend.extensions import db
from backend.votes.models import Ballot, Elector
from tests.concurrency import at_once
from tests.vote_support import ballot_count, motion_row


def test_an_owner_casts_one_final_ballot(vcast, votes):
    motion = votes.opened(vcast.chair, vcast.estate.id)

    first = votes.cast(vcast.owner, motion["id"], "yes")
    second = votes.cast(vcast.owner, motion["id"], "no")

    assert first.status_code == 201
    assert first.get_json()["choice_label"] == "赞成"
    assert first.get_json()["channel"] == "miniprogram"
    assert first.get_json()["channel_label"] == "小程序"
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "already_voted"
    assert db.session.scalar(select(Ballot.choice)) == "yes"
    seen = votes.get(vcast.owner, motion["id"]).get_json()
    assert seen["my_ballot"]["choice"] == "yes" and seen["can_vote"] is False


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_hundred_tries_at_once_make_exactly_one_ballot(vcast, votes, app, auth):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    headers = auth(vcast.owner)
    url = f"/api/v1/motions/{motion['id']}/ballots"

    def one_try(choice):
        def call():
            response = app.test_client().post(url, json={"choice": choice}, headers=headers)
            return response.status_code, response.get_json()

        return call

    results = at_once(*(one_try(("yes", "no", "abstain")[i % 3]) for i in range(200)))

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 199
    assert {body["error"]["code"] for status, body in results if status == 409} == {"already_voted"}
    assert ballot_count(motion["id"]) == 1


def test_co_owners_share_one_ballot(vcast, votes, make):
    unit = make.unit(vcast.estate, area_dm2=12_000)
    husband = make.member(Role.OWNER, unit, make.user(real_name="孙强"))
    wife = make.member(Role.OWNER, unit, make.user(real_name="周丽"))
    motion = votes.opened(vcast.chair, vcast.estate.id)

    assert votes.cast(husband, motion["id"], "yes").status_code == 201
    refused = votes.cast(wife, motion["id"], "no")

    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "already_voted"
    assert votes.get(wife, motion["id"]).get_json()["my_ballot"]["choice"] == "yes"


@pytest.mark.parametrize("choice", ["maybe", "", None, 1, ["yes"]])
def test_a_choice_other_than_yes_no_or_abstain_is_refused(vcast, votes, choice, client, auth):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    response = client.post(
        f"/api/v1/motions/{motion['id']}/ballots",
        json={"choice": choice},
        headers=auth(vcast.owner),
    )
    assert response.status_code == 422
    assert "choice" in response.get_json()["error"]["fields"]
    assert ballot_count(motion["id"]) == 0


def test_no_ballot_before_voting_opens(vcast, votes):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    response = votes.cast(vcast.owner, motion["id"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "motion_not_open"
    assert "尚未开始" in response.get_json()["error"]["message"]


def test_a_vote_after_close_is_refused_and_the_result_stands(vcast, votes):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "yes")
    votes.end(motion["id"])

    late = votes.cast(vcast.owner2, motion["id"], "yes")

    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "motion_not_open"
    assert ballot_count(motion["id"]) == 1
    assert motion_row(motion["id"]).tally["yes"] == {"owners": 1, "area_dm2": 10_000}


@pytest.mark.parametrize("who", ["chair", "manager", "auditor", "township"])
def test_only_owners_in_the_snapshot_vote(vcast, votes, who):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    response = votes.cast(getattr(vcast, who), motion["id"])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_eligible"


def test_an_owner_of_another_estate_gets_not_found(vcast, votes):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    assert votes.cast(vcast.outsider, motion["id"]).status_code == 404
    assert ballot_count(motion["id"]) == 0


def test_my_ballots_lists_what_i_cast(vcast, votes, client, auth):
    one = votes.opened(vcast.chair, vcast.estate.id)
    two = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, one["id"], "no")
    votes.cast(vcast.owner, two["id"], "abstain")

    page = client.get("/api/v1/me/ballots", headers=auth(vcast.owner)).get_json()

    assert [(b["motion"]["id"], b["choice"]) for b in page["items"]] == [
        (two["id"], "abstain"),
        (one["id"], "no"),
    ]
    assert page["items"][0]["motion"]["estate_name"] == vcast.estate.name
    assert page["items"][0]["motion"]["outcome_label"] is None  # still open
    assert client.get("/api/v1/me/ballots", headers=auth(vcast.owner2)).get_json()["total"] == 0


def paper(client, auth, person, motion_id, elector_id, choice="yes"):
    return client.post(
        f"/api/v1/motions/{motion_id}/paper-ballots",
        json={"elector_id": elector_id, "choice": choice, "note": "书面表决票"},
        headers=auth(person),
    )


def test_the_organiser_records_the_developers_paper_ballot_once(vcast, votes, make, client, auth):
    make.unit(vcast.estate, area_dm2=30_000, unsold=True)
    motion = votes.opened(vcast.chair, vcast.estate.id)
    electors = client.get(
        f"/api/v1/motions/{motion['id']}/electors", headers=auth(vcast.chair)
    ).get_json()
    developer = next(e for e in electors["items"] if e["kind"] == "developer")

    assert paper(client, auth, vcast.owner, motion["id"], developer["id"]).status_code == 403
    assert paper(client, auth, vcast.chair, motion["id"], developer["id"], "no").status_code == 201
    again = paper(client, auth, vcast.member, motion["id"], developer["id"])
    assert again.status_code == 409
    listed = client.get(
        f"/api/v1/motions/{motion['id']}/electors?q=开发", headers=auth(vcast.chair)
    ).get_json()
    assert [(e["kind"], e["voted"]) for e in listed["items"]] == [("developer", True)]
    assert len(listed["items"][0]["unit_labels"]) == 1
    assert (
        client.get(
            f"/api/v1/motions/{motion['id']}/electors", headers=auth(vcast.owner)
        ).status_code
        == 403
    )


def test_a_paper_ballot_for_an_owner_who_voted_in_the_app_is_refused(vcast, votes, client, auth):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "yes")
    mine = db.session.scalar(select(Ballot.elector_id).where(Ballot.motion_id == motion["id"]))
    response = paper(client, auth, vcast.chair, motion["id"], mine, "no")
    assert response.status_code == 409
    other_motion = votes.opened(vcast.chair, vcast.estate.id)
    assert paper(client, auth, vcast.chair, other_motion["id"], mine).status_code == 404


# -- the law's cases, end to end ---------------------------------------------------------


def owners(make, estate, areas: list[int]) -> list:
    return [make.member(Role.OWNER, make.unit(estate, area_dm2=a), make.user()) for a in areas]


def result_after(votes, chair, motion_id, ballots) -> dict:
    for person, choice in ballots:
        assert votes.cast(person, motion_id, choice).status_code == 201
    votes.end(motion_id)
    return votes.get(chair, motion_id).get_json()["result"]


@pytest.fixture
def bare(make):
    """An estate with a committee chair and no owners yet."""
    estate = make.estate()
    return estate, make.member(Role.COMMITTEE_CHAIR, estate)


def test_exactly_two_thirds_taking_part_is_a_quorum(bare, make, votes):
    estate, chair = bare
    a, b, _c = owners(make, estate, [10_000, 10_000, 10_000])
    motion = votes.opened(chair, estate.id)
    result = result_after(votes, chair, motion["id"], [(a, "yes"), (b, "yes")])
    assert result["quorum_met"] is True and result["outcome"] == "passed"


def test_just_under_two_thirds_of_the_area_is_no_quorum(bare, make, votes):
    estate, chair = bare
    a, b, _c = owners(make, estate, [10_000, 9_999, 10_001])
    motion = votes.opened(chair, estate.id)
    result = result_after(votes, chair, motion["id"], [(a, "yes"), (b, "yes")])
    assert result["quorum_met"] is False and result["outcome"] == "no_quorum"
    assert result["outcome"] != "passed"


def test_exactly_three_quarters_passes_raising_the_maintenance_fund(bare, make, votes):
    estate, chair = bare
    a, b, c, d = owners(make, estate, [10_000] * 4)
    motion = votes.opened(chair, estate.id, matter="raise_maintenance_fund")
    result = result_after(
        votes, chair, motion["id"], [(a, "yes"), (b, "yes"), (c, "yes"), (d, "no")]
    )
    assert result["outcome"] == "passed"


def test_exactly_half_fails_an_ordinary_matter(bare, make, votes):
    estate, chair = bare
    a, b, c, d = owners(make, estate, [10_000] * 4)
    motion = votes.opened(chair, estate.id, matter="elect_committee")
    result = result_after(
        votes, chair, motion["id"], [(a, "yes"), (b, "yes"), (c, "no"), (d, "no")]
    )
    assert result["quorum_met"] is True and result["outcome"] == "rejected"


def test_a_multi_unit_owner_weighs_by_area_but_counts_once(bare, make, votes):
    estate, chair = bare
    big, small1, small2 = owners(make, estate, [10_000, 10_000, 10_000])
    for _ in range(3):
        make.member(Role.OWNER, make.unit(estate, area_dm2=10_000), big)
    motion = votes.opened(chair, estate.id)
    # big holds 4/6 of the area but is one head of three: yes by area, not by heads.
    result = result_after(
        votes, chair, motion["id"], [(big, "yes"), (small1, "no"), (small2, "no")]
    )
    assert result["total"] == {"owners": 3, "area_dm2": 60_000}
    assert result["yes"] == {"owners": 1, "area_dm2": 40_000}
    assert result["outcome"] == "rejected"


def test_the_developers_unsold_units_vote_as_one_owner(bare, make, votes, client, auth):
    estate, chair = bare
    a, b = owners(make, estate, [10_000, 10_000])
    for _ in range(4):
        make.unit(estate, area_dm2=10_000, unsold=True)
    motion = votes.opened(chair, estate.id)
    developer = db.session.scalar(
        select(Elector.id).where(Elector.motion_id == motion["id"], Elector.kind == "developer")
    )
    assert paper(client, auth, chair, motion["id"], developer, "yes").status_code == 201
    # Three owners in all; the developer's 40,000 dm² and a's yes carry area and heads.
    result = result_after(votes, chair, motion["id"], [(a, "yes"), (b, "no")])
    assert result["total"] == {"owners": 3, "area_dm2": 60_000}
    assert result["yes"] == {"owners": 2, "area_dm2": 50_000}
    assert result["outcome"] == "passed"
