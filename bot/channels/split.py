"""Cut long text into parts that fit WeChat's byte limits, at paragraph or sentence ends."""

import re

from .base import utf8_len

# Break after a newline or a sentence end, keeping the separator with the sentence.
_PIECES = re.compile(r"[^\n。！？；!?;]*(?:[\n。！？；!?;]+|$)")


def _hard_cut(piece: str, max_bytes: int) -> list[str]:
    chunks, current = [], ""
    for char in piece:
        if utf8_len(current + char) > max_bytes:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current] if current else chunks


def split_text(text: str, max_bytes: int) -> list[str]:
    """``text`` in order as chunks of at most ``max_bytes`` UTF-8 bytes each."""
    if utf8_len(text) <= max_bytes:
        return [text]
    chunks, current = [], ""
    for piece in _PIECES.findall(text):
        if not piece:
            continue
        if utf8_len(current + piece) <= max_bytes:
            current += piece
            continue
        if current:
            chunks.append(current)
        current = ""
        if utf8_len(piece) <= max_bytes:
            current = piece
        else:
            *full, current = _hard_cut(piece, max_bytes)
            chunks.extend(full)
    if current:
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def split_numbered(text: str, max_bytes: int, header: str = "", footer: str = "") -> list[str]:
    """Like split_text, but every part starts with ``header`` + "（i/n）" when there are
    several, and the last one ends with ``footer``; every part stays within ``max_bytes``."""
    marker_room = utf8_len("（99/99）\n")
    room = max_bytes - utf8_len(header) - utf8_len(footer) - marker_room
    if room < 64:
        raise ValueError("header and footer leave no room for the text")
    parts = split_text(text, room)
    total = len(parts)
    out = []
    for i, part in enumerate(parts, 1):
        marker = f"（{i}/{total}）\n" if total > 1 else ""
        out.append(header + marker + part + (footer if i == total else ""))
    return out
