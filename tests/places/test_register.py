"""Unit registers from Excel: all rows or nothing, errors by row and column."""

import io

import pytest

from backend.access.roles import Role
from backend.extensions import db
from backend.places.models import Building, Estate, Unit
from backend.places.register import parse_area


@pytest.fixture
def estate(make):
    return make.estate(name="茶都新苑")


@pytest.fixture
def chair(make, estate):
    return make.member(Role.COMMITTEE_CHAIR, estate)


def upload(client, estate, headers, stream, filename="清册.xlsx"):
    return client.post(
        f"/api/v1/estates/{estate.id}/units/import",
        data={"file": (stream, filename)},
        headers=headers,
        content_type="multipart/form-data",
    )


GOOD = [["1栋", "101", 1, 89.12, "否"], ["1栋", "102", 1, "120.5", ""], ["2栋", 201, 2, 60, "是"]]


def test_import_creates_units_and_reimport_changes_nothing(client, make, auth, estate, chair):
    first = upload(client, estate, auth(chair), make.xlsx(GOOD))
    assert first.status_code == 200, first.json
    assert first.json == {"created": 3, "updated": 0, "unchanged": 0}
    areas = dict(db.session.query(Unit.number, Unit.area_dm2).all())
    assert areas == {"101": 8912, "102": 12050, "201": 6000}
    assert db.session.query(Unit).filter_by(is_developer_unsold=True).count() == 1

    again = upload(client, estate, auth(chair), make.xlsx(GOOD))
    assert again.json == {"created": 0, "updated": 0, "unchanged": 3}

    changed = upload(client, estate, auth(chair), make.xlsx([["1栋", "101", 1, 90, "否"]]))
    assert changed.json == {"created": 0, "updated": 1, "unchanged": 0}


@pytest.mark.parametrize(
    "bad_row, column, message",
    [
        (["1栋", "103", 1, -5, "否"], "D", "面积"),
        (["1栋", "103", 1, 89.123, "否"], "D", "两位小数"),
        (["1栋", "103", 1, "八十", "否"], "D", "面积"),
        (["1栋", "103", 1, None, "否"], "D", "面积"),
        (["", "103", 1, 80, "否"], "A", "不能为空"),
        (["1栋", "103", "三楼", 80, "否"], "C", "楼层"),
        (["1栋", "103", 1, 80, "也许"], "E", "是"),
        (["1栋", "101", 1, 80, "否"], "B", "重复"),
    ],
)
def test_one_bad_row_saves_nothing_and_names_row_and_column(
    client, make, auth, estate, chair, bad_row, column, message
):
    rows = [*GOOD, bad_row]
    response = upload(client, estate, auth(chair), make.xlsx(rows))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["fields"]["rows"][0]["row"] == 5
    assert error["fields"]["rows"][0]["column"] == column
    assert message in error["fields"]["rows"][0]["message"]
    assert "第5行" in error["message"]
    assert db.session.query(Unit).count() == 0
    assert db.session.query(Building).count() == 0


def test_missing_header_is_422(client, make, auth, estate, chair):
    stream = make.xlsx([["1栋", "101"]], header=["楼栋", "房号"])
    response = upload(client, estate, auth(chair), stream)
    assert response.status_code == 422
    assert "建筑面积(㎡)" in response.json["error"]["message"]


def test_not_an_xlsx_is_422(client, auth, estate, chair):
    response = upload(client, estate, auth(chair), io.BytesIO(b"not a zip"), "x.xlsx")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "register_unreadable"
    csv = upload(client, estate, auth(chair), io.BytesIO(b"a,b"), "x.csv")
    assert csv.status_code == 422


def test_json_body_to_upload_is_415(client, auth, estate, chair):
    response = client.post(
        f"/api/v1/estates/{estate.id}/units/import", json={"file": "x"}, headers=auth(chair)
    )
    assert response.status_code == 415


def test_missing_file_is_422(client, auth, estate, chair):
    response = client.post(
        f"/api/v1/estates/{estate.id}/units/import",
        data={},
        headers=auth(chair),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "file" in response.json["error"]["fields"]


def test_too_large_upload_is_413(app, client, auth, estate, chair):
    big = io.BytesIO(b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    response = upload(client, estate, auth(chair), big)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_other_estates_committee_gets_404_owner_gets_403(client, make, auth, estate):
    outsider = make.member(Role.COMMITTEE_CHAIR, make.estate())
    owner = make.member(Role.OWNER, make.unit(estate))
    assert upload(client, estate, auth(outsider), make.xlsx(GOOD)).status_code == 404
    assert upload(client, estate, auth(owner), make.xlsx(GOOD)).status_code == 403
    assert db.session.query(Unit).count() == 1  # only the owner's own unit


@pytest.mark.parametrize(
    "value, expected",
    [
        (89.12, 8912),
        ("89.12", 8912),
        (0.01, 1),
        (100, 10000),
        ("1e2", 10000),
        (0.1 + 0.2, None),
        (0, None),
        (True, None),
        ("abc", None),
        (1e20, None),
    ],
)
def test_parse_area_is_exact(value, expected):
    if expected is None:
        with pytest.raises(ValueError):
            parse_area(value)
    else:
        assert parse_area(value) == expected


def test_county_register_cli_is_idempotent(runner, tmp_path):
    from backend.demo import county

    path = tmp_path / "register.xlsx"
    path.write_bytes(county.register_workbook())
    first = runner.invoke(args=["linli", "import-register", str(path)])
    assert first.exit_code == 0, first.output
    units, estates = db.session.query(Unit).count(), db.session.query(Estate).count()
    assert estates == 8 and 1800 <= units <= 2400
    second = runner.invoke(args=["linli", "import-register", str(path)])
    assert '"created": 0' in second.output and '"updated": 0' in second.output
    assert db.session.query(Unit).count() == units


def test_county_register_cli_reports_bad_row(runner, make, tmp_path):
    header = [
        "县(市、区)",
        "乡镇(街道)",
        "社区",
        "小区",
        "小区地址",
        "楼栋",
        "房号",
        "楼层",
        "建筑面积(㎡)",
        "开发商未售",
    ]
    rows = [
        ["安溪县", "凤城镇", "中山社区", "凤城花园", "河滨路1号", "1栋", "101", 1, 80, "否"],
        ["安溪县", "凤城镇", "中山社区", "凤城花园", "河滨路1号", "1栋", "102", 1, "x", "否"],
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(make.xlsx(rows, header=header).getvalue())
    result = runner.invoke(args=["linli", "import-register", str(path)])
    assert result.exit_code != 0
    assert "第3行" in result.output and "I列" in result.output
    assert db.session.query(Estate).count() == 0


def test_sample_register_in_repo_imports(runner):
    from config.settings import ROOT

    result = runner.invoke(
        args=["linli", "import-register", str(ROOT / "config/samples/county-register.xlsx")]
    )
    assert result.exit_code == 0, result.output
    assert db.session.query(Estate).count() == 8
