"""Console pages for the community audit of estate accounts (业账社审): the audit queue, one
period with its audit actions, its vouchers and its statement files. Each view calls one
function of backend.console.ledger.pages (or the ledger's services) and renders, redirects or
sends a file."""

import io

from flask import flash, g, redirect, render_template, request, send_file, url_for

from backend.common import storage
from backend.console import confirmation
from backend.console.blueprint import staff_required
from backend.console.ledger import pages
from backend.console.routes import Routes
from backend.errors import DomainError
from backend.ledger import vouchers

routes = Routes()


@routes.get("/ledger")
@staff_required
def ledger_queue():
    data = pages.ledger_queue(g.staff, request.args.get("page"))
    return render_template("console/ledger_queue.html", **data)


@routes.get("/estates/<int:estate_id>/ledger/<int:period_id>")
@staff_required
def ledger_period(estate_id, period_id):
    return _ledger_period_page(estate_id, period_id)


@routes.post("/estates/<int:estate_id>/ledger/<int:period_id>/transitions")
@staff_required
def ledger_transition(estate_id, period_id):
    # The reason typed is kept on the page when it is refused (too long, say).
    keep = {"reason": request.form.get("reason", "")}
    try:
        if request.form.get("action") in ("audit", "publish"):  # 退回 can be undone: no step
            confirmation.require()
        period = pages.ledger_transition(g.staff, estate_id, period_id, request.form)
    except DomainError as error:
        return _ledger_period_page(estate_id, period_id, error=error, form=keep)
    done = {
        "audit": f"「{period.label}」已审核通过，等待公示",
        "return": f"「{period.label}」已退回草稿，等待业委会修改后重新提交",
        "publish": f"「{period.label}」已公示，公示哈希已发送到小区监督群",
    }
    flash(done[request.form["action"]], "success")
    return redirect(url_for("console.ledger_period", estate_id=estate_id, period_id=period_id), 303)


@routes.get("/estates/<int:estate_id>/ledger/vouchers/<int:voucher_id>")
@staff_required
def ledger_voucher(estate_id, voucher_id):
    row = vouchers.voucher(g.staff, estate_id, voucher_id)
    return storage.send(row.storage_key, row.content_type, row.name)


@routes.get("/estates/<int:estate_id>/ledger/<int:period_id>/statement.<any(xlsx, pdf):kind>")
@staff_required
def ledger_statement(estate_id, period_id, kind):
    data, mimetype, name = pages.statement_file(g.staff, estate_id, period_id, kind)
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, max_age=0)


def _ledger_period_page(estate_id, period_id, error=None, form=None):
    data = pages.ledger_period_page(g.staff, estate_id, period_id)
    html = render_template("console/ledger_period.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200
