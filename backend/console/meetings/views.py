"""Console pages for joint meetings (四方联席会议), on the console blueprint: the meetings in
scope, the record form, one meeting with its follow-up forms, the schedule, and the minutes.
Each view reads the form, calls one function of backend.console.meetings.pages or the meeting
services, and renders or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.common import storage
from backend.console.blueprint import staff_required
from backend.console.meetings import pages as meeting_pages
from backend.console.routes import Routes
from backend.errors import DomainError
from backend.governance.meetings import services

routes = Routes()


@routes.get("/meetings")
@staff_required
def meetings():
    data = meeting_pages.meeting_list(g.staff, request.args)
    return render_template("console/meetings.html", **data)


@routes.get("/meetings/schedule")
@staff_required
def meeting_schedule():
    data = meeting_pages.schedule_page(g.staff)
    return render_template("console/meeting_schedule.html", **data)


@routes.route("/meetings/new", methods=["GET", "POST"])
@staff_required
def meeting_new():
    if request.method == "GET":
        return _form()
    try:
        meeting = meeting_pages.record(g.staff, request.form, request.files.get("minutes"))
    except DomainError as error:
        return _form(error=error, form=request.form)
    flash(f"已登记联席会议：{meeting.topic}", "success")
    return redirect(url_for("console.meeting", meeting_id=meeting.id), 303)


@routes.get("/meetings/<int:meeting_id>")
@staff_required
def meeting(meeting_id):
    return _meeting_page(meeting_id)


@routes.post("/meetings/<int:meeting_id>/items/<int:item_id>/done")
@staff_required
def meeting_item_done(meeting_id, item_id):
    done = "已标记决议落实"
    return _act(meeting_id, lambda: services.mark_done(g.staff, item_id, meeting_id), done)


@routes.post("/meetings/<int:meeting_id>/items/<int:item_id>/resolved")
@staff_required
def meeting_item_resolved(meeting_id, item_id):
    done = "已标记纠纷化解"
    return _act(meeting_id, lambda: services.mark_resolved(g.staff, item_id, meeting_id), done)


@routes.get("/meeting-minutes/<int:minutes_id>")
@staff_required
def meeting_minutes(minutes_id):
    row = services.minutes_for(g.staff, minutes_id)
    return storage.send(row.storage_key, row.content_type, row.name)


def _act(meeting_id, action, done):
    try:
        item = action()
    except DomainError as error:
        return _meeting_page(meeting_id, error=error)
    flash(f"{done}：{item.title}", "success")
    return redirect(url_for("console.meeting", meeting_id=meeting_id), 303)


def _form(error=None, form=None):
    data = meeting_pages.form_page(g.staff)
    html = render_template("console/meeting_new.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200


def _meeting_page(meeting_id, error=None):
    data = meeting_pages.meeting_page(g.staff, meeting_id)
    html = render_template("console/meeting.html", error=error, **data)
    return html, error.status if error else 200
