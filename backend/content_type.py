"""Writes to the API must say what they send: JSON, or multipart for uploads; else 415."""

from flask import Flask, request
from werkzeug.exceptions import UnsupportedMediaType

UPLOAD_ENDPOINTS = {
    "funds.FundImport",
    "funds.ProjectDocuments",
    "places.UnitImport",
    "notices.AttachmentUpload",
    "ledger.EntryImport",
    "ledger.VoucherUpload",
    "tickets.PhotoUpload",
    "votes.AttachmentUpload",
}


def init_app(app: Flask) -> None:
    @app.before_request
    def _require_content_type():
        if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith("/api/"):
            return
        if request.endpoint is None:
            return  # routing found nothing: its 404 (or 405) is the answer, not a 415
        mimetype = request.mimetype
        if request.endpoint in UPLOAD_ENDPOINTS:
            if mimetype != "multipart/form-data":
                raise UnsupportedMediaType()
        elif (request.content_length or request.headers.get("Transfer-Encoding")) and (
            mimetype != "application/json"
        ):
            raise UnsupportedMediaType()
