"""An estate with everyone a ticket involves, and a client that speaks the tickets API:
shared by the ticket tests, the console's ticket pages and the browser tests."""

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from backend.access.roles import Role
from backend.accounts.models import User
from backend.extensions import db
from backend.places.models import Building, Estate, PropertyCompany


@dataclass
class TicketCast:
    estate: Estate
    building: Building
    manager: User
    chair: User
    member: User
    auditor: User
    township: User
    county: User
    owner: User
    owner2: User
    outsider: User  # owner in another estate of the same community
    other_auditor: User  # auditor of another community
    other_manager: User  # property manager of the other estate


@pytest.fixture
def tcast(make) -> TicketCast:
    return build_tcast(make)


def build_tcast(make) -> TicketCast:
    county = make.county()
    township = make.township(county)
    community = make.community(township)
    company = PropertyCompany(county_id=county.id, name="安溪物业服务有限公司")
    db.session.add(company)
    db.session.flush()
    estate = make.estate(community)
    estate.property_company_id = company.id
    db.session.commit()
    elsewhere = make.estate(community)
    unit = make.unit(estate, building="3栋")
    return TicketCast(
        estate=estate,
        building=db.session.get(Building, unit.building_id),
        manager=make.member(Role.PROPERTY_MANAGER, estate, make.user(real_name="赵强")),
        chair=make.member(Role.COMMITTEE_CHAIR, estate, make.user(real_name="李建国")),
        member=make.member(Role.COMMITTEE_MEMBER, estate, make.user(real_name="王芳")),
        auditor=make.member(Role.AUDITOR, community, make.user(real_name="林慧")),
        township=make.member(Role.TOWNSHIP_OFFICER, township, make.user(real_name="黄伟")),
        county=make.member(Role.COUNTY_OFFICER, county, make.user(real_name="周敏")),
        owner=make.member(Role.OWNER, unit, make.user(real_name="张三丰")),
        owner2=make.member(
            Role.OWNER, make.unit(estate, building="3栋"), make.user(real_name="刘洋")
        ),
        outsider=make.member(Role.OWNER, make.unit(elsewhere)),
        other_auditor=make.member(Role.AUDITOR, make.community(township)),
        other_manager=make.member(Role.PROPERTY_MANAGER, elsewhere),
    )


def jpeg_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


class TicketApi:
    """The tickets HTTP API as each person calls it."""

    def __init__(self, client, auth, estate_id: int):
        self.client, self.auth, self.estate_id = client, auth, estate_id

    def get(self, person, path, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.auth(person), **kwargs)

    def post(self, person, path, body=None, **kwargs):
        return self.client.post(f"/api/v1{path}", json=body, headers=self.auth(person), **kwargs)

    def upload(self, person, data: bytes | None = None, name="photo.jpg", estate_id=None):
        return self.client.post(
            f"/api/v1/estates/{estate_id or self.estate_id}/ticket-photos",
            data={"file": (io.BytesIO(data if data is not None else jpeg_bytes()), name)},
            headers=self.auth(person),
            content_type="multipart/form-data",
        )

    def photo(self, person, **kwargs) -> int:
        response = self.upload(person, **kwargs)
        assert response.status_code == 201, response.json
        return response.json["id"]

    def report_response(self, person, photos=1, **fields):
        body = {
            "category": "lighting",
            "description": "3栋楼道灯坏了一周",
            "photo_ids": [self.photo(person) for _ in range(photos)],
            **fields,
        }
        return self.post(person, f"/estates/{self.estate_id}/tickets", body)

    def report(self, person, **fields) -> dict:
        response = self.report_response(person, **fields)
        assert response.status_code == 201, response.json
        return response.json

    def act(self, person, ticket_id: int, action: str, **body):
        return self.post(person, f"/tickets/{ticket_id}/transitions", {"action": action, **body})

    def step(self, person, ticket_id: int, action: str, **body) -> dict:
        response = self.act(person, ticket_id, action, **body)
        assert response.status_code == 200, response.json
        return response.json

    def replied(self, cast: TicketCast, **fields) -> dict:
        """A ticket reported by cast.owner and taken to "replied" by the manager."""
        ticket = self.report(cast.owner, **fields)
        self.step(cast.manager, ticket["id"], "accept")
        self.step(cast.manager, ticket["id"], "start")
        return self.step(cast.manager, ticket["id"], "reply", note="已更换灯泡")


@pytest.fixture
def tickets(client, auth, tcast) -> TicketApi:
    return TicketApi(client, auth, tcast.estate.id)
