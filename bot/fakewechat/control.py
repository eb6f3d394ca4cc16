"""``/_fake/`` endpoints tests and developers use to inspect and steer the fake server."""

from flask import Blueprint, Response, jsonify, request

from .api import store
from .store import FAULT_KINDS, Fault

bp = Blueprint("fakewechat_control", __name__, url_prefix="/_fake")

MAX_DELAY_SECONDS = 60.0


def bad_request(message: str):
    return jsonify({"error": message}), 400


@bp.post("/faults")
def add_fault():
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        return bad_request("body must be a JSON object")
    kind = body.get("kind")
    if kind not in FAULT_KINDS:
        return bad_request(f"kind must be one of {', '.join(FAULT_KINDS)}")
    count = body.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return bad_request("count must be a positive integer")
    delay = body.get("delay_seconds", 0)
    if not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY_SECONDS:
        return bad_request(f"delay_seconds must be between 0 and {MAX_DELAY_SECONDS:g}")
    paths = body.get("paths")
    if paths is not None and (
        not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths)
    ):
        return bad_request("paths must be a list of path prefixes")
    fault = Fault(kind, count, float(delay), tuple(paths) if paths is not None else None)
    store().add_fault(fault)
    return jsonify({"ok": True, "fault": fault.as_dict()})


@bp.get("/faults")
def list_faults():
    return jsonify({"faults": store().faults()})


@bp.post("/expire-tokens")
def expire_tokens():
    return jsonify({"ok": True, "expired": store().expire_tokens()})


@bp.post("/reset")
def reset():
    store().reset()
    return jsonify({"ok": True})


@bp.post("/groups")
def name_group():
    """Give a destination such as ``robot:KEY`` the name of its group, and optionally its
    profile (internal or external), for the page."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        return bad_request("body must be a JSON object")
    group, name = body.get("group"), body.get("name")
    if not isinstance(group, str) or ":" not in group or not isinstance(name, str) or not name:
        return bad_request("group (kind:address) and name are required")
    profile = body.get("profile")
    if profile not in (None, "internal", "external"):
        return bad_request("profile must be internal or external")
    store().name_group(group, name[:64], profile)
    return jsonify({"ok": True})


@bp.get("/messages")
def messages():
    return jsonify({"messages": store().messages(request.args.get("group"))})


@bp.get("/media/<media_id>")
def media(media_id: str):
    """A picture a robot was sent or an app uploaded, for the chat page to show."""
    data = store().media(media_id)
    if data is None:
        return jsonify({"error": "no such media"}), 404
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return Response(data, mimetype=kind)


@bp.get("/calls")
def calls():
    return jsonify({"calls": store().calls()})
