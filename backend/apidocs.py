"""Swagger UI's assets for /api/docs, served from the swagger-ui-bundle package so the docs
page works where no CDN is reachable."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

# docs_assets/ holds our own starter script, which replaced the page's inline one (see
# templates/swagger_ui.html): the docs run under a CSP without 'unsafe-inline'.
bp = Blueprint(
    "apidocs_assets",
    __name__,
    static_folder="docs_assets",
    static_url_path="/api/docs/linli",
)


@bp.get("/api/docs/assets/<path:filename>")
def asset(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
