"""The console's blueprint and what every page of it shares: CSRF on every form, a domain
error shown as a page in Chinese, and the staff sign-in each page requires."""

from functools import wraps

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from backend.accounts import sessions
from backend.errors import DomainError
from backend.extensions import csrf


def make_blueprint() -> Blueprint:
    """A new console blueprint, without pages (``backend.console.init_app`` adds them)."""
    bp = Blueprint(
        "console",
        __name__,
        url_prefix="/console",
        template_folder="templates",
        # The vendored chart library (no CDN: consoles run on closed networks).
        static_folder="static",
    )
    bp.before_request(_protect_forms)
    bp.errorhandler(DomainError)(_domain_error)
    return bp


def _protect_forms():
    if request.method == "POST":
        csrf.protect()


def _domain_error(error: DomainError):
    # People read these pages: an error is a page in Chinese with the error's status, not
    # the API's JSON envelope.
    return render_template("console/error.html", error=error), error.status


def staff_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user, refresh = sessions.console_user(session)
        if user is None:
            # An ended session (elsewhere, by timeout, by deactivation) is dropped, so its
            # cookie is not sent again.
            session.clear()
            return redirect(url_for("console.login", next=request.path))
        if refresh:  # an update, even empty, would send a new cookie with every page
            session.update(refresh)
        g.staff = user
        return view(*args, **kwargs)

    return wrapper
