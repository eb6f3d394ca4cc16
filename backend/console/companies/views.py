"""Console pages for credit penalties (失信惩戒), on the console blueprint: the supervised
property companies with their credit scores, one company with its history and the record and
revoke forms, and the evidence files. Each view reads the form, calls one function of
backend.console.companies.pages, and renders or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.common import storage
from backend.console import confirmation
from backend.console.blueprint import staff_required
from backend.console.companies import pages as company_pages
from backend.console.routes import Routes
from backend.errors import DomainError
from backend.governance.credit import services

routes = Routes()


@routes.get("/companies")
@staff_required
def companies():
    data = company_pages.company_list(g.staff, request.args)
    return render_template("console/companies.html", **data)


@routes.get("/companies/<int:company_id>")
@staff_required
def company(company_id):
    return _company_page(company_id)


@routes.post("/companies/<int:company_id>/penalties")
@staff_required
def company_penalty(company_id):
    keep = {name: request.form.get(name, "") for name in company_pages.PENALTY_FIELDS}
    try:
        confirmation.require()
        penalty = company_pages.record(
            g.staff, company_id, request.form, request.files.getlist("evidence")
        )
    except DomainError as error:
        return _company_page(company_id, error=error, form=keep)
    flash(f"已记录{penalty.kind_label}（{penalty.decided_on.isoformat()}）", "success")
    return redirect(url_for("console.company", company_id=company_id), 303)


@routes.post("/companies/<int:company_id>/penalties/<int:penalty_id>/revoke")
@staff_required
def company_penalty_revoke(company_id, penalty_id):
    try:
        confirmation.require()
        penalty = company_pages.revoke(g.staff, company_id, penalty_id, request.form)
    except DomainError as error:
        return _company_page(company_id, error=error, form={"revoke_id": str(penalty_id)})
    flash(f"已撤销{penalty.kind_label}（{penalty.decided_on.isoformat()}）", "success")
    return redirect(url_for("console.company", company_id=company_id), 303)


@routes.get("/penalty-evidence/<int:evidence_id>")
@staff_required
def penalty_evidence(evidence_id):
    row = services.evidence_for(g.staff, evidence_id)
    return storage.send(row.storage_key, row.content_type, row.name)


def _company_page(company_id, error=None, form=None):
    data = company_pages.company_page(g.staff, company_id)
    html = render_template("console/company.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200
