"""Console pages for owners' votes (业主共同决定), on the console blueprint: the motions of the
supervised estates, one motion with its turnout or result, its documents and .xlsx exports,
and the organiser's paper-ballot and close-now forms. Each view reads the form, calls one
function of backend.console.votes.pages (or backend.votes), and renders, redirects or sends
a file."""

import io

from flask import flash, g, redirect, render_template, request, send_file, url_for

from backend.common import storage
from backend.console import confirmation
from backend.console.blueprint import staff_required
from backend.console.routes import Routes
from backend.console.votes import pages as vote_pages
from backend.errors import DomainError
from backend.votes import exports, services

routes = Routes()


@routes.get("/votes")
@staff_required
def votes():
    data = vote_pages.motion_list(g.staff, request.args)
    return render_template("console/votes.html", **data)


@routes.get("/votes/<int:motion_id>")
@staff_required
def vote(motion_id):
    return _vote_page(motion_id, q=request.args.get("q", ""))


@routes.post("/votes/<int:motion_id>/paper-ballots")
@staff_required
def vote_paper_ballot(motion_id):
    keep = {name: request.form.get(name, "") for name in vote_pages.PAPER_FIELDS}
    try:
        done = vote_pages.record_paper_ballot(g.staff, motion_id, request.form)
    except DomainError as error:
        return _vote_page(motion_id, q=keep["q"], error=error, form=keep)
    flash(done, "success")
    return redirect(url_for("console.vote", motion_id=motion_id, q=keep["q"] or None), 303)


@routes.post("/votes/<int:motion_id>/close")
@staff_required
def vote_close(motion_id):
    try:
        confirmation.require()
        done = vote_pages.close_now(g.staff, motion_id)
    except DomainError as error:
        return _vote_page(motion_id, error=error)
    flash(done, "success")
    return redirect(url_for("console.vote", motion_id=motion_id), 303)


@routes.get("/votes/<int:motion_id>/exports/<any(results, ballots, electors):kind>.xlsx")
@staff_required
def vote_export(motion_id, kind):
    data, name = exports.export(g.staff, motion_id, kind)
    return send_file(io.BytesIO(data), mimetype=exports.XLSX_TYPE, download_name=name, max_age=0)


@routes.get("/motion-attachments/<int:attachment_id>")
@staff_required
def vote_attachment(attachment_id):
    row = services.attachment_for(g.staff, attachment_id)
    return storage.send(row.storage_key, row.content_type, row.name)


def _vote_page(motion_id, q="", error=None, form=None):
    data = vote_pages.motion_page(g.staff, motion_id, q)
    html = render_template("console/vote.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200
