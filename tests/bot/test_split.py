"""Cutting long text to WeChat's byte limits."""

import pytest

from bot.channels.split import split_numbered, split_text


def test_short_text_is_one_part():
    assert split_text("停水通知", 100) == ["停水通知"]


def test_parts_fit_the_limit_keep_order_and_lose_nothing():
    text = "".join(f"第{i}句话说明情况。" for i in range(200)) + "\n最后一段"
    parts = split_text(text, 300)
    assert len(parts) > 1
    assert all(len(p.encode()) <= 300 for p in parts)
    assert "".join(parts) == text
    assert all(p.endswith(("。", "段")) for p in parts)  # cut at sentence ends


def test_a_run_without_any_break_is_cut_by_characters():
    text = "长" * 1000
    parts = split_text(text, 100)
    assert all(len(p.encode()) <= 100 for p in parts)
    assert "".join(parts) == text


def test_numbered_parts_carry_header_marker_and_footer_within_the_limit():
    parts = split_numbered("正文。" * 500, 512, header="**标题**\n", footer="\n> 查看全文")
    assert len(parts) > 2
    assert all(len(p.encode()) <= 512 for p in parts)
    assert parts[0].startswith(f"**标题**\n（1/{len(parts)}）")
    assert parts[-1].endswith("查看全文") and not parts[0].endswith("查看全文")


def test_header_too_long_for_the_limit_is_refused():
    with pytest.raises(ValueError):
        split_numbered("正文", 100, header="很长的标题" * 10)
