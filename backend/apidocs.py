"""Swagger UI's assets for /api/docs, served from the swagger-ui-bundle package so the docs
page works where no CDN is reachable."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("apidocs_assets", __name__)


@bp.get("/api/docs/assets/<path:filename>")
def asset(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
