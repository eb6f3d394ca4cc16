"""Console pages for the supervision dashboards (四升一降) on the console blueprint: a
county, township, community or estate with its figures, drilling down one level at a time,
and any of its tables as .xlsx; and the yearly report of a place, printable and as a PDF."""

import io

from flask import g, redirect, render_template, request, send_file, url_for

from backend.console import xlsx
from backend.console.blueprint import staff_required
from backend.console.routes import Routes
from backend.console.targets import pages as target_pages
from backend.governance.targets import places

routes = Routes()

KIND = "<any(county, township, community, estate):kind>"


@routes.get("/targets")
@staff_required
def targets_home():
    place = places.home_place(g.staff)
    return redirect(url_for("console.targets", kind=place.kind, place_id=place.id))


@routes.get(f"/targets/{KIND}/<int:place_id>")
@staff_required
def targets(kind, place_id):
    data = target_pages.page(g.staff, kind, place_id, request.args)
    return render_template("console/targets.html", child_href=_child_href(data), **data)


def _child_href(data: dict):
    """The link of a place one level down, with the page's period: built with one url_for
    per page, not one per row (building a URL with its query string was a third of the
    township page's rendering, 25 rows); the rows' links differ only in the place's id."""
    if data["place"].child_kind is None:
        return None
    sample = url_for(
        "console.targets",
        kind=data["place"].child_kind,
        place_id=1,
        since=data["since"].isoformat(),
        until=data["until"].isoformat(),
    )
    path, _, query = sample.partition("?")
    base = path.rsplit("/", 1)[0]
    return lambda place_id: f"{base}/{int(place_id)}?{query}"


@routes.get(f"/targets/{KIND}/<int:place_id>/<any(monthly, children):table>.xlsx")
@staff_required
def targets_export(kind, place_id, table):
    data, name = target_pages.export(g.staff, kind, place_id, table, request.args)
    return xlsx.send(data, name)


@routes.get("/reports")
@staff_required
def reports_home():
    place = places.home_place(g.staff)
    return redirect(url_for("console.report", kind=place.kind, place_id=place.id))


@routes.get(f"/reports/{KIND}/<int:place_id>")
@staff_required
def report(kind, place_id):
    data = target_pages.report_page(g.staff, kind, place_id, request.args)
    return render_template("console/report.html", **data)


@routes.get(f"/reports/{KIND}/<int:place_id>/<int:year>.pdf")
@staff_required
def report_pdf(kind, place_id, year):
    data, name = target_pages.report_pdf(g.staff, kind, place_id, year)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name, max_age=0)
