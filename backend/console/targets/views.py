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
    return render_template("console/targets.html", **data)


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
