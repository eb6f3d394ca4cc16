"""Console pages: staff sign-in (password, CSRF, rate limit) and the supervised estates."""

from functools import wraps

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from backend.accounts import services as accounts
from backend.accounts.models import User
from backend.accounts.roles import ROLE_LABELS
from backend.console import services
from backend.errors import Unauthorized
from backend.extensions import csrf, db, limiter

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")


@bp.before_request
def _protect_forms():
    if request.method == "POST":
        csrf.protect()


def staff_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = db.session.get(User, session.get("staff_user_id") or 0)
        if user is None or not user.is_active or not user.password_hash:
            return redirect(url_for("console.login", next=request.path))
        g.staff = user
        return view(*args, **kwargs)

    return wrapper


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = accounts.authenticate_staff(
                request.form.get("username", "")[:64], request.form.get("password", "")[:256]
            )
        except Unauthorized as failure:
            error = failure.message
        else:
            session.clear()
            session["staff_user_id"] = user.id
            target = request.args.get("next", "")
            # Only our own pages: never redirect a signed-in officer to another site.
            return redirect(target if target.startswith("/console/") else url_for("console.index"))
    return render_template("console/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("/")
@staff_required
def index():
    page = request.args.get("page", 1, type=int) or 1
    data = services.supervised_estates(g.staff, request.args.get("q"), max(page, 1))
    roles = [ROLE_LABELS.get(m.role, m.role) for m in g.staff.memberships]
    return render_template("console/index.html", roles=roles, q=request.args.get("q", ""), **data)
