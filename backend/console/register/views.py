"""Console pages for the estate register (小区档案), on the console blueprint: one estate's
register and its forms, the register list, the terms due for re-election, and a community's
candidate pool. Each view reads the form, calls one function of backend.console.register.pages, and
renders or redirects."""

from flask import flash, g, redirect, render_template, request, url_for

from backend.console.blueprint import staff_required
from backend.console.confirmation import confirmed
from backend.console.register import lists, pages
from backend.console.routes import Routes
from backend.errors import DomainError

routes = Routes()


@routes.get("/register")
@staff_required
def register():
    return render_template(
        "console/register_list.html", **lists.register_list(g.staff, request.args)
    )


@routes.get("/register/reelections")
@staff_required
def register_reelections():
    data = lists.reelection_list(g.staff, request.args)
    return render_template("console/register_reelections.html", **data)


@routes.get("/estates/<int:estate_id>/register")
@staff_required
def estate_register(estate_id):
    return _register_page(estate_id)


def _act(estate_id, form_name, action, done):
    """Run one of the page's forms: flash and redirect on success; on a domain error the page
    again with the message next to that form, what was typed kept, and the error's status."""
    try:
        result = action()
    except DomainError as error:
        return _register_page(estate_id, error=error, form_name=form_name, form=request.form)
    flash(done(result), "success")
    return redirect(url_for("console.estate_register", estate_id=estate_id), 303)


@routes.post("/estates/<int:estate_id>/register/committees")
@staff_required
def register_committee(estate_id):
    return _act(
        estate_id,
        "committee",
        lambda: pages.record_committee(g.staff, estate_id, request.form),
        lambda c: (
            f"已登记业委会（{c.formed_on.isoformat()} 备案，任期至 {c.term_ends_on.isoformat()}）"
        ),
    )


@routes.post("/estates/<int:estate_id>/register/committees/<int:committee_id>/end")
@staff_required
def register_committee_end(estate_id, committee_id):
    return _act(
        estate_id,
        "end",
        confirmed(lambda: pages.end_committee(g.staff, estate_id, committee_id, request.form)),
        lambda c: f"已登记业委会解散（{c.ended_on.isoformat()}）",
    )


@routes.post("/estates/<int:estate_id>/register/committees/<int:committee_id>/members")
@staff_required
def register_member(estate_id, committee_id):
    return _act(
        estate_id,
        "member",
        lambda: pages.add_member(g.staff, estate_id, committee_id, request.form),
        lambda m: f"已添加{m.role_label}：{m.name}",
    )


@routes.post("/estates/<int:estate_id>/register/members/<int:member_id>/leave")
@staff_required
def register_member_leave(estate_id, member_id):
    return _act(
        estate_id,
        f"leave-{member_id}",
        confirmed(lambda: pages.remove_member(g.staff, estate_id, member_id, request.form)),
        lambda m: f"已登记 {m.name} 离任（{m.left_on.isoformat()}）",
    )


@routes.post("/estates/<int:estate_id>/register/branches")
@staff_required
def register_branch(estate_id):
    return _act(
        estate_id,
        "branch",
        lambda: pages.add_branch(g.staff, estate_id, request.form),
        lambda b: f"已登记党支部：{b.name}",
    )


@routes.post("/estates/<int:estate_id>/register/branches/<int:branch_id>/dissolve")
@staff_required
def register_branch_dissolve(estate_id, branch_id):
    return _act(
        estate_id,
        f"dissolve-{branch_id}",
        confirmed(lambda: pages.dissolve_branch(g.staff, estate_id, branch_id, request.form)),
        lambda b: f"已登记党支部撤销：{b.name}",
    )


@routes.post("/estates/<int:estate_id>/register/volunteer-teams")
@staff_required
def register_team(estate_id):
    return _act(
        estate_id,
        "team",
        lambda: pages.add_team(g.staff, estate_id, request.form),
        lambda t: f"已登记志愿者队伍：{t.name}",
    )


@routes.post("/estates/<int:estate_id>/register/company")
@staff_required
def register_company(estate_id):
    return _act(
        estate_id,
        "company",
        lambda: pages.set_company(g.staff, estate_id, request.form),
        lambda e: "已更新物业服务企业",
    )


@routes.get("/communities/<int:community_id>/candidates")
@staff_required
def register_candidates(community_id):
    return _candidate_page(community_id)


@routes.post("/communities/<int:community_id>/candidates")
@staff_required
def register_candidate_add(community_id):
    try:
        row = pages.add_candidate(g.staff, community_id, request.form)
    except DomainError as error:
        return _candidate_page(community_id, error=error, form=request.form)
    flash(f"已加入人选库：{row.name}", "success")
    return redirect(url_for("console.register_candidates", community_id=community_id), 303)


@routes.post("/communities/<int:community_id>/candidates/<int:candidate_id>/withdraw")
@staff_required
def register_candidate_withdraw(community_id, candidate_id):
    try:
        row = pages.withdraw_candidate(g.staff, community_id, candidate_id)
    except DomainError as error:
        return _candidate_page(community_id, error=error)
    flash(f"{row.name} 已退出人选库", "success")
    return redirect(url_for("console.register_candidates", community_id=community_id), 303)


def _register_page(estate_id, error=None, form_name="", form=None):
    data = pages.estate_register(g.staff, estate_id)
    html = render_template(
        "console/register_estate.html",
        error=error,
        form_name=form_name,
        form=form or {},
        **data,
    )
    return html, error.status if error else 200


def _candidate_page(community_id, error=None, form=None):
    data = pages.candidate_page(g.staff, community_id)
    html = render_template("console/register_candidates.html", error=error, form=form or {}, **data)
    return html, error.status if error else 200
