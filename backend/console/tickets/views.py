"""Console pages for tickets (随手拍), on the console blueprint: the supervised tickets with
their figures, one ticket with its photos, history and handling forms, the 12345 hotline
intake, and a county's time limits. Each view reads the form, calls one function of
backend.console.tickets.pages, .hotline or .time_limits, and renders or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.common import storage
from backend.console.blueprint import staff_required
from backend.console.routes import Routes
from backend.console.tickets import hotline as hotline_pages
from backend.console.tickets import pages as ticket_pages
from backend.console.tickets import time_limits
from backend.errors import DomainError

routes = Routes()

# What a refused form shows again, so nothing typed is lost.
TRANSITION_FIELDS = ("action", "note", "reason", "assignee_id", "duplicate_of_id")


@routes.context_processor
def _ticket_nav():
    staff = g.get("staff")
    return {"sets_time_limits": staff is not None and time_limits.sets_time_limits(staff)}


@routes.get("/tickets")
@staff_required
def tickets():
    data = ticket_pages.ticket_list(g.staff, request.args)
    return render_template("console/tickets.html", **data)


@routes.get("/tickets/<int:ticket_id>")
@staff_required
def ticket(ticket_id):
    return _ticket_page(ticket_id)


@routes.post("/tickets/<int:ticket_id>/transitions")
@staff_required
def ticket_transition(ticket_id):
    keep = {name: request.form.get(name, "") for name in TRANSITION_FIELDS}
    try:
        ticket_pages.transition(g.staff, ticket_id, request.form)
    except DomainError as error:
        return _ticket_page(ticket_id, error=error, form=keep)
    flash(f"工单 #{ticket_id} {ticket_pages.DONE[keep['action']]}", "success")
    return redirect(url_for("console.ticket", ticket_id=ticket_id), 303)


@routes.get("/ticket-photos/<int:photo_id>")
@staff_required
def ticket_photo(photo_id):
    key, name = ticket_pages.photo_file(g.staff, photo_id, request.args.get("size"))
    return storage.send(key, "image/jpeg", name)


def _ticket_page(ticket_id, error=None, form=None):
    data = ticket_pages.ticket_page(g.staff, ticket_id)
    html = render_template("console/ticket.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200


@routes.route("/tickets/hotline", methods=["GET", "POST"])
@staff_required
def hotline():
    if request.method == "GET":
        return _hotline_page()
    keep = {name: request.form.get(name, "") for name in hotline_pages.HOTLINE_FIELDS}
    try:
        ticket = hotline_pages.report_hotline(g.staff, request.form)
    except DomainError as error:
        return _hotline_page(error=error, form=keep)
    flash(f"已录入 12345 热线工单 {ticket.hotline_case_no}（工单 #{ticket.id}）", "success")
    return redirect(url_for("console.ticket", ticket_id=ticket.id), 303)


def _hotline_page(error=None, form=None):
    data = hotline_pages.hotline_form(g.staff)
    html = render_template("console/ticket_hotline.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200


@routes.route("/ticket-time-limits", methods=["GET", "POST"])
@staff_required
def ticket_time_limits():
    county_id = time_limits.county_for(g.staff, request.args.get("county"))
    if request.method == "GET":
        return _time_limits_page(county_id)
    try:
        changed = time_limits.save_time_limits(g.staff, county_id, request.form)
    except DomainError as error:
        return _time_limits_page(county_id, error=error, form=request.form)
    done = f"已保存 {changed} 个类别的时限，新工单按新时限计时" if changed else "时限没有改动"
    flash(done, "success")
    return redirect(url_for("console.ticket_time_limits", county=county_id), 303)


def _time_limits_page(county_id, error=None, form=None):
    errors = error.fields if error else None
    data = time_limits.time_limits_page(g.staff, county_id, form, errors)
    html = render_template("console/ticket_time_limits.html", error=error, **data)
    return html, error.status if error else 200
