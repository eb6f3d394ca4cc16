"""The console's group-chat actions for community workers (the estate page) and the moving-in
guide (把小区群搬进来): a test message that reaches the fake server, the member count, the join
QR code and its poster, each step's state on the guide, and other places' groups refused."""

# ruff: noqa: F811  (the estate page's fixtures, imported below, are named as test parameters)

import io
import re

from PIL import Image

from backend.access.roles import Role, ScopeKind
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.outbox.models import OutboxMessage
from bot.delivery import deliver
from tests.console.test_console import csrf_token, sign_in
from tests.console.test_estate_page import (  # noqa: F401  (fixtures)
    SECRET_KEY,
    as_auditor,
    auditor,
    estate,
    fresh,
    page_of,
    post,
    staff,
    table_rows,
)
from tests.group_chats.test_poster import qr_png


def base(estate, group):
    return f"/console/estates/{estate.id}/group-chats/{group.id}"


def guide_of(client, estate):
    response = client.get(f"/console/estates/{estate.id}/group-chats/guide")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def steps_done(html) -> list[str]:
    return re.findall(r'<li id="step-([a-z]+)">\s*<h3>[^<]*<span class="badge step-done">', html)


def test_a_worker_moves_a_group_in_step_by_step(as_auditor, make, estate, fake_wechat):
    assert steps_done(guide_of(as_auditor, estate)) == []
    response = post(
        as_auditor,
        f"/console/estates/{estate.id}/group-chats",
        {
            "name": "凤城花园业主群",
            "channel": "wecom_robot",
            "address": SECRET_KEY,
            "profile": "external",
        },
    )
    assert response.status_code == 303
    group = db.session.query(GroupChat).filter_by(estate_id=estate.id).one()
    assert group.profile == "external"

    assert post(as_auditor, f"{base(estate, group)}/test-message", {}).status_code == 303
    row = db.session.query(OutboxMessage).filter_by(group_chat_id=group.id).one()
    html = page_of(as_auditor, estate)
    assert "测试消息已排队发送" in html
    assert table_rows(html, "group-chats")[0][9].startswith("待发送（")
    assert "发送测试消息" not in table_rows(html, "group-chats")[0][10]  # one at a time
    assert deliver(row.id) == "sent"
    [message] = fake_wechat.messages(f"robot:{SECRET_KEY}")
    assert message["body"]["text"]["content"].startswith("【测试消息】")

    assert (
        post(as_auditor, f"{base(estate, group)}/members", {"member_count": "214"}).status_code
        == 303
    )
    upload = as_auditor.post(
        f"{base(estate, group)}/join-qr",
        data={"file": (io.BytesIO(qr_png()), "群二维码.png"), **_csrf(as_auditor, estate)},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303

    html = page_of(as_auditor, estate)
    [row_cells] = table_rows(html, "group-chats")
    assert row_cells[:10] == [
        "凤城花园业主群",
        "企业微信群机器人",
        "外部群（含个人微信业主）",
        "••••7a8b",
        "启用",
        "0",
        "214",
        row_cells[7],
        "不活跃",
        row_cells[9],
    ]
    assert row_cells[9].startswith("已送达（") and row_cells[7] != "从未"
    assert "下载入群海报（PNG）" in html
    poster = as_auditor.get(f"{base(estate, group)}/poster.png")
    assert poster.status_code == 200 and poster.mimetype == "image/png"
    assert "attachment" in poster.headers["Content-Disposition"]
    assert Image.open(io.BytesIO(poster.data)).format == "PNG"

    guide = guide_of(as_auditor, estate)
    assert steps_done(guide) == ["register", "test", "poster", "members"]
    assert "凤城花园业主群" in guide and SECRET_KEY not in guide


def _csrf(client, estate):
    return {"csrf_token": csrf_token(client, f"/console/estates/{estate.id}")}


def test_a_bad_member_count_is_explained_on_the_page_422(as_auditor, make, estate):
    group = make.group_chat(estate)
    response = post(as_auditor, f"{base(estate, group)}/members", {"member_count": "很多"})
    assert response.status_code == 422
    assert "群人数应为 0 到 2000 之间的整数" in response.get_data(as_text=True)
    assert fresh(GroupChat, group.id).member_count is None


def test_a_poster_before_the_code_is_refused_409(as_auditor, make, estate):
    group = make.group_chat(estate)
    assert as_auditor.get(f"{base(estate, group)}/poster.png").status_code == 409


def test_another_communitys_worker_gets_404_for_every_action(client, make, estate):
    group = make.group_chat(estate, address=SECRET_KEY)
    other = make.community(name="别的社区")
    staff("stranger", Role.AUDITOR, ScopeKind.COMMUNITY, other.id)
    sign_in(client, "stranger")
    here = base(estate, group)

    statuses = [
        post(client, f"{here}/test-message", {}).status_code,
        post(client, f"{here}/members", {"member_count": "5"}).status_code,
        client.get(f"{here}/poster.png").status_code,
        client.get(f"/console/estates/{estate.id}/group-chats/guide").status_code,
    ]

    assert statuses == [404] * 4
    assert db.session.query(OutboxMessage).count() == 0
    assert fresh(GroupChat, group.id).member_count is None


def test_a_group_of_another_estate_is_not_reached_through_this_one_404(as_auditor, make, estate):
    elsewhere = make.estate(estate.community, "别的小区")
    group = make.group_chat(elsewhere)
    response = post(as_auditor, f"{base(estate, group)}/test-message", {})
    assert response.status_code == 404
    assert db.session.query(OutboxMessage).count() == 0
