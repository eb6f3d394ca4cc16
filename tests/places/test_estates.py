"""Estates are seen only through memberships; the directory lets a newcomer find theirs."""

import pytest

from backend.access.roles import Role
from backend.extensions import db
from backend.places.models import Community, County, Township


@pytest.fixture
def tree(make):
    """Two townships; township A has two communities with one estate each."""
    county = make.county("安溪县")
    town_a, town_b = make.township(county, "凤城镇"), make.township(county, "城厢镇")
    comm_a1, comm_a2 = make.community(town_a, "中山社区"), make.community(town_a, "东岳社区")
    comm_b = make.community(town_b, "城厢社区")
    return {
        "county": county,
        "town_a": town_a,
        "town_b": town_b,
        "comm_a1": comm_a1,
        "a1": make.estate(comm_a1, "凤城花园"),
        "a2": make.estate(comm_a2, "东岳雅居"),
        "b": make.estate(comm_b, "城厢名都"),
    }


def names(response):
    return sorted(item["name"] for item in response.json["items"])


@pytest.mark.parametrize(
    "role, place, expected",
    [
        (Role.COMMITTEE_MEMBER, "a1", ["凤城花园"]),
        (Role.AUDITOR, "comm_a1", ["凤城花园"]),
        (Role.TOWNSHIP_OFFICER, "town_a", ["东岳雅居", "凤城花园"]),
        (Role.COUNTY_OFFICER, "county", ["东岳雅居", "凤城花园", "城厢名都"]),
    ],
)
def test_estate_list_follows_memberships(client, make, auth, tree, role, place, expected):
    person = make.member(role, tree[place])
    response = client.get("/api/v1/estates", headers=auth(person))
    assert response.status_code == 200
    assert names(response) == sorted(expected)
    assert response.json["total"] == len(expected)


def test_owner_sees_own_estate_and_404_for_another(client, make, auth, tree):
    owner = make.member(Role.OWNER, make.unit(tree["a1"]))
    assert names(client.get("/api/v1/estates", headers=auth(owner))) == ["凤城花园"]
    mine = client.get(f"/api/v1/estates/{tree['a1'].id}", headers=auth(owner))
    assert mine.status_code == 200
    assert mine.json["my_roles"] == [{"role": "owner", "role_label": "业主"}]
    other = client.get(f"/api/v1/estates/{tree['b'].id}", headers=auth(owner))
    assert other.status_code == 404
    assert other.json["error"]["code"] == "not_found"
    assert "城厢名都" not in other.get_data(as_text=True)


def test_township_officer_gets_404_for_other_township(client, make, auth, tree):
    officer = make.member(Role.TOWNSHIP_OFFICER, tree["town_b"])
    for estate in ("a1", "a2"):
        assert (
            client.get(f"/api/v1/estates/{tree[estate].id}", headers=auth(officer)).status_code
            == 404
        )
        claims = client.get(f"/api/v1/estates/{tree[estate].id}/claims", headers=auth(officer))
        assert claims.status_code == 404


def test_estate_search_filters_by_name_and_paginates(client, make, auth, tree):
    officer = make.member(Role.COUNTY_OFFICER, tree["county"])
    h = auth(officer)
    assert names(client.get("/api/v1/estates?q=凤城", headers=h)) == ["凤城花园"]
    page = client.get("/api/v1/estates?page=2&page_size=2", headers=h).json
    assert page["total"] == 3 and len(page["items"]) == 1 and page["page"] == 2
    assert client.get("/api/v1/estates?page_size=1000", headers=h).status_code == 422
    assert client.get("/api/v1/estates?page=abc", headers=h).status_code == 422
    # LIKE wildcards are text, not patterns.
    assert client.get("/api/v1/estates?q=%25", headers=h).json["total"] == 0


def test_directory_finds_any_estate_with_public_fields_only(client, make, auth, tree):
    newcomer = make.user()
    response = client.get("/api/v1/directory/estates?q=城厢", headers=auth(newcomer))
    assert response.status_code == 200
    item = response.json["items"][0]
    assert set(item) == {"id", "name", "address", "community_id", "community_name", "township_name"}
    assert item["township_name"] == "城厢镇"
    assert client.get("/api/v1/directory/estates?q=城", headers=auth(newcomer)).status_code == 422
    assert client.get("/api/v1/directory/estates?q=城厢").status_code == 401


def test_directory_buildings_and_units_for_claiming(client, make, auth, tree):
    unit = make.unit(tree["b"], building="2栋", number="301", area_dm2=12050)
    h = auth(make.user())
    buildings = client.get(f"/api/v1/directory/estates/{tree['b'].id}/buildings", headers=h).json
    assert buildings["items"] == [{"id": unit.building_id, "name": "2栋", "unit_count": 1}]
    units = client.get(f"/api/v1/directory/buildings/{unit.building_id}/units", headers=h).json
    assert units["items"][0]["area_dm2"] == 12050
    assert client.get("/api/v1/directory/buildings/99999/units", headers=h).status_code == 404


def test_tree_is_consistent(tree):
    assert db.session.get(Township, tree["a1"].township_id).county_id == tree["county"].id
    assert db.session.get(Community, tree["a1"].community_id).name == "中山社区"
    assert db.session.get(County, tree["b"].county_id).name == "安溪县"
