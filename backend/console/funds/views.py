"""Console pages for the maintenance fund (公维金), on the console blueprint: the auditor's view
(funds in scope, one fund with its movements and chain check, one repair project with its
stages, authorisation, payments and ratings, its documents) and the township's pre-check
(事前指导) queue with the pass / return form. Each view reads the form, calls one function of
backend.console.funds.pages (or backend.funds), and renders or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.access.roles import Role
from backend.common import storage
from backend.console.blueprint import staff_required
from backend.console.funds import pages as fund_pages
from backend.console.funds import projects as project_pages
from backend.console.routes import Routes
from backend.errors import DomainError

routes = Routes()


@routes.context_processor
def _fund_nav():
    staff = g.get("staff")
    return {
        "prechecks_township": staff is not None
        and any(m.role == Role.TOWNSHIP_OFFICER for m in staff.memberships)
    }


@routes.get("/funds")
@staff_required
def funds():
    data = fund_pages.fund_list(g.staff, request.args)
    return render_template("console/funds.html", **data)


@routes.get("/funds/<int:estate_id>")
@staff_required
def fund(estate_id):
    data = fund_pages.fund_page(g.staff, estate_id, request.args)
    return render_template("console/fund.html", **data)


@routes.get("/repair-projects/<int:project_id>")
@staff_required
def repair_project(project_id):
    return _project_page(project_id)


@routes.get("/prechecks")
@staff_required
def prechecks():
    data = project_pages.precheck_queue(g.staff, request.args)
    return render_template("console/prechecks.html", **data)


@routes.post("/repair-projects/<int:project_id>/precheck")
@staff_required
def repair_project_precheck(project_id):
    try:
        project = project_pages.precheck(g.staff, project_id, request.form)
    except DomainError as error:
        keep = {name: request.form.get(name, "") for name in ("decision", "note")}
        return _project_page(project_id, error=error, form=keep)
    flash(f"已{project.status_label}：{project.title}", "success")
    return redirect(url_for("console.repair_project", project_id=project_id), 303)


@routes.get("/repair-documents/<int:document_id>")
@staff_required
def repair_document(document_id):
    row = project_pages.document_for(g.staff, document_id)
    return storage.send(row.storage_key, row.content_type, row.name)


def _project_page(project_id, error=None, form=None):
    data = project_pages.project_page(g.staff, project_id)
    html = render_template("console/repair_project.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200
