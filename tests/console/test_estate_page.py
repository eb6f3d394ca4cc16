"""The console page of one estate: its group chats (addresses masked) and its delivery log,
with registering groups, switching them on and off, and requeueing dead deliveries."""

import itertools
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import func, insert, select

from backend.access.roles import Role, ScopeKind
from backend.accounts import services as accounts
from backend.accounts.services import hash_password
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.outbox.models import OutboxMessage
from tests.console.test_console import csrf_token, sign_in
from tests.test_query_counts import count_queries

PASSWORD = "correct-horse-battery"
SECRET_KEY = "0f1e2d3c-secret-robot-key-7a8b"
WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + SECRET_KEY
_keys = itertools.count(1)
# A group nothing reached yet: delivered in 30 days, members (no owner bound), last activity,
# liveness, test message.
NEVER_HEARD = ["0", "0", "从未", "不活跃", "未发送"]
ROW_ACTIONS_ON = "停用 发送测试消息 群人数 记录 入群二维码 上传"
ROW_ACTIONS_OFF = "启用 群人数 记录 入群二维码 上传"


@pytest.fixture
def estate(make):
    return make.estate(make.community(name="中山社区"), "凤城花园")


def staff(username, role, kind, scope_id):
    return accounts.create_staff(username, PASSWORD, role, kind, scope_id, "黄伟")


@pytest.fixture
def auditor(estate):
    return staff("auditor1", Role.AUDITOR, ScopeKind.COMMUNITY, estate.community_id)


@pytest.fixture
def admin(estate):
    return staff("admin1", Role.ADMIN, ScopeKind.COUNTY, estate.county_id)


@pytest.fixture
def as_auditor(client, auditor):
    sign_in(client, "auditor1")
    return client


@pytest.fixture
def as_admin(client, admin):
    sign_in(client, "admin1")
    return client


def outbox_row(estate, group, status="pending", topic="notice.published", **fields):
    row = OutboxMessage(
        estate_id=estate.id,
        group_chat_id=group.id if group else None,
        topic=topic,
        subject_id=1,
        dedupe_key=f"test:{next(_keys)}",
        payload=fields.pop("payload", []),
        status=status,
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def fresh(model, row_id):
    """The row as the database has it now (requests run in their own sessions)."""
    db.session.expire_all()
    return db.session.get(model, row_id)


def page_of(client, estate, query=""):
    response = client.get(f"/console/estates/{estate.id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table_rows(html, table_id):
    """Each body row of a table as the visible text of its cells."""
    body = re.search(rf'<table id="{table_id}"[^>]*>.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return rows


def post(client, path, data, path_for_token="/console/"):
    # "confirmed": past the confirmation step (each irreversible action has a test of it).
    form = {"csrf_token": csrf_token(client, path_for_token), "confirmed": "1", **data}
    return client.post(path, data=form)


def add_group(client, estate, **data):
    form = {"name": "业委会监督群", "channel": "wecom_robot", "address": WEBHOOK, **data}
    return post(client, f"/console/estates/{estate.id}/group-chats", form)


def groups_of(estate):
    return db.session.scalar(
        select(func.count()).select_from(GroupChat).where(GroupChat.estate_id == estate.id)
    )


# -- the page and its group chats -------------------------------------------------------


def test_index_links_each_estate_to_its_page(as_auditor, estate):
    html = as_auditor.get("/console/").get_data(as_text=True)
    assert f'href="/console/estates/{estate.id}"' in html


def test_page_shows_group_chats_with_the_address_masked_never_in_full(as_auditor, make, estate):
    make.group_chat(estate, address=SECRET_KEY)
    make.group_chat(estate, channel="wecom_appchat", address="chatSECRET42", active=False)

    html = page_of(as_auditor, estate)

    assert "凤城花园" in html and "中山社区" in html
    internal, on, off = "内部群（仅企业微信成员）", ROW_ACTIONS_ON, ROW_ACTIONS_OFF
    assert table_rows(html, "group-chats") == [
        ["凤城花园监督群", "企业微信群机器人", internal, "••••7a8b", "启用", *NEVER_HEARD, on],
        ["凤城花园监督群", "企业微信应用群聊", internal, "••••ET42", "已停用", *NEVER_HEARD, off],
    ]
    assert SECRET_KEY not in html and "chatSECRET42" not in html


def test_page_needs_sign_in(client, estate):
    response = client.get(f"/console/estates/{estate.id}")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_staff_outside_the_estates_scope_get_404_for_page_and_actions(client, make, estate):
    group = make.group_chat(estate, address=SECRET_KEY)
    dead = outbox_row(estate, group, "dead")
    other = make.community(name="别的社区")
    staff("stranger", Role.AUDITOR, ScopeKind.COMMUNITY, other.id)
    sign_in(client, "stranger")

    page = client.get(f"/console/estates/{estate.id}")
    base = f"/console/estates/{estate.id}"
    actions = [
        add_group(client, estate, address="another-robot-key-1"),
        post(client, f"{base}/group-chats/{group.id}/active", {"active": "0"}),
        post(client, f"{base}/deliveries/{dead.id}/requeue", {}),
    ]

    assert [r.status_code for r in (page, *actions)] == [404] * 4
    html = page.get_data(as_text=True)
    assert "未找到该对象，或您无权查看" in html and "凤城花园" not in html
    assert groups_of(estate) == 1 and fresh(GroupChat, group.id).active
    assert fresh(OutboxMessage, dead.id).status == "dead"


def test_robot_webhook_url_is_reduced_to_its_key_and_shown_masked(as_auditor, estate):
    response = add_group(as_auditor, estate)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/estates/{estate.id}"
    [group] = db.session.scalars(select(GroupChat).where(GroupChat.estate_id == estate.id))
    assert (group.name, group.channel, group.address) == ("业委会监督群", "wecom_robot", SECRET_KEY)
    html = page_of(as_auditor, estate)
    assert "已添加监督群「业委会监督群」" in html
    external = "外部群（含个人微信业主）"
    assert table_rows(html, "group-chats") == [
        [
            "业委会监督群",
            "企业微信群机器人",
            external,
            "••••7a8b",
            "启用",
            *NEVER_HEARD,
            ROW_ACTIONS_ON,
        ]
    ]
    assert SECRET_KEY not in html


def test_app_chat_id_is_registered_as_typed(as_auditor, estate):
    response = add_group(as_auditor, estate, channel="wecom_appchat", address=" wrs123abc ")

    assert response.status_code == 303
    [group] = db.session.scalars(select(GroupChat).where(GroupChat.estate_id == estate.id))
    assert (group.channel, group.address) == ("wecom_appchat", "wrs123abc")


def test_staff_without_a_group_chat_role_see_the_log_but_not_the_groups(client, make, estate):
    # A property manager with a console password: the group supervises their company, so
    # the group_chats service refuses them and the page says so instead of failing.
    manager = make.user(username="manager1", password_hash=hash_password(PASSWORD))
    make.member(Role.PROPERTY_MANAGER, estate, manager)
    make.group_chat(estate, address=SECRET_KEY)
    sign_in(client, "manager1")

    html = page_of(client, estate)

    assert "您的角色不能管理本小区的监督群" in html and "投递记录" in html
    assert "••••7a8b" not in html and SECRET_KEY not in html
    assert add_group(client, estate, address="another-robot-key-1").status_code == 403
    assert groups_of(estate) == 1


def test_address_registered_already_is_409_and_nothing_is_added(as_auditor, make, estate):
    make.group_chat(make.estate(), address=SECRET_KEY)  # another estate's group holds it

    response = add_group(as_auditor, estate, name="重复的群")

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "该群聊地址已被登记" in html
    assert 'value="重复的群"' in html  # the form keeps what was typed ...
    assert SECRET_KEY not in html  # ... except the secret
    assert groups_of(estate) == 0


def test_malformed_robot_key_is_422_with_a_message(as_auditor, estate):
    response = add_group(as_auditor, estate, address="https://qyapi.weixin.qq.com/send?k=1")

    assert response.status_code == 422
    assert "请填写群机器人的 Webhook 地址或其中的 key" in response.get_data(as_text=True)
    assert groups_of(estate) == 0


def test_missing_name_and_unknown_channel_are_422_with_field_messages(as_auditor, estate):
    response = add_group(as_auditor, estate, name="", channel="sms")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "群名称：群名称应为 1 到 64 个字" in html
    assert "类型：不支持的群聊类型" in html
    assert groups_of(estate) == 0


def test_group_chat_is_switched_off_and_on_again(as_auditor, make, estate):
    group = make.group_chat(estate)
    path = f"/console/estates/{estate.id}/group-chats/{group.id}/active"

    off = post(as_auditor, path, {"active": "0"})
    assert off.status_code == 303 and fresh(GroupChat, group.id).active is False
    assert "已停用监督群「凤城花园监督群」" in page_of(as_auditor, estate)

    post(as_auditor, path, {"active": "0"})  # a double click changes nothing
    assert fresh(GroupChat, group.id).active is False

    assert post(as_auditor, path, {"active": "1"}).status_code == 303
    assert fresh(GroupChat, group.id).active is True


def test_switch_needs_a_target_state(as_auditor, make, estate):
    group = make.group_chat(estate)
    path = f"/console/estates/{estate.id}/group-chats/{group.id}/active"
    assert post(as_auditor, path, {"active": "maybe"}).status_code == 422
    assert fresh(GroupChat, group.id).active is True


def test_group_of_another_estate_cannot_be_switched_through_this_page(as_auditor, make, estate):
    neighbour = make.estate(db.session.get(type(estate.community), estate.community_id))
    group = make.group_chat(neighbour)

    response = post(
        as_auditor, f"/console/estates/{estate.id}/group-chats/{group.id}/active", {"active": "0"}
    )

    assert response.status_code == 404
    assert "群聊不存在" in response.get_data(as_text=True)
    assert fresh(GroupChat, group.id).active is True


@pytest.mark.parametrize(
    "action",
    ["group-chats", "group-chats/{group}/active", "deliveries/{row}/requeue"],
)
def test_forms_without_csrf_token_are_refused(as_admin, make, estate, action):
    group = make.group_chat(estate)
    dead = outbox_row(estate, group, "dead", attempts=5)
    path = f"/console/estates/{estate.id}/" + action.format(group=group.id, row=dead.id)
    form = {"name": "新群", "channel": "wecom_robot", "address": "robot-key-new-1", "active": "0"}

    response = as_admin.post(path, data=form)

    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"
    assert groups_of(estate) == 1 and fresh(GroupChat, group.id).active
    row = fresh(OutboxMessage, dead.id)
    assert (row.status, row.attempts) == ("dead", 5)


# -- the delivery log --------------------------------------------------------------------


def test_delivery_log_lists_rows_newest_first_with_counts_per_status(as_auditor, make, estate):
    group = make.group_chat(estate)
    morning = datetime(2026, 3, 1, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    outbox_row(estate, group, "sent", payload=[{}, {}], parts_sent=2, created_at=morning)
    outbox_row(estate, group, "retrying", attempts=2, last_error="企业微信返回 HTTP 502")
    outbox_row(estate, None, "cancelled", topic="notice.withdrawn", last_error="内容已不存在")
    outbox_row(make.estate(), None, "dead")  # another estate's row

    html = page_of(as_auditor, estate)

    rows = table_rows(html, "deliveries")
    assert len(rows) == 3
    assert rows[2] == [
        "2026-03-01 08:30",
        "公告发布",
        "凤城花园监督群",
        "2/2",
        "已送达",
        "0",
        "",
        "",
    ]
    assert rows[1][1:] == [
        "公告发布",
        "凤城花园监督群",
        "—",
        "重试中",
        "2",
        "企业微信返回 HTTP 502",
        "",
    ]
    assert rows[0][1:] == ["公告撤回", "个人消息", "—", "已取消", "0", "内容已不存在", ""]
    for label in ("全部（3）", "待发送（0）", "发送中（0）", "重试中（1）", "已送达（1）"):
        assert label in html
    assert "发送失败（0）" in html and "已取消（1）" in html


def test_status_filter_shows_only_rows_of_that_status(as_auditor, make, estate):
    group = make.group_chat(estate)
    outbox_row(estate, group, "sent")
    outbox_row(estate, group, "dead", last_error="企业微信拒绝：invalid webhook url")

    html = page_of(as_auditor, estate, "?status=dead")

    [row] = table_rows(html, "deliveries")
    assert row[4] == "发送失败"
    assert 'aria-current="page">发送失败（1）' in html
    assert len(table_rows(page_of(as_auditor, estate, "?status=bogus"), "deliveries")) == 2


def test_long_error_is_truncated_with_the_full_text_in_the_title(as_auditor, make, estate):
    error = "企业微信返回错误：" + "x" * 200
    outbox_row(estate, make.group_chat(estate), "dead", last_error=error)

    html = page_of(as_auditor, estate)

    assert f'title="{error}"' in html
    [row] = table_rows(html, "deliveries")
    assert row[6] == error[:59] + "…"


def test_a_robot_key_echoed_in_an_error_is_masked(as_auditor, make, estate):
    group = make.group_chat(estate, address=SECRET_KEY)
    outbox_row(estate, group, "dead", last_error=f"bad url ...?key={SECRET_KEY}")

    html = page_of(as_auditor, estate)

    assert SECRET_KEY not in html and "?key=••••7a8b" in html


def test_delivery_log_pages_50_rows(as_auditor, make, estate):
    group = make.group_chat(estate)
    db.session.execute(
        insert(OutboxMessage),
        [
            {
                "estate_id": estate.id,
                "group_chat_id": group.id,
                "topic": "notice.published",
                "subject_id": i,
                "dedupe_key": f"page:{i}",
                "payload": [],
                "status": "sent",
            }
            for i in range(51)
        ],
    )
    db.session.commit()

    first = page_of(as_auditor, estate)
    second = page_of(as_auditor, estate, "?page=2")

    assert len(table_rows(first, "deliveries")) == 50
    assert "第 1 / 2 页" in first and "page=2" in first
    assert len(table_rows(second, "deliveries")) == 1


def test_page_query_count_does_not_grow_with_groups_or_rows(app, client, make):
    counts = []
    for n in (1, 8):
        estate = make.estate(make.community())
        staff(f"auditor-of-{n}", Role.AUDITOR, ScopeKind.COMMUNITY, estate.community_id)
        sign_in(client, f"auditor-of-{n}")
        for _ in range(n):
            outbox_row(estate, make.group_chat(estate), "dead", last_error="企业微信拒绝")
        with count_queries(app) as statements:
            page_of(client, estate)
        counts.append(len(statements))
    assert counts[0] == counts[1]


# -- requeue -----------------------------------------------------------------------------


def requeue(client, estate, row, **form):
    return post(client, f"/console/estates/{estate.id}/deliveries/{row.id}/requeue", form)


def test_admin_requeues_a_dead_row_which_becomes_pending_with_no_attempts(as_admin, make, estate):
    dead = outbox_row(estate, make.group_chat(estate), "dead", attempts=5, last_error="超时")

    response = requeue(as_admin, estate, dead, status="dead")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/estates/{estate.id}?status=dead"
    row = fresh(OutboxMessage, dead.id)
    assert (row.status, row.attempts) == ("pending", 0)
    html = page_of(as_admin, estate)
    assert "已重新投递，消息将很快发出" in html
    [shown] = table_rows(html, "deliveries")
    assert shown[4:] == ["待发送", "0", "超时", ""]


def test_non_admin_sees_no_working_requeue_button_and_is_refused_403(as_auditor, make, estate):
    dead = outbox_row(estate, make.group_chat(estate), "dead", attempts=5)

    html = page_of(as_auditor, estate)
    assert "/requeue" not in html
    assert '<button type="button" disabled title="只有系统管理员可以重新投递">' in html

    response = requeue(as_auditor, estate, dead)

    assert response.status_code == 403
    assert "只有系统管理员可以重新投递" in response.get_data(as_text=True)
    row = fresh(OutboxMessage, dead.id)
    assert (row.status, row.attempts) == ("dead", 5)


def test_requeue_of_a_row_that_is_not_dead_is_409(as_admin, make, estate):
    sent = outbox_row(estate, make.group_chat(estate), "sent", attempts=1)

    response = requeue(as_admin, estate, sent)

    assert response.status_code == 409
    assert "只有发送失败的消息可以重新投递" in response.get_data(as_text=True)
    assert fresh(OutboxMessage, sent.id).status == "sent"


def test_requeue_of_another_estates_row_through_this_page_is_404(as_admin, make, estate):
    neighbour = make.estate(db.session.get(type(estate.community), estate.community_id))
    dead = outbox_row(neighbour, make.group_chat(neighbour), "dead")

    assert requeue(as_admin, estate, dead).status_code == 404
    assert fresh(OutboxMessage, dead.id).status == "dead"
