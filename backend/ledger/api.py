"""Estate accounts (业账社审): periods, entries, vouchers, transitions, statements, exports,
questions and chain verification under /api/v1/estates/{id}/ledger."""

import io

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from backend.accounts.auth import current_user, login_required
from backend.common import storage
from backend.common.pagination import PageArgs, page_schema
from backend.common.schemas import FileUploadSchema
from backend.common.uploads import download_doc
from backend.errors import ValidationFailed
from backend.ledger import (
    access,
    entries,
    exports,
    imports,
    periods,
    questions,
    schemas,
    statements,
    vouchers,
    workflow,
)

blp = Blueprint("ledger", __name__, url_prefix="/api/v1", description="业账社审")
PREFIX = "/estates/<int:estate_id>/ledger"
FILE_RESPONSE = {"type": "string", "format": "binary"}


def _file(data: bytes, mimetype: str, name: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, max_age=0)


@blp.route(f"{PREFIX}/periods")
class Periods(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.PeriodListArgs, location="query")
    @blp.response(200, page_schema(schemas.PeriodSummarySchema))
    def get(self, args, estate_id):
        """The estate's periods, newest first (only published ones for owners)."""
        return periods.list_periods(current_user(), estate_id, **args)

    @blp.arguments(schemas.PeriodArgs)
    @blp.response(201, schemas.PeriodDetailSchema)
    def post(self, args, estate_id):
        """Open a draft period (a month or a quarter)."""
        period = periods.create_period(current_user(), estate_id, **args)
        return periods.period_detail(current_user(), estate_id, period.id)


@blp.route(f"{PREFIX}/periods/<int:period_id>")
class PeriodItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.PeriodDetailSchema)
    def get(self, estate_id, period_id):
        """One period with its approvals, its events and what I may do with it now."""
        return periods.period_detail(current_user(), estate_id, period_id)


@blp.route(f"{PREFIX}/periods/<int:period_id>/transitions")
class PeriodTransitions(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.TransitionArgs)
    @blp.response(200, schemas.PeriodDetailSchema)
    def post(self, args, estate_id, period_id):
        """Submit, approve, return (with a reason), audit or publish a period."""
        return workflow.transition(current_user(), estate_id, period_id, **args)


@blp.route(f"{PREFIX}/periods/<int:period_id>/entries")
class PeriodEntries(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.EntrySchema))
    def get(self, args, estate_id, period_id):
        """The period's entries in date order."""
        return entries.list_entries(current_user(), estate_id, period_id, **args)

    @blp.arguments(schemas.EntryArgs)
    @blp.response(201, schemas.EntrySchema)
    def post(self, args, estate_id, period_id):
        """Add an entry to a draft period (a reversal names the published entry it reverses)."""
        return entries.add_entry(current_user(), estate_id, period_id, args)


@blp.route(f"{PREFIX}/periods/<int:period_id>/entries/import")
class EntryImport(MethodView):
    decorators = [login_required]

    # The file first: a request without one is told so, whatever else its form holds.
    @blp.arguments(FileUploadSchema, location="files")
    @blp.arguments(schemas.FileNameArgs, location="form")
    @blp.response(201, schemas.EntryImportResultSchema)
    def post(self, files, form, estate_id, period_id):
        """Add entries from an .xlsx sheet: every row, or none if any row is wrong;
        ``filename`` (a form field) names it when the file part cannot."""
        upload = files["file"]
        if not (form["filename"] or upload.filename or "").lower().endswith(".xlsx"):
            raise ValidationFailed("请上传 .xlsx 格式的表格", fields={"file": ["仅支持 .xlsx"]})
        return entries.import_entries(current_user(), estate_id, period_id, upload.stream)


@blp.route(f"{PREFIX}/import-template")
class ImportTemplate(MethodView):
    decorators = [login_required]

    @blp.response(200, FILE_RESPONSE, content_type=exports.XLSX_TYPE)
    def get(self, estate_id):
        """The .xlsx template for importing entries (for those who prepare the accounts)."""
        access.require_preparer(current_user(), estate_id)
        return _file(imports.template(), exports.XLSX_TYPE, "账目导入模板.xlsx")


@blp.route(f"{PREFIX}/entries/<int:entry_id>")
class EntryItem(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.EntryDetailSchema)
    def get(self, estate_id, entry_id):
        """One entry with its vouchers (vouchers for verified owners and staff only)."""
        return entries.entry_detail(current_user(), estate_id, entry_id)

    @blp.arguments(schemas.EntryChangeArgs(partial=True))
    @blp.response(200, schemas.EntrySchema)
    def patch(self, args, estate_id, entry_id):
        """Change an entry of a draft period."""
        return entries.update_entry(current_user(), estate_id, entry_id, args)

    @blp.response(204)
    def delete(self, estate_id, entry_id):
        """Remove an entry of a draft period."""
        entries.delete_entry(current_user(), estate_id, entry_id)


@blp.route(f"{PREFIX}/entries/<int:entry_id>/vouchers")
class VoucherUpload(MethodView):
    decorators = [login_required]

    @blp.arguments(FileUploadSchema, location="files")
    @blp.arguments(schemas.FileNameArgs, location="form")
    @blp.response(201, schemas.VoucherSchema)
    def post(self, files, form, estate_id, entry_id):
        """Attach a voucher (JPG, PNG or PDF, at most 10 MB) to an entry of a draft period;
        ``filename`` (a form field) names it when the file part cannot."""
        upload = files["file"]
        name = form["filename"] or upload.filename
        return vouchers.upload_voucher(current_user(), estate_id, entry_id, name, upload.read())


@blp.route(f"{PREFIX}/vouchers/<int:voucher_id>")
class VoucherDownload(MethodView):
    decorators = [login_required]

    @blp.doc(**download_doc(vouchers.SUFFIXES))
    def get(self, estate_id, voucher_id):
        """Download a voucher (verified owners and staff)."""
        row = vouchers.voucher(current_user(), estate_id, voucher_id)
        return storage.send(row.storage_key, row.content_type, row.name)


@blp.route(f"{PREFIX}/periods/<int:period_id>/statement")
class Statement(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.StatementSchema)
    def get(self, estate_id, period_id):
        """Totals by category, opening and closing balance, comparison with the last period."""
        return statements.statement(current_user(), estate_id, period_id)


@blp.route(f"{PREFIX}/periods/<int:period_id>/statement.xlsx")
class StatementXlsx(MethodView):
    decorators = [login_required]

    @blp.response(200, FILE_RESPONSE, content_type=exports.XLSX_TYPE)
    def get(self, estate_id, period_id):
        """The statement and every entry as an .xlsx workbook."""
        statement = statements.statement(current_user(), estate_id, period_id)
        data = exports.to_xlsx(statement, statements.statement_entries(period_id))
        return _file(data, exports.XLSX_TYPE, exports.file_name(statement, ".xlsx"))


@blp.route(f"{PREFIX}/periods/<int:period_id>/statement.pdf")
class StatementPdf(MethodView):
    decorators = [login_required]

    @blp.response(200, FILE_RESPONSE, content_type="application/pdf")
    def get(self, estate_id, period_id):
        """The statement as a PDF, with the period's head hash printed on it."""
        statement = statements.statement(current_user(), estate_id, period_id)
        data = exports.to_pdf(statement, statements.statement_entries(period_id))
        return _file(data, "application/pdf", exports.file_name(statement, ".pdf"))


@blp.route(f"{PREFIX}/periods/<int:period_id>/questions")
class Questions(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.QuestionSchema))
    def get(self, args, estate_id, period_id):
        """Owners' questions on the period and their answers, newest first."""
        return questions.list_questions(current_user(), estate_id, period_id, **args)

    @blp.arguments(schemas.QuestionArgs)
    @blp.response(201, schemas.QuestionSchema)
    def post(self, args, estate_id, period_id):
        """Ask about a published period, or one of its entries (verified owners)."""
        return questions.ask(current_user(), estate_id, period_id, **args)


@blp.route(f"{PREFIX}/questions/<int:question_id>/answer")
class QuestionAnswer(MethodView):
    decorators = [login_required]

    @blp.arguments(schemas.AnswerArgs)
    @blp.response(200, schemas.QuestionSchema)
    def post(self, args, estate_id, question_id):
        """Answer a question in the open (committee or property manager), once."""
        return questions.answer(current_user(), estate_id, question_id, args["body"])


@blp.route(f"{PREFIX}/verify")
class Verify(MethodView):
    decorators = [login_required]

    @blp.response(200, schemas.VerifySchema)
    def get(self, estate_id):
        """Recompute the estate's whole hash chain: ok, or the first broken period."""
        return statements.verify_for(current_user(), estate_id)


@blp.route("/ledger/pending-approvals")
class PendingApprovals(MethodView):
    decorators = [login_required]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(schemas.PendingPeriodSchema))
    def get(self, args):
        """Submitted periods of my estates waiting for my approval."""
        return workflow.pending_approvals(current_user(), **args)
