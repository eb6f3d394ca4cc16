"""The maintenance fund (公维金) under /api/v1/estates/{id}/fund and its repair projects under
/api/v1/estates/{id}/repair-projects."""

import io

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common import storage
from backend.common.pagination import page_schema
from backend.common.schemas import FileUploadSchema
from backend.common.uploads import download_doc
from backend.errors import ValidationFailed
from backend.funds import (
    accounts,
    approvals,
    detail,
    documents,
    imports,
    payments,
    projects,
    ratings,
    schemas,
    workflow,
)
from backend.funds.access import WRITER_ROLES, estate_for, require
from backend.ledger.exports import XLSX_TYPE

blp = Blueprint("funds", __name__, url_prefix="/api/v1", description="维修资金（公维金）")
FUND = "/estates/<int:estate_id>/fund"
PROJECTS = "/estates/<int:estate_id>/repair-projects"
PROJECT = f"{PROJECTS}/<int:project_id>"


def _detail(estate_id: int, project_id: int) -> dict:
    return detail.project_detail(current_user(), estate_id, project_id)


@blp.route(FUND)
class Fund(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.FundSchema)
    def get(self, estate_id):
        """The fund: balance, each building's share, and (owners) my units' balances."""
        return accounts.fund_summary(current_user(), estate_id)


@blp.route(f"{FUND}/movements")
class FundMovements(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.FundMovementListArgs, location="query")
    @blp.response(200, page_schema(schemas.FundMovementSchema))
    def get(self, args, estate_id):
        """The fund's movements, newest first (owners: those of their buildings)."""
        return accounts.list_movements(current_user(), estate_id, **args)


@blp.route(f"{FUND}/units")
class FundUnits(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.FundMovementListArgs, location="query")
    @blp.response(200, page_schema(schemas.FundUnitSchema))
    def get(self, args, estate_id):
        """Every unit's balance (committee, manager and officers)."""
        return accounts.list_units(current_user(), estate_id, **args)


@blp.route(f"{FUND}/imports")
class FundImport(MethodView):
    decorators = [login_required]

    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, schemas.FundImportResultSchema)
    def post(self, files, estate_id):
        """Import the housing authority's statement (.xlsx): every row, or none."""
        upload = files["file"]
        if not (upload.filename or "").lower().endswith(".xlsx"):
            raise ValidationFailed("请上传 .xlsx 格式的表格", fields={"file": ["仅支持 .xlsx"]})
        result = imports.import_statement(current_user(), estate_id, upload.stream)
        return {**result, "fund": accounts.fund_summary(current_user(), estate_id)}


@blp.route(f"{FUND}/import-template")
class FundImportTemplate(MethodView):
    decorators = [login_required]

    @blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX_TYPE)
    def get(self, estate_id):
        """The .xlsx template of the authority's statement (committee and manager)."""
        _estate, roles = estate_for(current_user(), estate_id)
        require(roles, WRITER_ROLES, "只有业委会或物业可以导入维修资金账单")
        return send_file(
            io.BytesIO(imports.template()),
            mimetype=XLSX_TYPE,
            download_name="维修资金导入模板.xlsx",
            max_age=0,
        )


@blp.route(f"{FUND}/verify")
class FundVerify(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.FundVerifySchema)
    def get(self, estate_id):
        """Recompute the fund's hash chain and name the first broken link."""
        return accounts.verify_for(current_user(), estate_id)


@blp.route(PROJECTS)
class Projects(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairProjectListArgs, location="query")
    @blp.response(200, page_schema(schemas.RepairProjectSummarySchema))
    def get(self, args, estate_id):
        """The estate's repair projects, newest first (drafts only for committee and manager)."""
        return projects.list_projects(current_user(), estate_id, **args)

    @blp.arguments(schemas.RepairProjectArgs)
    @blp.response(201, schemas.RepairProjectDetailSchema)
    def post(self, args, estate_id):
        """Write a draft repair project (committee)."""
        project = projects.create_project(current_user(), estate_id, args)
        return _detail(estate_id, project.id)


@blp.route(PROJECT)
class ProjectItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.RepairProjectDetailSchema)
    def get(self, estate_id, project_id):
        """One project with its quotes, approvals, documents, payments, ratings and trail."""
        return _detail(estate_id, project_id)

    @blp.arguments(schemas.RepairProjectChangeArgs(partial=True))
    @blp.response(200, schemas.RepairProjectDetailSchema)
    def patch(self, args, estate_id, project_id):
        """Change a draft or returned project (committee)."""
        projects.update_project(current_user(), estate_id, project_id, args)
        return _detail(estate_id, project_id)


@blp.route(f"{PROJECT}/quotes")
class ProjectQuotes(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairQuoteArgs)
    @blp.response(201, schemas.RepairQuoteSchema)
    def post(self, args, estate_id, project_id):
        """Add a contractor's quote (committee, draft or returned)."""
        return projects.add_quote(current_user(), estate_id, project_id, args)


@blp.route(f"{PROJECT}/quotes/<int:quote_id>/choose")
class ProjectQuoteChoice(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairChooseArgs)
    @blp.response(200, schemas.RepairProjectDetailSchema)
    def post(self, args, estate_id, project_id, quote_id):
        """Choose a quote, with the reason (committee)."""
        projects.choose_quote(current_user(), estate_id, project_id, quote_id, args["reason"])
        return _detail(estate_id, project_id)


@blp.route(f"{PROJECT}/transitions")
class ProjectTransitions(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairProjectTransitionArgs)
    @blp.response(200, schemas.RepairProjectDetailSchema)
    def post(self, args, estate_id, project_id):
        """Submit, pre-check (pass or return), authorise, start, accept or cancel."""
        workflow.transition(current_user(), estate_id, project_id, **args)
        return _detail(estate_id, project_id)


@blp.route(f"{PROJECT}/motion")
class ProjectMotion(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairCiteMotionArgs)
    @blp.response(200, schemas.RepairProjectDetailSchema)
    def post(self, args, estate_id, project_id):
        """Cite the bearing owners' use_maintenance_fund vote (committee)."""
        approvals.cite_motion(current_user(), estate_id, project_id, args["motion_id"])
        return _detail(estate_id, project_id)


@blp.route(f"{PROJECT}/sign-offs")
class ProjectSignOffs(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairSignOffArgs)
    @blp.response(200, schemas.RepairProjectDetailSchema)
    def post(self, args, estate_id, project_id):
        """Sign an emergency repair for the committee, the community or the township."""
        approvals.sign_off(current_user(), estate_id, project_id, **args)
        return _detail(estate_id, project_id)


@blp.route(f"{PROJECT}/owners-notice")
class ProjectOwnersNotice(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.RepairProjectDetailSchema)
    def post(self, estate_id, project_id):
        """Tell the owners of an emergency repair by a notice (committee)."""
        approvals.notify_owners(current_user(), estate_id, project_id)
        return _detail(estate_id, project_id)


@blp.route(f"{PROJECT}/budget")
class ProjectBudget(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairBudgetArgs)
    @blp.response(200, schemas.RepairProjectDetailSchema)
    def post(self, args, estate_id, project_id):
        """Change an approved budget; a rise over the limit stops the project (committee)."""
        approvals.change_budget(current_user(), estate_id, project_id, **args)
        return _detail(estate_id, project_id)


@blp.route(f"{PROJECT}/documents")
class ProjectDocuments(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairDocumentFormArgs, location="form")
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, schemas.RepairDocumentSchema)
    def post(self, form, files, estate_id, project_id):
        """Upload a quote sheet, the contract, a photo or a voucher (committee, manager)."""
        upload = files["file"]
        name = form["filename"] or upload.filename or ""
        row = documents.upload(
            current_user(),
            estate_id,
            project_id,
            form["kind"],
            form["caption"],
            name,
            upload.read(),
        )
        return detail.document_view(row)


@blp.route(f"{PROJECT}/documents/<int:document_id>")
class ProjectDocument(MethodView):
    decorators = [login_required]

    @blp.doc(**download_doc(documents.FILE_SUFFIXES))
    def get(self, estate_id, project_id, document_id):
        """Download a file of a project I may see."""
        row = documents.document_for(current_user(), estate_id, project_id, document_id)
        return storage.send(row.storage_key, row.content_type, row.name)


@blp.route(f"{PROJECT}/payments")
class ProjectPayments(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairPaymentArgs)
    @blp.response(201, schemas.RepairPaymentSchema)
    def post(self, args, estate_id, project_id):
        """Pay an accepted, authorised project: booked in the fund's chain, split by area."""
        payment = payments.pay(current_user(), estate_id, project_id, args)
        return payments.payment_detail(payment)


@blp.route(f"{PROJECT}/ratings")
class ProjectRatings(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.RepairRatingArgs)
    @blp.response(201, schemas.RepairRatingSchema)
    def post(self, args, estate_id, project_id):
        """Rate the finished repair 1–5 (owners who bear the cost, once, within the window)."""
        return ratings.rate(current_user(), estate_id, project_id, **args)
