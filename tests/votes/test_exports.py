"""The result, per-unit ballots and eligibility snapshot as .xlsx: for the committee, the
community's auditors and officers, and only once there is something to export."""

import io

import pytest
from openpyxl import load_workbook

from backend.access.roles import Role
from backend.common.masking import mask_name
from backend.extensions import db
from tests.isolation import once_per_module
from tests.vote_support import build_vcast, motion_row
from tests.xlsx_support import HOSTILE, HOSTILE_NAMES, assert_written_as_text

_vcast_of_module, vcast = once_per_module("vcast", build_vcast)


def rows_of(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def export(client, auth, person, motion_id, kind):
    return client.get(f"/api/v1/motions/{motion_id}/exports/{kind}.xlsx", headers=auth(person))


@pytest.fixture
def closed(vcast, votes, make):
    """A closed motion: owner (two units) voted yes, owner2 no, one unit unverified."""
    make.member(
        Role.OWNER,
        make.unit(vcast.estate, building="2栋", number="101", area_dm2=5_050),
        vcast.owner,
    )
    make.unit(vcast.estate, building="9栋", number="902", area_dm2=7_000)
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "yes")
    votes.cast(vcast.owner2, motion["id"], "no")
    votes.end(motion["id"])
    votes.get(vcast.chair, motion["id"])
    assert motion_row(motion["id"]).status == "closed"
    return motion


def test_the_results_workbook_has_the_figures(vcast, closed, client, auth):
    response = export(client, auth, vcast.auditor, closed["id"], "results")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = rows_of(response)
    assert ["结果", "未通过"] in rows  # yes 1 of 2 heads is not more than half
    assert ["全体业主", 3, "100.00%", pytest.approx(320.5), "100.00%"] in [
        [r[0], r[1], r[2], float(r[3]), r[4]] for r in rows if len(r) == 5 and r[0] == "全体业主"
    ]


def test_the_ballots_workbook_has_one_row_per_unit(vcast, closed, client, auth):
    rows = rows_of(export(client, auth, vcast.chair, closed["id"], "ballots"))

    by_unit = {r[0]: r for r in rows if len(r) >= 4 and r[0] != "房屋"}
    assert by_unit["2栋101"][3] == "赞成" and by_unit["2栋101"][2] == "张**"
    assert by_unit["9栋902"][3] == "未投票"
    assert sum(1 for r in by_unit.values() if r[3] == "赞成") == 2  # both of owner's units


def test_the_snapshot_workbook_lists_each_owner_once(vcast, closed, client, auth):
    rows = rows_of(export(client, auth, vcast.township, closed["id"], "electors"))

    owners = [r for r in rows if r and isinstance(r[0], int)]
    assert len(owners) == 3
    assert any(r[1] == "张**" and r[4] == 2 for r in owners)


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_owners_and_managers_cannot_export(vcast, closed, client, auth, who):
    assert export(client, auth, getattr(vcast, who), closed["id"], "ballots").status_code == 403


def test_nothing_but_the_snapshot_is_exported_while_voting_is_open(vcast, votes, client, auth):
    motion = votes.opened(vcast.chair, vcast.estate.id)

    early = export(client, auth, vcast.chair, motion["id"], "ballots")

    assert early.status_code == 409 and early.get_json()["error"]["code"] == "motion_not_ended"
    assert export(client, auth, vcast.chair, motion["id"], "results").status_code == 409
    assert export(client, auth, vcast.chair, motion["id"], "electors").status_code == 200


def test_an_unknown_export_kind_is_not_found(vcast, closed, client, auth):
    assert export(client, auth, vcast.chair, closed["id"], "secrets").status_code == 404
    assert export(client, auth, vcast.outsider, closed["id"], "results").status_code == 404


def test_text_that_looks_like_a_formula_is_written_as_text(vcast, votes, make, client, auth):
    vcast.estate.name = "=1+2小区"  # each workbook's title cell begins with the estate's name
    db.session.commit()
    for n, name in enumerate(HOSTILE_NAMES, start=1):
        make.unit(vcast.estate, building=name, number="101")  # no owner: named by the unit
        owner = make.user(real_name=name)
        make.member(Role.OWNER, make.unit(vcast.estate, building="8栋", number=f"{n}01"), owner)
    motion = votes.opened(vcast.chair, vcast.estate.id, title=HOSTILE[0])
    votes.end(motion["id"])
    votes.get(vcast.chair, motion["id"])
    units = [f"{name}101" for name in HOSTILE_NAMES]
    owners = [mask_name(name) for name in HOSTILE_NAMES]

    for kind, exact in (("results", []), ("ballots", units + owners), ("electors", units + owners)):
        response = export(client, auth, vcast.auditor, motion["id"], kind)
        assert response.status_code == 200, kind
        assert_written_as_text(response.data, exact=exact, inside=["=1+2小区", HOSTILE[0]])
