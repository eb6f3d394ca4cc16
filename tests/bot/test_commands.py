"""Reading what owners type to the Linli WeCom app."""

import pytest

from bot.commands import Bind, Help, Lookup, Vote, parse


@pytest.mark.parametrize(
    "text, expected",
    [
        ("投票 12 赞成", Vote(12, "yes")),
        ("投票12赞成", Vote(12, "yes")),
        ("投票 12 同意", Vote(12, "yes")),
        ("投票 12 支持", Vote(12, "yes")),
        ("投票 12 反对", Vote(12, "no")),
        ("投票 12 不同意", Vote(12, "no")),
        ("投票12不同意", Vote(12, "no")),
        ("投票 12 弃权", Vote(12, "abstain")),
        ("投票　１２　赞成", Vote(12, "yes")),  # full-width digits and spaces
        ("投票１２反对。", Vote(12, "no")),
        ("  投票 #12 赞成  ", Vote(12, "yes")),
        ("投票\n12\n弃权", Vote(12, "abstain")),
    ],
)
def test_vote_commands_are_read_with_their_motion_and_choice(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ["投票 12", "投票 赞成", "投票 12 也许", "投票 0 赞成", "投票 99999999999 赞成", "投票 吧"],
)
def test_incomplete_or_impossible_votes_get_the_vote_usage(text):
    assert parse(text) == Help("vote")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("绑定 123456", Bind("123456")),
        ("绑定123456", Bind("123456")),
        ("绑定　０１２３４５", Bind("012345")),
        ("绑定 12345", Help("bind")),
        ("绑定 1234567", Help("bind")),
        ("绑定", Help("bind")),
        ("绑定 abcdef", Help("bind")),
    ],
)
def test_bind_commands_need_exactly_six_digits(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text, topic",
    [
        ("账目", "ledger"),
        ("账目公示。", "ledger"),
        ("　工单　", "tickets"),
        ("我的工单？", "tickets"),
        ("随手拍", "tickets"),
        ("投票", "votes"),
        ("投票！", "votes"),
        ("表决", "votes"),
    ],
)
def test_a_lookup_word_alone_asks_for_the_owners_pages(text, topic):
    assert parse(text) == Lookup(topic)


@pytest.mark.parametrize("text", ["你好", "", "帮助", "赞成", "12 赞成", "我要投票 12 赞成"])
def test_anything_else_gets_the_general_help(text):
    assert parse(text) == Help()


def test_a_thousand_digit_motion_number_is_not_a_crash():
    assert parse("投票 " + "9" * 5000 + " 赞成") == Help("vote")
