"""An estate ready for a vote and a client that speaks the votes API: shared by the vote
tests, the bot's chat-vote tests and the bench.

Time: the services read the real clock. A test never patches it: ``VoteApi.open`` and
``VoteApi.end`` move the motion's own timestamps back in the database, so a motion announced
sixteen days ago is exactly what a real one is sixteen days later.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.accounts.models import User
from backend.common.clock import as_utc, utcnow
from backend.extensions import db
from backend.places.models import Community, Estate
from backend.votes.models import Ballot, Motion

TIMES = ("announced_at", "opens_at", "closes_at", "created_at")


@dataclass
class VoteCast:
    estate: Estate
    community: Community
    chair: User
    member: User
    manager: User
    auditor: User
    township: User
    owner: User  # one unit of 100.00 m²
    owner2: User  # one unit of 100.00 m²
    outsider: User  # owner in another estate of the same community


@pytest.fixture
def vcast(make) -> VoteCast:
    return build_vcast(make)


def build_vcast(make) -> VoteCast:
    county = make.county()
    township = make.township(county)
    community = make.community(township)
    estate = make.estate(community)
    elsewhere = make.estate(community)
    return VoteCast(
        estate=estate,
        community=community,
        chair=make.member(Role.COMMITTEE_CHAIR, estate, make.user(real_name="李建国")),
        member=make.member(Role.COMMITTEE_MEMBER, estate, make.user(real_name="王芳")),
        manager=make.member(Role.PROPERTY_MANAGER, estate, make.user(real_name="赵强")),
        auditor=make.member(Role.AUDITOR, community, make.user(real_name="林慧")),
        township=make.member(Role.TOWNSHIP_OFFICER, township, make.user(real_name="黄伟")),
        owner=make.member(
            Role.OWNER, make.unit(estate, area_dm2=10_000), make.user(real_name="张三丰")
        ),
        owner2=make.member(
            Role.OWNER, make.unit(estate, area_dm2=10_000), make.user(real_name="刘洋")
        ),
        outsider=make.member(Role.OWNER, make.unit(elsewhere), make.user(real_name="陈晨")),
    )


def motion_body(matter="hire_property_company", days_to_open=16, days_open=7, **extra) -> dict:
    opens = utcnow() + timedelta(days=days_to_open)
    return {
        "matter": matter,
        "title": "续聘安溪物业服务有限公司",
        "body": "经业委会研究，拟续聘安溪物业服务有限公司，服务期三年，物业费标准不变。",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=days_open)).isoformat(),
        **extra,
    }


def shift(motion_id: int, delta: timedelta) -> None:
    """Move the motion's whole timeline by ``delta`` (negative: into the past)."""
    table = Motion.__table__
    db.session.execute(
        table.update()
        .where(table.c.id == motion_id)
        .values({name: table.c[name] + delta for name in TIMES})
    )
    db.session.commit()


def motion_row(motion_id: int) -> Motion:
    db.session.expire_all()
    return db.session.get(Motion, motion_id)


def ballot_count(motion_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.motion_id == motion_id)
    )


class VoteApi:
    """The votes API as the mini-program calls it."""

    def __init__(self, client, auth):
        self.client, self.auth = client, auth

    def create(self, person, estate_id, **body):
        return self.client.post(
            f"/api/v1/estates/{estate_id}/motions",
            json=motion_body(**body),
            headers=self.auth(person),
        )

    def announce(self, person, estate_id, **body) -> dict:
        response = self.create(person, estate_id, **body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def get(self, person, motion_id):
        return self.client.get(f"/api/v1/motions/{motion_id}", headers=self.auth(person))

    def cast(self, person, motion_id, choice="yes"):
        return self.client.post(
            f"/api/v1/motions/{motion_id}/ballots",
            json={"choice": choice},
            headers=self.auth(person),
        )

    def open(self, motion_id: int) -> None:
        """Make voting due to have opened a minute ago (the next read opens it)."""
        opens_at = as_utc(motion_row(motion_id).opens_at)
        shift(motion_id, -(opens_at - utcnow()) - timedelta(minutes=1))

    def end(self, motion_id: int) -> None:
        """Make voting due to have closed a minute ago (the next read tallies it)."""
        closes_at = as_utc(motion_row(motion_id).closes_at)
        shift(motion_id, -(closes_at - utcnow()) - timedelta(minutes=1))

    def opened(self, person, estate_id, **body) -> dict:
        """A motion announced, then open (its snapshot taken by ``person``'s read)."""
        motion = self.announce(person, estate_id, **body)
        self.open(motion["id"])
        response = self.get(person, motion["id"])
        assert response.get_json()["status"] == "open", response.get_json()
        return response.get_json()


@pytest.fixture
def votes(client, auth) -> VoteApi:
    return VoteApi(client, auth)
