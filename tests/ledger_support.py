"""An estate with everyone the ledger involves, and a client that speaks its API: shared by
the ledger tests and the console's ledger pages (each conftest imports the fixtures)."""

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from backend.access.roles import Role
from backend.accounts.models import User
from backend.accounts.services import hash_password
from backend.extensions import db
from backend.places.models import Estate


@dataclass
class Cast:
    estate: Estate
    chair: User
    member: User
    member2: User
    manager: User
    auditor: User
    owner: User
    township: User
    outsider: User  # owner in another estate
    other_auditor: User  # auditor of another community


@pytest.fixture
def cast(make) -> Cast:
    return build_cast(make)


def build_cast(make) -> Cast:
    community = make.community()
    estate = make.estate(community)
    elsewhere = make.estate()
    return Cast(
        estate=estate,
        chair=make.member(Role.COMMITTEE_CHAIR, estate, make.user(real_name="李建国")),
        member=make.member(Role.COMMITTEE_MEMBER, estate, make.user(real_name="王芳")),
        member2=make.member(Role.COMMITTEE_MEMBER, estate, make.user(real_name="陈明")),
        manager=make.member(Role.PROPERTY_MANAGER, estate, make.user(real_name="赵强")),
        auditor=make.member(Role.AUDITOR, community, make.user(real_name="林慧")),
        owner=make.member(Role.OWNER, make.unit(estate), make.user(real_name="张三丰")),
        township=make.member(
            Role.TOWNSHIP_OFFICER, make.township_of(community), make.user(real_name="黄伟")
        ),
        outsider=make.member(Role.OWNER, make.unit(elsewhere)),
        other_auditor=make.member(Role.AUDITOR, elsewhere.community),
    )


class LedgerApi:
    """The ledger's HTTP API as each person calls it."""

    def __init__(self, client, auth, estate_id: int):
        self.client, self.auth, self.estate_id = client, auth, estate_id

    def url(self, path: str) -> str:
        return f"/api/v1/estates/{self.estate_id}/ledger{path}"

    def get(self, person, path, **kwargs):
        return self.client.get(self.url(path), headers=self.auth(person), **kwargs)

    def post(self, person, path, body=None, **kwargs):
        return self.client.post(self.url(path), json=body, headers=self.auth(person), **kwargs)

    def patch(self, person, path, body):
        return self.client.patch(self.url(path), json=body, headers=self.auth(person))

    def delete(self, person, path):
        return self.client.delete(self.url(path), headers=self.auth(person))

    def open_period(self, person, start="2026-10-01", kind="month"):
        response = self.post(person, "/periods", {"kind": kind, "start_date": start})
        assert response.status_code == 201, response.json
        return response.json

    def add_entry(self, person, period_id, **fields):
        body = {
            "entry_date": "2026-10-05",
            "direction": "income",
            "category": "parking",
            "amount_fen": 360000,
            "counterparty": "临停收费系统",
            "description": "10月临时停车收入",
            **fields,
        }
        return self.post(person, f"/periods/{period_id}/entries", body)

    def upload_voucher(self, person, entry_id, name: str, data: bytes):
        return self.client.post(
            self.url(f"/entries/{entry_id}/vouchers"),
            data={"file": (io.BytesIO(data), name)},
            headers=self.auth(person),
            content_type="multipart/form-data",
        )

    def act(self, person, period_id, action, reason=None):
        body = {"action": action, **({"reason": reason} if reason is not None else {})}
        return self.post(person, f"/periods/{period_id}/transitions", body)

    def publish_period(self, cast, start="2026-10-01", entries=None):
        """Take a period from draft to published with the usual cast; returns its detail."""
        period = self.open_period(cast.manager, start)
        for fields in entries if entries is not None else [{"entry_date": start[:8] + "05"}]:
            assert self.add_entry(cast.manager, period["id"], **fields).status_code == 201
        steps = [
            (cast.manager, "submit"),
            (cast.chair, "approve"),
            (cast.member, "approve"),
            (cast.auditor, "audit"),
            (cast.chair, "publish"),
        ]
        for person, action in steps:
            response = self.act(person, period["id"], action)
            assert response.status_code == 200, (action, response.json)
        return response.json


@pytest.fixture
def ledger(client, auth, cast) -> LedgerApi:
    return LedgerApi(client, auth, cast.estate.id)


STAFF_PASSWORD = "correct-horse-battery"


def give_console_password(person: User, username: str, password: str = STAFF_PASSWORD) -> User:
    """Let a cast member (e.g. the auditor) sign in to the console with a password."""
    person.username = username
    person.password_hash = hash_password(password)
    db.session.commit()
    return person


def png_bytes(size=(64, 48), color=(200, 60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def approved_period(
    ledger: LedgerApi, cast: Cast, start="2026-10-01", entries=None, vouchers=()
) -> dict:
    """A period the committee has approved, waiting for the community's audit; ``vouchers``
    ((name, bytes) pairs) are attached to its first entry."""
    period = ledger.open_period(cast.manager, start)
    entry_ids = []
    for fields in entries if entries is not None else [{"entry_date": start[:8] + "05"}]:
        response = ledger.add_entry(cast.manager, period["id"], **fields)
        assert response.status_code == 201, response.json
        entry_ids.append(response.json["id"])
    for name, data in vouchers:
        response = ledger.upload_voucher(cast.manager, entry_ids[0], name, data)
        assert response.status_code == 201, response.json
    for person, action in (
        (cast.manager, "submit"),
        (cast.chair, "approve"),
        (cast.member, "approve"),
    ):
        response = ledger.act(person, period["id"], action)
        assert response.status_code == 200, (action, response.json)
    assert response.json["status"] == "committee_approved"
    return response.json
