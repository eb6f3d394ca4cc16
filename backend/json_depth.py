"""JSON bodies are parsed with a depth limit, once for the whole app.

Python's json module parses nested arrays and objects by recursion: a body of 100,000 ``[``
raises RecursionError, whichever endpoint reads it (webargs, ``request.get_json``). So before
any view, a JSON body's nesting is counted in one pass without recursion, and a body nested
deeper than MAX_DEPTH is a 400 in the envelope; nothing Linli accepts comes close to it.
"""

import re

from flask import Flask, request

from backend.errors import DomainError

MAX_DEPTH = 64

# What changes the nesting: brackets, and quotes and backslashes (a bracket inside a string is
# text). The body is bytes: JSON's structural characters are ASCII, and a UTF-8 continuation
# byte is never ASCII, so no multibyte character is mistaken for one.
_TOKENS = re.compile(rb'[\[\]{}"\\]')
_OPEN, _CLOSE, _QUOTE, _BACKSLASH = frozenset(b"[{"), frozenset(b"]}"), ord('"'), ord("\\")


class JsonTooDeep(DomainError):
    status, code = 400, "json_too_deep"
    message = f"请求体嵌套层数过多（最多 {MAX_DEPTH} 层）"


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether ``body`` nests arrays and objects deeper than ``limit``; malformed JSON is
    left for the parser to refuse."""
    depth, in_string, escaped_at = 0, False, -1
    for match in _TOKENS.finditer(body):
        at = match.start()
        if at == escaped_at:
            continue  # the character after a backslash in a string: \" or \\
        char = body[at]
        if in_string:
            if char == _BACKSLASH:
                escaped_at = at + 1
            elif char == _QUOTE:
                in_string = False
        elif char == _QUOTE:
            in_string = True
        elif char in _OPEN:
            depth += 1
            if depth > limit:
                return True
        elif char in _CLOSE:
            depth -= 1
    return False


def init_app(app: Flask) -> None:
    @app.before_request
    def _limit_json_depth():
        if request.is_json and too_deep(request.get_data(cache=True)):
            raise JsonTooDeep()
