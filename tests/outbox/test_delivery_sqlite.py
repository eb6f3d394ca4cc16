"""The embedded default (SQLite) runs the same delivery step: its one locking SELECT (FOR
UPDATE is PostgreSQL's; SQLite locks the file) and its prebuilt UPDATEs."""

from backend.access.roles import Role
from backend.extensions import db
from backend.notices import services as notices
from backend.outbox.models import OutboxMessage
from bot.delivery import deliver
from tests import factories


def test_two_notices_reach_a_group_once_each_in_order_on_sqlite(sqlite_app, fake_wechat):
    estate = factories.estate()
    group = factories.group_chat(estate)
    chair = factories.member(Role.COMMITTEE_CHAIR, estate)
    for title in ("停水通知", "停电通知"):
        notices.publish(chair, "estate", estate.id, title, f"{title}：明天 9 点到 12 点。")
    first, second = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()

    assert deliver(second.id) == "waiting"  # the older one to the same group goes first
    assert deliver(first.id) == "sent"
    assert deliver(first.id) == "sent"  # run again: nothing more is sent
    db.session.query(OutboxMessage).filter_by(id=second.id).update({"status": "queued"})
    db.session.commit()
    assert deliver(second.id) == "sent"

    titles = [
        m["body"]["template_card"]["main_title"]["title"]
        for m in fake_wechat.messages(f"robot:{group.address}")
    ]
    assert titles == ["停水通知", "停电通知"]
    rows = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()
    assert [(r.status, r.parts_sent, r.lease_until) for r in rows] == [
        ("sent", 1, None),
        ("sent", 1, None),
    ]
