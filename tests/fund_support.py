"""An estate with a maintenance fund and everyone a repair project involves, and a client that
speaks the fund API: shared by the fund tests, the console's fund pages and the mini-program's
contract tests (each conftest imports the fixtures).

Buildings: 1栋 holds units A (100.00 m², owner ``owner``) and B (50.00 m², owner ``owner2``);
2栋 holds unit C (80.00 m², owner ``owner3``). ``outsider`` owns a unit in another estate.
"""

import io
from dataclasses import dataclass

import pytest

from backend.access.roles import Role
from backend.accounts.models import User
from backend.places.models import Building, Estate, Unit
from tests.ledger_support import png_bytes
from tests.vote_support import VoteApi

HEADER = ["日期", "类型", "楼栋", "房号", "金额（元）", "摘要"]


@dataclass
class FundCast:
    estate: Estate
    b1: Building
    b2: Building
    unit_a: Unit
    unit_b: Unit
    unit_c: Unit
    chair: User
    member: User
    manager: User
    auditor: User
    township: User
    owner: User
    owner2: User
    owner3: User
    outsider: User


def build_fund_cast(make) -> FundCast:
    county = make.county()
    township = make.township(county)
    community = make.community(township)
    estate = make.estate(community)
    elsewhere = make.estate(community)
    unit_a = make.unit(estate, building="1栋", number="101", area_dm2=10_000)
    unit_b = make.unit(estate, building="1栋", number="102", area_dm2=5_000)
    unit_c = make.unit(estate, building="2栋", number="201", area_dm2=8_000)
    return FundCast(
        estate=estate,
        b1=unit_a.building,
        b2=unit_c.building,
        unit_a=unit_a,
        unit_b=unit_b,
        unit_c=unit_c,
        chair=make.member(Role.COMMITTEE_CHAIR, estate, make.user(real_name="李建国")),
        member=make.member(Role.COMMITTEE_MEMBER, estate, make.user(real_name="王芳")),
        manager=make.member(Role.PROPERTY_MANAGER, estate, make.user(real_name="赵强")),
        auditor=make.member(Role.AUDITOR, community, make.user(real_name="林慧")),
        township=make.member(Role.TOWNSHIP_OFFICER, township, make.user(real_name="黄伟")),
        owner=make.member(Role.OWNER, unit_a, make.user(real_name="张三丰")),
        owner2=make.member(Role.OWNER, unit_b, make.user(real_name="刘洋")),
        owner3=make.member(Role.OWNER, unit_c, make.user(real_name="陈晨")),
        outsider=make.member(Role.OWNER, make.unit(elsewhere), make.user(real_name="周杰")),
    )


@pytest.fixture
def fcast(make) -> FundCast:
    return build_fund_cast(make)


def statement(rows: list[list]) -> io.BytesIO:
    """An .xlsx statement of the housing authority with ``rows`` under the template header."""
    from tests.factories import xlsx

    return xlsx(rows, header=HEADER)


class FundApi:
    """The fund API as the mini-program and console call it."""

    def __init__(self, client, auth, cast: FundCast):
        self.client, self.auth, self.cast = client, auth, cast
        self.estate_id = cast.estate.id
        self.votes = VoteApi(client, auth)

    def url(self, path: str) -> str:
        return f"/api/v1/estates/{self.estate_id}{path}"

    def get(self, person, path, **kwargs):
        return self.client.get(self.url(path), headers=self.auth(person), **kwargs)

    def post(self, person, path, body=None):
        return self.client.post(
            self.url(path), json=body if body is not None else {}, headers=self.auth(person)
        )

    def upload(self, person, path, data: bytes, name: str, **form):
        return self.client.post(
            self.url(path),
            data={"file": (io.BytesIO(data), name), **form},
            headers=self.auth(person),
            content_type="multipart/form-data",
        )

    # -- fund

    def import_statement(self, person, rows):
        return self.upload(person, "/fund/imports", statement(rows).getvalue(), "账单.xlsx")

    def fund_in(self, amount_yuan=50000):
        """Deposit ``amount_yuan`` into each of 1栋 and 2栋 (split over their units by area)."""
        response = self.import_statement(
            self.cast.chair,
            [
                ["2026-01-01", "期初余额", "1栋", "", amount_yuan, "期初"],
                ["2026-01-01", "期初余额", "2栋", "", amount_yuan, "期初"],
            ],
        )
        assert response.status_code == 201, response.json
        return response.json

    # -- projects

    def project_url(self, project_id, path=""):
        return f"/repair-projects/{project_id}{path}"

    def create(self, person=None, **fields):
        body = {
            "title": "1栋屋面防水维修",
            "scope": "1栋屋面防水层老化渗漏，整体翻新防水层约 300 平方米。",
            "category": "roof_wall_leak",
            "path": "vote",
            "budget_fen": 3_000_000,
            "building_ids": [self.cast.b1.id],
            **fields,
        }
        return self.post(person or self.cast.chair, "/repair-projects", body)

    def draft(self, **fields) -> dict:
        response = self.create(**fields)
        assert response.status_code == 201, response.json
        return response.json

    def act(self, person, project_id, action, note=None):
        body = {"action": action, **({"note": note} if note is not None else {})}
        return self.post(person, self.project_url(project_id, "/transitions"), body)

    def step(self, person, project_id, action, note=None) -> dict:
        response = self.act(person, project_id, action, note)
        assert response.status_code == 200, (action, response.json)
        return response.json

    def document(self, person, project_id, kind, data=None, name="photo.png"):
        return self.upload(
            person,
            self.project_url(project_id, "/documents"),
            data if data is not None else png_bytes(),
            name,
            kind=kind,
        )

    def passed_motion(self, building_ids, voters=None) -> dict:
        """A closed, passed use_maintenance_fund motion of those buildings' owners."""
        cast = self.cast
        motion = self.votes.announce(
            cast.chair, self.estate_id, matter="use_maintenance_fund", building_ids=building_ids
        )
        self.votes.open(motion["id"])
        self.votes.get(cast.chair, motion["id"])
        for person in voters if voters is not None else (cast.owner, cast.owner2):
            assert self.votes.cast(person, motion["id"], "yes").status_code == 201
        self.votes.end(motion["id"])
        closed = self.votes.get(cast.chair, motion["id"]).json
        assert closed["status"] == "closed", closed
        return closed

    def prechecked(self, **fields) -> dict:
        project = self.draft(**fields)
        self.step(self.cast.chair, project["id"], "submit")
        return self.step(self.cast.township, project["id"], "precheck_pass")

    def authorised_by_vote(self, **fields) -> dict:
        project = self.prechecked(**fields)
        motion = self.passed_motion([self.cast.b1.id])
        response = self.post(
            self.cast.chair, self.project_url(project["id"], "/motion"), {"motion_id": motion["id"]}
        )
        assert response.status_code == 200, response.json
        assert response.json["status"] == "authorised", response.json
        return response.json

    def sign(self, person, project_id, kind):
        return self.post(person, self.project_url(project_id, "/sign-offs"), {"kind": kind})

    def authorised_emergency(self, **fields) -> dict:
        cast = self.cast
        project = self.prechecked(path="emergency", **fields)
        for person, kind in (
            (cast.chair, "committee"),
            (cast.auditor, "community"),
            (cast.township, "township"),
        ):
            response = self.sign(person, project["id"], kind)
            assert response.status_code == 200, response.json
        response = self.post(cast.chair, self.project_url(project["id"], "/owners-notice"))
        assert response.status_code == 200, response.json
        return response.json

    def started(self, project) -> dict:
        response = self.document(self.cast.chair, project["id"], "contract", name="合同.png")
        assert response.status_code == 201, response.json
        return self.step(self.cast.chair, project["id"], "start")

    def accepted(self, project) -> dict:
        response = self.document(self.cast.chair, project["id"], "acceptance_photo")
        assert response.status_code == 201, response.json
        return self.step(self.cast.chair, project["id"], "accept", "防水层完好，闭水试验合格")

    def voucher(self, project_id) -> int:
        response = self.document(self.cast.chair, project_id, "voucher", name="发票.png")
        assert response.status_code == 201, response.json
        return response.json["id"]

    def pay(self, project_id, amount_fen=3_000_000, voucher_ids=None, **fields):
        body = {
            "amount_fen": amount_fen,
            "paid_on": "2026-11-02",
            "payee": "安溪防水工程有限公司",
            "voucher_ids": voucher_ids if voucher_ids is not None else [self.voucher(project_id)],
            **fields,
        }
        return self.post(self.cast.chair, self.project_url(project_id, "/payments"), body)


@pytest.fixture
def fund(client, auth, fcast) -> FundApi:
    return FundApi(client, auth, fcast)
