"""Helpers for delivery tests: post a notice through the service and deliver its rows."""

import pytest
from sqlalchemy import select

from backend.access.roles import Role
from backend.extensions import db
from backend.notices import services as notices
from backend.outbox.models import OutboxMessage
from bot.wechat import wecom_client


@pytest.fixture
def post(make):
    """post(estate, body=...) -> the notice, posted by the estate's committee chair."""

    def post_notice(estate, title="停水通知", body="明天 9 点到 12 点停水，请提前储水。"):
        chair = make.member(Role.COMMITTEE_CHAIR, estate)
        return notices.publish(chair, "estate", estate.id, title, body)

    return post_notice


@pytest.fixture
def one_row(make, post, rows):
    """one_row() -> the outbox row of a notice posted to an estate with one robot group."""

    def create():
        estate = make.estate()
        make.group_chat(estate)
        post(estate)
        [row] = rows()
        return row

    return create


@pytest.fixture
def rows():
    """rows() -> every outbox row, fresh from the database, oldest first."""

    def fetch(**where):
        db.session.expire_all()
        query = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        return db.session.scalars(query).all()

    return fetch


@pytest.fixture
def app_chat(app, fake_wechat):
    """make an app chat on the fake server (as the Linli WeCom app would) and return its id."""
    client = wecom_client("ww-test", "secret", api_base=fake_wechat.base_url)

    def create(chat_id="estatechat1"):
        return client.appchat.create(
            chat_id=chat_id, name="监督群", owner="u1", user_list=["u1", "u2"]
        )["chatid"]

    return create
