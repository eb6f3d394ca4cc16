"""The people and places of the credit-penalty tests: one county with two townships, a
company serving an estate in each, its manager, an owner, officers at every level."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from backend.access.roles import Role
from backend.accounts.models import User
from backend.extensions import db
from backend.governance.credit import figures as credit
from backend.governance.credit.models import CreditPenalty
from backend.places.models import County, Estate, PropertyCompany


@dataclass
class GovCast:
    county: County
    company: PropertyCompany  # serves estate_a (township A) and estate_b (township B)
    other_company: PropertyCompany  # serves estate_c only (township B)
    estate_a: Estate
    estate_b: Estate
    estate_c: Estate
    county_officer: User
    admin: User
    township_a: User
    township_b: User
    auditor_a: User
    owner_a: User
    owner_c: User
    manager: User
    outsider: User  # county officer of another county


def company(county, name, credit_code=None) -> PropertyCompany:
    row = PropertyCompany(county_id=county.id, name=name, credit_code=credit_code)
    db.session.add(row)
    db.session.commit()
    return row


def serve(estate, company_row) -> None:
    estate.property_company_id = company_row.id
    db.session.commit()


@pytest.fixture
def gcast(make) -> GovCast:
    return build_gcast(make)


def build_gcast(make) -> GovCast:
    county = make.county("安溪县")
    ta, tb = make.township(county, "凤城镇"), make.township(county, "城厢镇")
    ca, cb = make.community(ta, "城东社区"), make.community(tb, "城西社区")
    ea = make.estate(ca, "阳光小区")
    eb, ec = make.estate(cb, "河滨小区"), make.estate(cb, "茶都小区")
    main = company(county, "安溪宜家物业服务有限公司", "91350524MA2XXXXX1A")
    other = company(county, "安溪鸿福物业管理有限公司")
    serve(ea, main)
    serve(eb, main)
    serve(ec, other)
    elsewhere = make.county("南安市")
    return GovCast(
        county=county,
        company=main,
        other_company=other,
        estate_a=ea,
        estate_b=eb,
        estate_c=ec,
        county_officer=make.member(Role.COUNTY_OFFICER, county),
        admin=make.member(Role.ADMIN, county),
        township_a=make.member(Role.TOWNSHIP_OFFICER, ta),
        township_b=make.member(Role.TOWNSHIP_OFFICER, tb),
        auditor_a=make.member(Role.AUDITOR, ca),
        owner_a=make.member(Role.OWNER, make.unit(ea)),
        owner_c=make.member(Role.OWNER, make.unit(ec)),
        manager=make.member(Role.PROPERTY_MANAGER, ea, make.user(real_name="王建国")),
        outsider=make.member(Role.COUNTY_OFFICER, elsewhere),
    )


def penalty(company_row, kind="interview", days_ago=10, points=0, estate=None, **fields):
    """A penalty written straight to the table (for arithmetic tests: no rules applied)."""
    row = CreditPenalty(
        county_id=company_row.county_id,
        property_company_id=company_row.id,
        estate_id=estate.id if estate else None,
        kind=kind,
        points=points,
        reason=fields.pop("reason", "测试事由"),
        decided_on=fields.pop("decided_on", None) or credit.today() - timedelta(days=days_ago),
        recorded_by_id=fields.pop("recorded_by_id"),
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def args(**fields) -> dict:
    """A valid API body for an interview, changed by ``fields``."""
    body = {
        "kind": "interview",
        "reason": "电梯故障三日未修复，约谈企业负责人",
        "decided_on": "2026-03-02",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def on(days_ago: int) -> date:
    return credit.today() - timedelta(days=days_ago)
