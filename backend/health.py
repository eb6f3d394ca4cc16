"""GET /healthz: the database and (when configured) Redis answer."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from backend.extensions import db, redis_holder

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {type(error).__name__}"
    if redis_holder.client is None:
        checks["redis"] = "not configured"
    else:
        try:
            redis_holder.client.ping()
            checks["redis"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["redis"] = f"error: {type(error).__name__}"
    healthy = all(v in ("ok", "not configured") for v in checks.values())
    response = jsonify({"status": "ok" if healthy else "error", "checks": checks})
    response.status_code = 200 if healthy else 503
    return response
