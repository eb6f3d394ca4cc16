"""Security headers on every response, and downloads that a browser saves instead of runs.

A small ``after_request`` rather than flask-talisman: the policy differs by area (the console,
the Swagger UI page, everything else), talisman by default redirects to HTTPS and marks the
session cookie Secure (both already decided in config/settings.py for the embedded mode), and
these few lines need no dependency.
"""

from flask import Flask, request

# The console: scripts only from our own static files, never inline (so a markup injection
# cannot run script). Styles may be inline: 22 templates carry a <style> block and a few
# elements a style= attribute, ECharts and the <dialog> viewer set styles too, and CSS alone
# cannot run code or read the page's secrets the way script can.
CONSOLE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# /api/docs: Swagger UI (locally served) starts from backend/docs_assets/swagger-init.js;
# it draws its icons as data: SVGs and styles elements inline.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# JSON, files, Open311 XML: nothing here is a page. Should a stored file ever be opened as
# one anyway, the sandbox keeps it from running script or reaching our origin.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


def init_app(app: Flask) -> None:
    app.after_request(_headers)


def _policy(path: str) -> str:
    if path == "/console" or path.startswith("/console/"):
        return CONSOLE_POLICY
    if path == "/api/docs" or path.startswith("/api/docs/"):
        return DOCS_POLICY
    return OTHER_POLICY


def _headers(response):
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", _policy(request.path))
    _as_attachment(response)
    return response


def _as_attachment(response) -> None:
    """A file named for download is saved, not opened in our origin, unless it is an image
    (pictures are shown in the console's viewer and the mini program; uploads.check made sure
    they are pictures, and nosniff keeps the browser from guessing otherwise)."""
    disposition = response.headers.get("Content-Disposition", "")
    if not disposition.lower().startswith("inline"):
        return
    if (response.mimetype or "").startswith("image/"):
        return
    response.headers["Content-Disposition"] = "attachment" + disposition[len("inline") :]
