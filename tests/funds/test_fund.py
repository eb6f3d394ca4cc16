"""The fund: importing the authority's statement (every row or none), balances by building and
by unit, and who sees which."""

from sqlalchemy import func, select

from backend.extensions import db
from backend.funds.models import FundMovement
from tests.fund_support import build_fund_cast
from tests.isolation import once_per_module

_fcast_of_module, fcast = once_per_module("fcast", build_fund_cast)


def _movements() -> int:
    return db.session.scalar(select(func.count()).select_from(FundMovement))


def test_import_splits_building_lines_by_area_and_books_unit_lines_to_the_unit(fund, fcast):
    response = fund.import_statement(
        fcast.chair,
        [
            ["2026-01-01", "期初余额", "1栋", "", "1000.01", "期初"],
            ["2026-03-15", "缴存", "2栋", "201", 500, "首期缴存"],
            ["2026-06-21", "利息", "1栋", "102", "0.99", "结息"],
        ],
    )
    assert response.status_code == 201, response.json
    assert response.json["imported"] == 3
    assert response.json["total_fen"] == 100_001 + 50_000 + 99
    units = {
        u["unit_id"]: u["balance_fen"] for u in fund.get(fcast.chair, "/fund/units").json["items"]
    }
    # 100,001 fen over 100 : 50 m² → 66,667.33 and 33,333.67: the larger remainder gets the fen.
    assert units == {fcast.unit_a.id: 66_667, fcast.unit_b.id: 33_334 + 99, fcast.unit_c.id: 50_000}
    summary = fund.get(fcast.chair, "/fund").json
    assert summary["balance_fen"] == 150_100
    assert {b["name"]: b["balance_fen"] for b in summary["buildings"]} == {
        "1栋": 100_100,
        "2栋": 50_000,
    }
    assert fund.get(fcast.chair, "/fund/verify").json["ok"] is True


def test_a_sheet_with_any_wrong_row_imports_nothing_and_names_each_row(fund, fcast):
    response = fund.import_statement(
        fcast.chair,
        [
            ["2026-01-01", "期初余额", "1栋", "", 1000, "期初"],
            ["2026-13-01", "缴存", "1栋", "", 10, ""],
            ["2026-01-02", "罚款", "9栋", "", "1.234", ""],
            ["2026-01-03", "缴存", "1栋", "999", 10, ""],
        ],
    )
    assert response.status_code == 422
    rows = response.json["error"]["fields"]["rows"]
    assert sorted(rows) == ["3", "4", "5"]
    assert any("日期" in m for m in rows["3"])
    assert any("类型" in m for m in rows["4"]) and any("两位小数" in m for m in rows["4"])
    assert "999" in rows["5"][0]
    assert _movements() == 0


def test_a_wrong_header_or_a_non_workbook_is_refused(fund, fcast):
    from tests.factories import xlsx

    wrong = xlsx([["2026-01-01", "缴存", "1栋", "", 1, ""]])
    response = fund.upload(fcast.chair, "/fund/imports", wrong.getvalue(), "a.xlsx")
    assert response.status_code == 422
    junk = fund.upload(fcast.chair, "/fund/imports", b"not a zip", "a.xlsx")
    assert junk.status_code == 422
    assert fund.upload(fcast.chair, "/fund/imports", b"x", "a.csv").status_code == 422


def test_only_committee_and_manager_import(fund, fcast):
    rows = [["2026-01-01", "缴存", "1栋", "", 1, ""]]
    assert fund.import_statement(fcast.owner, rows).status_code == 403
    assert fund.import_statement(fcast.township, rows).status_code == 403
    assert fund.import_statement(fcast.outsider, rows).status_code == 404
    assert fund.import_statement(fcast.manager, rows).status_code == 201


def test_the_template_downloads_for_those_who_import(fund, fcast):
    from io import BytesIO

    from openpyxl import load_workbook

    response = fund.get(fcast.manager, "/fund/import-template")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["日期", "类型", "楼栋", "房号", "金额（元）", "摘要"]
    assert fund.get(fcast.owner, "/fund/import-template").status_code == 403


def test_owners_see_their_buildings_and_their_units_only(fund, fcast):
    fund.fund_in(100)
    mine = fund.get(fcast.owner, "/fund").json
    assert [b["name"] for b in mine["buildings"]] == ["1栋"]
    assert mine["my_units"] == [
        {
            "unit_id": fcast.unit_a.id,
            "label": "1栋101",
            "building_id": fcast.b1.id,
            "area_dm2": 10_000,
            "balance_fen": 6_667,
        }
    ]
    assert fund.get(fcast.owner, "/fund/units").status_code == 403
    movements = fund.get(fcast.owner, "/fund/movements").json["items"]
    assert [m["building_name"] for m in movements] == ["1栋"]
    assert movements[0]["my_amount_fen"] == 6_667
    staff = fund.get(fcast.township, "/fund").json
    assert len(staff["buildings"]) == 2 and staff["my_units"] == []


def test_an_owner_of_another_estate_is_refused(fund, fcast):
    for path in ("/fund", "/fund/movements", "/fund/units", "/fund/verify", "/repair-projects"):
        assert fund.get(fcast.outsider, path).status_code == 404, path


def test_a_fund_before_any_import_is_empty(fund, fcast):
    summary = fund.get(fcast.owner, "/fund").json
    assert summary["exists"] is False
    assert summary["balance_fen"] == 0
    assert fund.get(fcast.owner, "/fund/verify").json == {
        "ok": True,
        "links_checked": 0,
        "head_hash": None,
        "broken": None,
    }


def test_owners_do_not_see_a_neighbours_own_deposit(fund, fcast):
    fund.import_statement(
        fcast.chair,
        [
            ["2026-01-01", "期初余额", "1栋", "", 100, "期初"],
            ["2026-02-01", "缴存", "1栋", "102", 50, "102室缴存"],
        ],
    )
    mine = fund.get(fcast.owner, "/fund/movements").json["items"]
    assert [m["description"] for m in mine] == ["期初"]
    theirs = fund.get(fcast.owner2, "/fund/movements").json["items"]
    assert [m["description"] for m in theirs] == ["102室缴存", "期初"]
    other = fund.get(fcast.chair, f"/fund/movements?building_id={fcast.b2.id}")
    assert other.json.get("total") == 0, other.json
