"""Console pages about accounts: staff sign-in (password, rate limit) and sign-out, changing
one's own password, and the admin's staff list where accounts are deactivated (停用) and
reactivated (启用) after a confirmation page that says what will happen, and sign-in locks
are lifted (解除锁定). Each view calls one function of backend.accounts.sessions (or
.throttle) and renders or redirects."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for

from backend.accounts import login as signing_in
from backend.accounts import sessions, throttle
from backend.console.blueprint import staff_required
from backend.console.routes import Routes
from backend.errors import DomainError, Unauthorized
from backend.extensions import limiter

routes = Routes()


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address_limit():
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


@routes.route("/login", methods=["GET", "POST"])
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
            user = signing_in.sign_in_staff(
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


@routes.post("/logout")
def logout():
    # Clearing the cookie only forgets this browser's copy: raising the user's session
    # version also refuses any copy saved before.
    user, _refresh = sessions.console_user(session)
    if user is not None:
        sessions.end_console_sessions(user.id)
    session.clear()
    return redirect(url_for("console.login"))


@routes.context_processor
def _accounts_nav():
    staff = g.get("staff")
    return {"manages_accounts": staff is not None and sessions.manages_accounts(staff)}


@routes.route("/password", methods=["GET", "POST"])
@staff_required
def password():
    if request.method == "GET":
        return render_template("console/password.html", error=None)
    try:
        version = sessions.change_password(
            g.staff,
            request.form.get("current_password", "")[:256],
            request.form.get("new_password", "")[:256],
            request.form.get("confirm_password", "")[:256],
        )
    except DomainError as error:
        return render_template("console/password.html", error=error), error.status
    # This browser stays signed in; every other session of the account has ended.
    session[sessions.VERSION_KEY] = version
    flash("密码已修改，该账号在其他地方的登录已全部退出", "success")
    return redirect(url_for("console.index"), 303)


@routes.get("/users")
@staff_required
def users():
    people = sessions.staff_for_admin(g.staff)
    locked = {person.id for person in people if throttle.is_locked(person.username)}
    return render_template("console/users.html", people=people, locked=locked)


@routes.post("/users/<int:user_id>/unlock")
@staff_required
def user_unlock(user_id):
    # No confirmation page: lifting a lock only lets the owner of the password try again.
    person = sessions.unlock_by_admin(g.staff, user_id)
    flash(f"已解除账号「{person.username}」的登录锁定", "success")
    return redirect(url_for("console.users"), 303)


@routes.get("/users/<int:user_id>/<any(deactivate, reactivate):action>")
@staff_required
def user_confirm(user_id, action):
    person = sessions.staff_member_for_admin(g.staff, user_id)
    return render_template("console/user_confirm.html", person=person, action=action)


@routes.post("/users/<int:user_id>/<any(deactivate, reactivate):action>")
@staff_required
def user_set_active(user_id, action):
    person = sessions.set_active_by_admin(g.staff, user_id, active=action == "reactivate")
    if person.is_active:
        flash(f"已启用账号「{person.username}」，可以重新登录", "success")
    else:
        flash(f"已停用账号「{person.username}」，其所有登录已退出", "success")
    return redirect(url_for("console.users"), 303)
