"""The oversight posts, from their event to one message per active group (through the outbox
and the fake WeChat server): a problem closed out with its photo, joint-meeting decisions
naming the estate, a confirmed star rating, a penalty against the estate's company, and
claims waiting for days (to the committee's internal groups)."""

import base64
import hashlib
import io
import os
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import update

from backend.claims import posts as claim_posts
from backend.claims.models import Claim
from backend.common.clock import utcnow
from backend.extensions import db
from backend.governance.credit import services as credit
from backend.governance.problems import services as problems
from backend.governance.ratings import services as ratings
from backend.outbox import services as outbox
from bot.channels import images
from bot.delivery import deliver
from tests.group_posts.conftest import rows_of, text_of
from tests.ledger_support import png_bytes
from tests.meeting_support import agenda, decided, hold
from tests.ratings_support import YEAR, manual_sheet, split


def _problem(gcast):
    return problems.create_problem(
        gcast.auditor_a,
        {
            "estate_id": gcast.estate_a.id,
            "category": "fire_safety",
            "title": "消防通道堵塞",
            "description": "3 号楼消防通道堆放杂物",
            "plan": "清理杂物并设置禁停标识",
            "deadline": date.today() + timedelta(days=14),
        },
    )


def _noise_png(side: int) -> bytes:
    """A PNG that cannot be compressed: a photo-sized file well over 2 MB."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def test_a_closed_out_problem_is_told_with_its_photo_in_both_kinds_of_group(
    gcast, groups_of, send_topic, fake_wechat
):
    groups = groups_of(gcast.estate_a)
    groups_of(gcast.estate_b)  # another estate of the same township hears nothing
    problem = _problem(gcast)
    photo = png_bytes((80, 60), (10, 120, 40))

    problems.close_out(
        gcast.township_a, problem.id, "杂物已清理，禁停标识已设置", [("a.png", photo)]
    )
    assert outbox.add_once_for_groups("problem.closed_out", problem.id, [groups.robot]) == 0

    heard = send_topic("problem.closed_out")
    assert set(heard) == set(groups.addresses())
    text, image = heard[f"robot:{groups.robot.address}"]
    words = text_of(text)
    assert words.startswith(
        f"【问题销号】{gcast.estate_a.name}“消防通道堵塞”（消防安全）已整改完毕"
    )
    assert "按期" in words and "杂物已清理，禁停标识已设置" in words
    sent = base64.b64decode(image["body"]["image"]["base64"])
    assert image["body"]["image"]["md5"] == hashlib.md5(sent).hexdigest()
    assert Image.open(io.BytesIO(sent)).size == (80, 60)
    text, image = heard[f"appchat:{groups.appchat.address}"]
    assert text["msgtype"] == "text" and image["msgtype"] == "image"
    assert fake_wechat.calls()["/cgi-bin/media/upload"] == 1
    assert image["body"]["image"]["media_id"]


def test_a_photo_over_2_mb_reaches_the_robot_re_encoded_within_2_mb(gcast, groups_of, send_topic):
    groups = groups_of(gcast.estate_a)
    problem = _problem(gcast)
    photo = _noise_png(1100)
    assert len(photo) > images.MAX_BYTES

    problems.close_out(gcast.township_a, problem.id, "已整改", [("big.png", photo)])

    heard = send_topic("problem.closed_out")
    _text, image = heard[f"robot:{groups.robot.address}"]
    sent = base64.b64decode(image["body"]["image"]["base64"])
    assert len(sent) <= images.MAX_BYTES
    assert Image.open(io.BytesIO(sent)).format == "JPEG"


def test_fitting_keeps_a_small_picture_and_shrinks_a_big_one():
    small = png_bytes()
    assert images.fitted(small) == small
    big = _noise_png(700)
    fitted = images.fitted(big, max_bytes=200_000)
    assert len(fitted) <= 200_000
    assert max(Image.open(io.BytesIO(fitted)).size) < 700


def test_joint_meeting_decisions_naming_the_estate_are_told_in_one_post(
    gcast, groups_of, send_topic
):
    groups = groups_of(gcast.estate_a)
    estate_id = gcast.estate_a.id
    meeting = hold(
        gcast.auditor_a,
        gcast.estate_a.community,
        items=[
            decided("楼道杂物清理", estate_id=estate_id),
            decided("充电桩加装", estate_id=estate_id, decision="物业月底前完成报装"),
            agenda("绿化补种", estate_id=estate_id),  # not decided: not told
            decided("社区活动室排班"),  # names no estate: not told
        ],
    )

    [row, _appchat] = rows_of("meeting.decisions")
    assert (
        outbox.add_once_for_each_group("meeting.decisions", [(row.subject_id, groups.robot)]) == 0
    )
    heard = send_topic("meeting.decisions")
    assert set(heard) == set(groups.addresses())
    [text] = heard[f"robot:{groups.robot.address}"]
    words = text_of(text)
    assert words.startswith(
        f"【联席会议决定】{meeting.held_on.isoformat()}四方联席会议（月度四方联席会议）"
        f"涉及{gcast.estate_a.name}的决定："
    )
    assert "1. 楼道杂物清理：物业三日内清理，业委会监督" in words
    assert "2. 充电桩加装：物业月底前完成报装" in words
    assert "绿化补种" not in words and "社区活动室排班" not in words


def test_a_confirmed_star_rating_is_told_once(rcast, groups_of, send_topic):
    groups = groups_of(rcast.estate_a)
    groups_of(rcast.estate_b)
    manual_sheet(rcast.county_officer)
    ratings.score(rcast.township_a, rcast.estate_a.id, YEAR, split(75), submit=True)
    assert rows_of("rating.confirmed") == []  # submitted is not yet confirmed

    rating = ratings.confirm(rcast.county_officer, rcast.estate_a.id, YEAR)
    assert outbox.add_once_for_groups("rating.confirmed", rating.id, [groups.appchat]) == 0

    heard = send_topic("rating.confirmed")
    assert set(heard) == set(groups.addresses())
    [text] = heard[f"appchat:{groups.appchat.address}"]
    assert text_of(text).startswith(
        f"【星级评定】{rcast.estate_a.name}{YEAR}年度物业服务星级评定结果："
        f"{rating.stars} 星（总分 75）"
    )


def test_a_penalty_is_told_to_every_estate_its_company_serves(gcast, groups_of, send_topic):
    served_a, served_b = groups_of(gcast.estate_a), groups_of(gcast.estate_b)
    groups_of(gcast.estate_c)  # served by another company
    penalty = credit.record_penalty(
        gcast.county_officer,
        gcast.company.id,
        {
            "kind": "deduction",
            "points": 5,
            "reason": "电梯故障三日未修复",
            "decided_on": date(2026, 3, 2),
        },
    )
    assert outbox.add_once_for_groups("credit.penalty", penalty.id, [served_a.robot]) == 0

    heard = send_topic("credit.penalty")
    assert set(heard) == set(served_a.addresses()) | set(served_b.addresses())
    for messages in heard.values():
        [text] = messages
        assert text_of(text).startswith(
            f"【信用惩戒】为本小区提供服务的{gcast.company.name}于2026-03-02受到信用扣分，扣 5 分。"
        )


def test_a_revoked_penalty_is_not_told(gcast, groups_of, fake_wechat):
    groups_of(gcast.estate_a)
    penalty = credit.record_penalty(
        gcast.county_officer,
        gcast.company.id,
        {"kind": "interview", "reason": "约谈企业负责人", "decided_on": date(2026, 3, 2)},
    )
    credit.revoke_penalty(gcast.county_officer, penalty.id, "录入错误")

    assert {deliver(row.id) for row in rows_of("credit.penalty")} == {"cancelled"}
    assert fake_wechat.messages() == []


def test_a_claim_waiting_three_days_is_told_once_to_the_internal_groups(
    make, groups_of, send_topic
):
    estate = make.estate()
    groups = groups_of(estate)
    make.group_chat(estate, profile="external")  # owners are in it: no claimant's details there
    waiting = make.claim(make.user(), make.unit(estate, number="302"))
    make.claim(make.user(), make.unit(estate, number="303"))
    decided_claim = make.claim(make.user(), make.unit(estate, number="304"), status="verified")
    now = utcnow()
    db.session.execute(
        update(Claim)
        .where(Claim.id.in_([waiting.id, decided_claim.id]))
        .values(created_at=now - timedelta(days=4))
    )
    db.session.commit()

    assert claim_posts.post_waiting_claims() == 2
    assert claim_posts.post_waiting_claims() == 0

    # Not the claim made just now, nor the one already decided.
    assert {row.subject_id for row in rows_of(claim_posts.WAITING)} == {waiting.id}
    heard = send_topic(claim_posts.WAITING)
    assert set(heard) == set(groups.addresses())
    [text] = heard[f"robot:{groups.robot.address}"]
    words = text_of(text)
    assert words.startswith(f"【认证待审核】{estate.name}1栋302的业主认证申请（张**，")
    assert "已等待 4 天" in words and "13812341234" not in words
