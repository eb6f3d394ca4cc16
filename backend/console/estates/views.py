"""Console pages about the estates a staff user supervises: the list, and one estate with its
group chats and delivery log (where an admin requeues a dead delivery). Each view calls one
function of backend.console.estates.pages and renders or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.access.roles import ROLE_LABELS
from backend.console.blueprint import staff_required
from backend.console.estates import pages
from backend.console.forms import page_arg
from backend.console.routes import Routes
from backend.errors import DomainError

routes = Routes()


@routes.get("/")
@staff_required
def index():
    page = page_arg(request.args.get("page"))
    data = pages.supervised_estates(g.staff, request.args.get("q"), page)
    roles = [ROLE_LABELS.get(m.role, m.role) for m in g.staff.memberships]
    return render_template("console/index.html", roles=roles, q=request.args.get("q", ""), **data)


@routes.get("/estates/<int:estate_id>")
@staff_required
def estate(estate_id):
    return _estate_page(estate_id, request.args.get("status"), request.args.get("page"))


@routes.post("/estates/<int:estate_id>/deliveries/<int:outbox_id>/requeue")
@staff_required
def requeue_delivery(estate_id, outbox_id):
    return estate_action(
        estate_id,
        lambda: pages.requeue_delivery(g.staff, estate_id, outbox_id),
        lambda _row: "已重新投递，消息将很快发出",
    )


def _estate_page(estate_id, status=None, page=None, error=None, form=None):
    data = pages.estate_page(g.staff, estate_id, status, page)
    html = render_template("console/estate.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200


def estate_action(estate_id, action, done, keep=None):
    """Run a page's action. Success: flash and redirect back to the same log filter (so a
    reload never repeats it). A domain error: the page again, with the message and the
    error's status (403, 404, 409, 422)."""
    status, page = pages.log_filter(request.form.get("status"), request.form.get("page"))
    try:
        result = action()
    except DomainError as error:
        return _estate_page(estate_id, status, page, error=error, form=keep)
    flash(done(result), "success")
    target = url_for(
        "console.estate", estate_id=estate_id, status=status, page=page if page > 1 else None
    )
    return redirect(target, 303)
