"""WeCom's markdown as a WeCom member sees it, for the fake server's chat page: a developer
reads what owners would read, not ``**`` and ``>``.

WeCom renders a small subset (its 消息推送 docs): headings ``#``…``######``, ``**bold**``,
``[text](url)``, `` `code` ``, ``> quote`` lines and ``<font color="info|comment|warning">``.
Everything else stays as typed. The text is escaped first, so nothing in a message can add
markup of its own.
"""

import re

from markupsafe import Markup, escape

_HEADING = re.compile(r"^(#{1,6}) +(.*)$")
_QUOTE = re.compile(r"^&gt; ?(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
# As escaped: markupsafe writes " as &#34;.
_FONT = re.compile(r"&lt;font color=&#34;(info|comment|warning)&#34;&gt;(.*?)&lt;/font&gt;")


def _inline(line: str) -> str:
    line = _CODE.sub(r"<code>\1</code>", line)
    line = _BOLD.sub(r"<strong>\1</strong>", line)
    line = _LINK.sub(r'<a href="\2" target="_blank" rel="noopener">\1</a>', line)
    return _FONT.sub(r'<span class="font-\1">\2</span>', line)


def render(text: str) -> Markup:
    """``text`` (WeCom markdown) as the HTML of a chat bubble."""
    lines = []
    for line in str(escape(text)).split("\n"):
        if heading := _HEADING.match(line):
            lines.append(f'<strong class="h{len(heading[1])}">{_inline(heading[2])}</strong>')
        elif quote := _QUOTE.match(line):
            lines.append(f'<span class="quote">{_inline(quote[1])}</span>')
        else:
            lines.append(_inline(line))
    return Markup("\n".join(lines))  # built from escaped text only
