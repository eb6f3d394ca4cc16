"""Console pages: staff sign-in (password, CSRF, rate limit), the supervised estates, each
estate's group chats and delivery log, and the community audit of estate accounts."""

import io
from functools import wraps

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from backend.accounts import sessions, throttle
from backend.accounts.roles import ROLE_LABELS
from backend.common import storage
from backend.console import confirmation, services
from backend.console.forms import page_arg
from backend.errors import DomainError, Unauthorized
from backend.extensions import csrf, limiter
from backend.ledger import vouchers

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",  # the vendored chart library (no CDN: consoles run on closed networks)
)


@bp.before_request
def _protect_forms():
    if request.method == "POST":
        csrf.protect()


@bp.errorhandler(DomainError)
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


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address_limit():
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit, key_func=throttle.console_login_key, methods=["POST"], scope="console-login"
)
@limiter.limit(
    _login_address_limit,
    key_func=throttle.address_key,
    methods=["POST"],
    scope="console-login-address",
)
def login():
    error, status = None, 200
    if request.method == "POST":
        try:
            user = throttle.sign_in_staff(
                throttle.console_username(), request.form.get("password", "")[:256]
            )
        except (Unauthorized, throttle.AccountLocked) as failure:
            error, status = failure.message, failure.status
        else:
            session.clear()
            session.update(sessions.console_session_values(user))
            target = request.args.get("next", "")
            # Only our own pages: never redirect a signed-in officer to another site.
            return redirect(target if target.startswith("/console/") else url_for("console.index"))
    return render_template("console/login.html", error=error), status


@bp.post("/logout")
def logout():
    # Clearing the cookie only forgets this browser's copy: raising the user's session
    # version also refuses any copy saved before.
    user, _refresh = sessions.console_user(session)
    if user is not None:
        sessions.end_console_sessions(user.id)
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("/")
@staff_required
def index():
    page = page_arg(request.args.get("page"))
    data = services.supervised_estates(g.staff, request.args.get("q"), page)
    roles = [ROLE_LABELS.get(m.role, m.role) for m in g.staff.memberships]
    return render_template("console/index.html", roles=roles, q=request.args.get("q", ""), **data)


@bp.get("/estates/<int:estate_id>")
@staff_required
def estate(estate_id):
    return _estate_page(estate_id, request.args.get("status"), request.args.get("page"))


@bp.post("/estates/<int:estate_id>/group-chats")
@staff_required
def add_group_chat(estate_id):
    # The address is a secret: it is never echoed back into the form.
    keep = {"name": request.form.get("name", ""), "channel": request.form.get("channel", "")}
    return _act(
        estate_id,
        lambda: services.add_group_chat(g.staff, estate_id, request.form),
        lambda group: f"已添加监督群「{group.name}」",
        keep,
    )


@bp.post("/estates/<int:estate_id>/group-chats/<int:group_id>/active")
@staff_required
def set_group_active(estate_id, group_id):
    return _act(
        estate_id,
        lambda: services.set_group_active(
            g.staff, estate_id, group_id, request.form.get("active", "")
        ),
        lambda group: f"已{'启用' if group.active else '停用'}监督群「{group.name}」",
    )


@bp.post("/estates/<int:estate_id>/deliveries/<int:outbox_id>/requeue")
@staff_required
def requeue_delivery(estate_id, outbox_id):
    return _act(
        estate_id,
        lambda: services.requeue_delivery(g.staff, estate_id, outbox_id),
        lambda _row: "已重新投递，消息将很快发出",
    )


def _estate_page(estate_id, status=None, page=None, error=None, form=None):
    data = services.estate_page(g.staff, estate_id, status, page)
    html = render_template("console/estate.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200


def _act(estate_id, action, done, keep=None):
    """Run a page's action. Success: flash and redirect back to the same log filter (so a
    reload never repeats it). A domain error: the page again, with the message and the
    error's status (403, 404, 409, 422)."""
    status, page = services.log_filter(request.form.get("status"), request.form.get("page"))
    try:
        result = action()
    except DomainError as error:
        return _estate_page(estate_id, status, page, error=error, form=keep)
    flash(done(result), "success")
    target = url_for(
        "console.estate", estate_id=estate_id, status=status, page=page if page > 1 else None
    )
    return redirect(target, 303)


# -- the ledger: community audit -----------------------------------------------------------


@bp.get("/ledger")
@staff_required
def ledger_queue():
    data = services.ledger_queue(g.staff, request.args.get("page"))
    return render_template("console/ledger_queue.html", **data)


@bp.get("/estates/<int:estate_id>/ledger/<int:period_id>")
@staff_required
def ledger_period(estate_id, period_id):
    return _ledger_period_page(estate_id, period_id)


@bp.post("/estates/<int:estate_id>/ledger/<int:period_id>/transitions")
@staff_required
def ledger_transition(estate_id, period_id):
    # The reason typed is kept on the page when it is refused (too long, say).
    keep = {"reason": request.form.get("reason", "")}
    try:
        if request.form.get("action") in ("audit", "publish"):  # 退回 can be undone: no step
            confirmation.require()
        period = services.ledger_transition(g.staff, estate_id, period_id, request.form)
    except DomainError as error:
        return _ledger_period_page(estate_id, period_id, error=error, form=keep)
    done = {
        "audit": f"「{period.label}」已审核通过，等待公示",
        "return": f"「{period.label}」已退回草稿，等待业委会修改后重新提交",
        "publish": f"「{period.label}」已公示，公示哈希已发送到小区监督群",
    }
    flash(done[request.form["action"]], "success")
    return redirect(url_for("console.ledger_period", estate_id=estate_id, period_id=period_id), 303)


@bp.get("/estates/<int:estate_id>/ledger/vouchers/<int:voucher_id>")
@staff_required
def ledger_voucher(estate_id, voucher_id):
    row = vouchers.voucher(g.staff, estate_id, voucher_id)
    return storage.send(row.storage_key, row.content_type, row.name)


@bp.get("/estates/<int:estate_id>/ledger/<int:period_id>/statement.<any(xlsx, pdf):kind>")
@staff_required
def ledger_statement(estate_id, period_id, kind):
    data, mimetype, name = services.statement_file(g.staff, estate_id, period_id, kind)
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, max_age=0)


def _ledger_period_page(estate_id, period_id, error=None, form=None):
    data = services.ledger_period_page(g.staff, estate_id, period_id)
    html = render_template("console/ledger_period.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200
