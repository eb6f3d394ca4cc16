"""The confirmation step (DESIGN §7.4) for console actions that cannot be undone: 审核通过,
公示, 离任, 解散, 撤销党组织, 销号, credit penalties and their revocation, star ratings, 五星.

The form's button carries ``data-confirm`` (what will happen, in words); static/confirm.js
opens the page's <dialog> with that text and only on 确认 sets the form's ``confirmed`` field
and submits. Without scripts a <noscript> checkbox with the same words must be ticked
(templates/console/_confirm.html). The server refuses either way when ``confirmed`` is
missing, so a stray click or a replayed form does nothing.
"""

from flask import request

from backend.errors import ValidationFailed

FIELD = "confirmed"


def require() -> None:
    """:raises ValidationFailed: the form was not confirmed."""
    if "1" not in request.form.getlist(FIELD):
        raise ValidationFailed("此操作不可撤销，请在确认提示中确认后再提交", code="not_confirmed")


def confirmed(action):
    """``action`` (a callable) run only once the form was confirmed."""

    def run():
        require()
        return action()

    return run
