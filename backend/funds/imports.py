"""Importing the housing authority's statement of the fund (.xlsx): opening balances, deposits
and interest, each line naming a building (split over its units by area) or one unit. Every
row, or none: a sheet with any wrong row imports nothing and names each wrong row.

The file checks, dates and yuan-to-fen parsing are the ledger's (backend.ledger.imports).
"""

from openpyxl import load_workbook
from sqlalchemy import select

from backend.accounts.models import User
from backend.common import xlsx
from backend.common.unit_of_work import unit_of_work
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.funds import accounts, chain
from backend.funds.access import WRITER_ROLES, estate_for, require
from backend.funds.apportion import apportion
from backend.funds.models import MOVEMENT_LABELS, FundMovement, MovementKind
from backend.ledger import imports as ledger_imports
from backend.places.models import Building, Unit

HEADER = ["日期", "类型", "楼栋", "房号", "金额（元）", "摘要"]
DESCRIPTION_MAX = 200
_KINDS = {label: kind for kind, label in MOVEMENT_LABELS.items() if kind != MovementKind.PAYMENT}


def read_rows(stream) -> tuple[list[tuple[int, dict]], dict[str, list[str]]]:
    """([(row number, values)], {row number: [errors]}) of the first sheet.

    :raises ValidationFailed: not a readable .xlsx, a wrong header, or too many rows.
    """
    try:
        ledger_imports._check_unzipped_size(stream)
        book = load_workbook(stream, read_only=True, data_only=True)
        try:
            return _read_sheet(book.worksheets[0])
        finally:
            book.close()
    except ledger_imports._UNREADABLE:
        raise ledger_imports._unreadable() from None


def _read_sheet(sheet):
    lines = sheet.iter_rows(max_col=len(HEADER), values_only=True)
    header = [str(c or "").strip() for c in next(lines, ())][: len(HEADER)]
    if header != HEADER:
        raise ValidationFailed(
            "表头应为：" + "、".join(HEADER), fields={"file": ["表头不符，请使用导入模板"]}
        )
    rows, errors = [], {}
    for number, cells in enumerate(lines, start=2):
        if not any(c not in (None, "") for c in cells):
            continue
        if len(rows) + len(errors) >= ledger_imports.MAX_ROWS:
            raise ValidationFailed(
                f"一次最多导入 {ledger_imports.MAX_ROWS} 行", fields={"file": ["行数过多"]}
            )
        values, row_errors = _row(cells)
        if row_errors:
            errors[str(number)] = row_errors
        else:
            rows.append((number, values))
    return rows, errors


def _row(cells) -> tuple[dict, list[str]]:
    day, kind, building, unit, amount, text = (list(cells) + [None] * 6)[:6]
    values, errors = {}, []
    try:
        values["occurred_on"] = ledger_imports._date(day)
    except ValueError as error:
        errors.append(str(error))
    try:
        values["amount_fen"] = ledger_imports._fen(amount)
    except ValueError as error:
        errors.append(str(error))
    values["kind"] = _KINDS.get(str(kind or "").strip())
    if values["kind"] is None:
        errors.append("类型应为：" + "、".join(_KINDS))
    values["building"] = str(building or "").strip()
    values["unit"] = str(unit or "").strip()
    if not values["building"]:
        errors.append("请填写楼栋")
    values["description"] = str(text or "").strip()
    if len(values["description"]) > DESCRIPTION_MAX:
        errors.append(f"摘要不能超过 {DESCRIPTION_MAX} 个字")
    return values, errors


def _register(estate_id: int) -> tuple[dict, dict]:
    """({building name: (id, {unit id: area})}, {(building name, number): unit})."""
    buildings: dict[str, tuple[int, dict[int, int]]] = {}
    for bid, name in db.session.execute(
        select(Building.id, Building.name).where(Building.estate_id == estate_id)
    ):
        buildings[name] = (bid, {})
    names = {bid: name for name, (bid, _areas) in buildings.items()}
    units = {}
    for uid, bid, number, area in db.session.execute(
        select(Unit.id, Unit.building_id, Unit.number, Unit.area_dm2).where(
            Unit.estate_id == estate_id
        )
    ):
        buildings[names[bid]][1][uid] = area
        units[(names[bid], number)] = uid
    return buildings, units


@unit_of_work
def import_statement(user: User, estate_id: int, stream) -> dict:
    """Book every row of the authority's statement as a movement of the fund's chain, or none.

    :raises NotFound: outside scope. :raises Forbidden: not committee or property manager.
    :raises ValidationFailed: a bad file, or rows with errors (``fields.rows``: row → errors).
    """
    estate, roles = estate_for(user, estate_id)
    require(roles, WRITER_ROLES, "只有业委会或物业可以导入维修资金账单")
    rows, errors = read_rows(stream)
    buildings, units = _register(estate.id)
    checked = []
    for line, values in rows:
        building = buildings.get(values["building"])
        if building is None:
            errors[str(line)] = [f"楼栋“{values['building']}”不在本小区的房屋清册中"]
            continue
        building_id, areas = building
        if values["unit"]:
            unit_id = units.get((values["building"], values["unit"]))
            if unit_id is None:
                errors[str(line)] = [f"{values['building']}没有房号“{values['unit']}”"]
                continue
            shares = {unit_id: values["amount_fen"]}
        elif not areas:
            errors[str(line)] = [f"{values['building']}没有登记房屋，无法按面积分摊"]
            continue
        else:
            unit_id, shares = None, apportion(values["amount_fen"], areas)
        checked.append((values, building_id, unit_id, shares))
    if errors:
        raise ValidationFailed(
            f"表格中有 {len(errors)} 行有误，未导入任何记录，请修改后重新上传",
            fields={"rows": dict(sorted(errors.items(), key=lambda kv: int(kv[0])))},
        )
    if not checked:
        raise ValidationFailed("表格中没有记录", fields={"file": ["表格中没有记录"]})
    fund = accounts.lock_fund(estate.id)
    total = 0
    for values, building_id, unit_id, shares in checked:
        movement = FundMovement(
            estate_id=estate.id,
            kind=values["kind"],
            occurred_on=values["occurred_on"],
            amount_fen=values["amount_fen"],
            building_id=building_id,
            unit_id=unit_id,
            description=values["description"] or MOVEMENT_LABELS[MovementKind(values["kind"])],
            created_by_id=user.id,
        )
        chain.append(fund, movement, shares)
        total += values["amount_fen"]
    return {"imported": len(checked), "total_fen": total}


def template() -> bytes:
    """The import template: the header and example rows."""
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "维修资金"
    sheet.append(HEADER)
    sheet.append(["2026-01-01", "期初余额", "1号楼", "", "1200000", "2025年末余额"])
    sheet.append(["2026-03-15", "缴存", "1号楼", "101", "8650.00", "101室首期缴存"])
    sheet.append(["2026-06-21", "利息", "1号楼", "", "3120.55", "上半年结息"])
    for column, width in zip("ABCDEF", (12, 10, 10, 10, 14, 30), strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx.to_bytes(book)
