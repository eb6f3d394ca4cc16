"""Console pages for the problem list (问题清单, 十件实事), on the console blueprint: the
problems in scope, one problem with its close-out form, the new-problem and new-inspection
forms, and the close-out photos. Each view reads the form, calls one function of
backend.console.problems.pages, and renders or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.common import storage
from backend.console import confirmation
from backend.console.blueprint import staff_required
from backend.console.problems import pages as problem_pages
from backend.console.routes import Routes
from backend.errors import DomainError
from backend.governance.problems import services as problem_services

routes = Routes()


@routes.get("/problems")
@staff_required
def problems():
    data = problem_pages.problem_list(g.staff, request.args)
    return render_template("console/problems.html", **data)


@routes.route("/problems/new", methods=["GET", "POST"])
@staff_required
def problem_new():
    if request.method == "GET":
        return _form("console/problem_new.html")
    keep = {name: request.form.get(name, "") for name in problem_pages.PROBLEM_FIELDS}
    try:
        problem = problem_pages.create(g.staff, request.form)
    except DomainError as error:
        return _form("console/problem_new.html", error=error, form=keep)
    flash(f"已登记问题：{problem.title}", "success")
    return redirect(url_for("console.problem", problem_id=problem.id), 303)


@routes.route("/inspections/new", methods=["GET", "POST"])
@staff_required
def inspection_new():
    if request.method == "GET":
        return _form("console/inspection_new.html")
    try:
        inspection = problem_pages.create_inspection(g.staff, request.form)
    except DomainError as error:
        return _form("console/inspection_new.html", error=error, form=request.form)
    flash(f"已登记 {inspection.quarter} 动态督查及其问题", "success")
    return redirect(url_for("console.problems"), 303)


@routes.get("/problems/<int:problem_id>")
@staff_required
def problem(problem_id):
    return _problem_page(problem_id)


@routes.post("/problems/<int:problem_id>/close-out")
@staff_required
def problem_close_out(problem_id):
    try:
        confirmation.require()
        problem = problem_pages.close_out(
            g.staff, problem_id, request.form, request.files.getlist("photos")
        )
    except DomainError as error:
        keep = {"close_note": request.form.get("close_note", "")}
        return _problem_page(problem_id, error=error, form=keep)
    flash(f"已销号：{problem.title}", "success")
    return redirect(url_for("console.problem", problem_id=problem_id), 303)


@routes.get("/problem-evidence/<int:evidence_id>")
@staff_required
def problem_evidence(evidence_id):
    row = problem_services.evidence_for(g.staff, evidence_id)
    return storage.send(row.storage_key, row.content_type, row.name)


def _form(template, error=None, form=None):
    data = problem_pages.form_page(g.staff)
    html = render_template(template, error=error, form=form or {}, **data)
    return html, error.status if error else 200


def _problem_page(problem_id, error=None, form=None):
    data = problem_pages.problem_page(g.staff, problem_id)
    html = render_template("console/problem.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200
