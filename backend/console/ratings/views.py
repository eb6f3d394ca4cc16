"""Console pages for star ratings (星级评定), on the console blueprint: the estates with their
ratings and the distribution, one estate's score sheet (score, submit, confirm, 5★ review,
appeal decisions), the county's criteria, manager stars and committee reviews. Each view
reads the form, calls one function of backend.console.ratings.pages or .reviews, and renders
or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.console.blueprint import staff_required
from backend.console.confirmation import confirmed
from backend.console.ratings import pages as rating_pages
from backend.console.ratings import reviews as review_pages
from backend.console.routes import Routes
from backend.errors import DomainError
from backend.governance.ratings import appeals, services

routes = Routes()


@routes.get("/ratings")
@staff_required
def ratings():
    data = rating_pages.rating_list(g.staff, request.args)
    return render_template("console/ratings.html", **data)


@routes.get("/ratings/<int:estate_id>/<int:year>")
@staff_required
def rating(estate_id, year):
    return _sheet(estate_id, year)


@routes.post("/ratings/<int:estate_id>/<int:year>/score")
@staff_required
def rating_score(estate_id, year):
    keep = {k: v for k, v in request.form.items() if k.startswith("score-")}
    try:
        row = rating_pages.score(g.staff, estate_id, year, request.form)
    except DomainError as error:
        return _sheet(estate_id, year, error=error, form=keep)
    done = "已提交县住建局确认" if row.status == "submitted" else "评分已保存"
    flash(f"{done}（合计 {row.total} 分）", "success")
    return redirect(url_for("console.rating", estate_id=estate_id, year=year), 303)


@routes.post("/ratings/<int:estate_id>/<int:year>/confirm")
@staff_required
def rating_confirm(estate_id, year):
    return _act(
        estate_id,
        year,
        confirmed(lambda: services.confirm(g.staff, estate_id, year)),
        lambda r: (
            f"已确认：{rating_pages.stars_text(r.stars)}（{r.total} 分）"
            + ("，可申报五星，待审核" if r.five_star_review == "pending" else "")
        ),
    )


@routes.post("/ratings/<int:estate_id>/<int:year>/five-stars")
@staff_required
def rating_five_stars(estate_id, year):
    grant = request.form.get("decision") == "grant"
    return _act(
        estate_id,
        year,
        confirmed(
            lambda: services.review_five_stars(
                g.staff, estate_id, year, grant, request.form.get("reason", "")
            )
        ),
        lambda r: "已授予五星" if r.stars == 5 else "已决定不授予五星，保持四星",
        keep={"reason": request.form.get("reason", "")},
    )


@routes.post("/ratings/<int:estate_id>/<int:year>/appeals/<int:appeal_id>")
@staff_required
def rating_appeal_decision(estate_id, year, appeal_id):
    uphold = request.form.get("decision") == "uphold"
    reason = request.form.get("decision_reason", "")
    return _act(
        estate_id,
        year,
        lambda: appeals.decide(g.staff, appeal_id, uphold, reason, estate_id=estate_id),
        lambda a: "申诉成立，评定已退回重新评分" if a.status == "upheld" else "已驳回申诉",
        keep={"decision_reason": reason, "appeal_id": appeal_id},
    )


@routes.route("/ratings/criteria", methods=["GET", "POST"])
@staff_required
def rating_criteria():
    if request.method == "GET":
        data = rating_pages.criteria_page(g.staff, request.args)
        return render_template("console/rating_criteria.html", **data)
    try:
        lines = rating_pages.set_criteria(g.staff, request.form)
    except DomainError as error:
        data = rating_pages.criteria_page(g.staff, request.form)
        html = render_template(
            "console/rating_criteria.html", error=error, form=request.form, **data
        )
        return html, error.status
    flash(f"已保存 {request.form.get('year')} 年度评分标准（{len(lines)} 项）", "success")
    return redirect(url_for("console.rating_criteria", year=request.form.get("year")), 303)


@routes.route("/ratings/managers", methods=["GET", "POST"])
@staff_required
def rating_managers():
    return _review_page(
        "console/rating_managers.html",
        review_pages.manager_page,
        review_pages.rate_manager,
        review_pages.MANAGER_FIELDS,
        lambda row: f"已评定 {row.year} 年度物业项目经理星级：{'★' * row.stars}",
        "console.rating_managers",
    )


@routes.route("/ratings/committees", methods=["GET", "POST"])
@staff_required
def rating_committees():
    return _review_page(
        "console/rating_committees.html",
        review_pages.committee_page,
        review_pages.review_committee,
        review_pages.COMMITTEE_FIELDS,
        lambda row: f"已评价 {row.estate.name} {row.year} 年度业委会履职：{row.grade_label}",
        "console.rating_committees",
    )


def _review_page(template, page, action, fields, done, endpoint):
    if request.method == "GET":
        return render_template(template, form={}, **page(g.staff, request.args))
    keep = {name: request.form.get(name, "") for name in fields}
    try:
        row = action(g.staff, request.form)
    except DomainError as error:
        data = page(g.staff, request.form)
        return render_template(template, error=error, form=keep, **data), error.status
    flash(done(row), "success")
    return redirect(url_for(endpoint, year=row.year), 303)


def _sheet(estate_id, year, error=None, form=None):
    data = rating_pages.sheet_page(g.staff, estate_id, year)
    html = render_template("console/rating.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200


def _act(estate_id, year, action, done, keep=None):
    try:
        result = action()
    except DomainError as error:
        return _sheet(estate_id, year, error=error, form=keep)
    flash(done(result), "success")
    return redirect(url_for("console.rating", estate_id=estate_id, year=year), 303)
