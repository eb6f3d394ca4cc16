"""Fake api.weixin.qq.com and qyapi.weixin.qq.com endpoints (their paths do not collide).

Answers use WeChat's shapes: HTTP 200 with ``{"errcode": ..., "errmsg": ...}`` for errors.
"""

import base64
import binascii
import functools
import hashlib
import json
import re
import secrets
import time
import uuid
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from .store import FakeStore

bp = Blueprint("fakewechat_api", __name__)

# Message types each send endpoint accepts (WeCom robot / app chat / app message docs).
ROBOT_TYPES = {"text", "markdown", "markdown_v2", "image", "news", "file", "voice", "template_card"}
APPCHAT_TYPES = {
    "text",
    "image",
    "voice",
    "video",
    "file",
    "textcard",
    "news",
    "mpnews",
    "markdown",
}
APP_MESSAGE_TYPES = APPCHAT_TYPES | {"miniprogram_notice", "template_card"}
CONTENT_TYPES = {"text", "markdown", "markdown_v2"}
# A robot's image: JPG or PNG of at most 2 MB before base64; temporary media: 10 MB.
ROBOT_IMAGE_MAX_BYTES = 2 * 1024 * 1024
MEDIA_IMAGE_MAX_BYTES = 10 * 1024 * 1024
PICTURE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
# The pages a URL Link may open are the published mini-program's: this repository's.
APP_JSON = Path(__file__).resolve().parents[2] / "miniprogram" / "app.json"
URL_LINK_QUERY = re.compile(r"[0-9a-zA-Z!#$&'()*+,/:;=?@\-._~%]*")


def store() -> FakeStore:
    return current_app.extensions["fakewechat"]


def ok(**extra):
    return jsonify({"errcode": 0, "errmsg": "ok", **extra})


def error(errcode: int, errmsg: str):
    return jsonify({"errcode": errcode, "errmsg": errmsg})


TOKEN_ERRORS = {
    40001: "invalid credential, access_token is invalid or not latest",
    41001: "access_token missing",
    42001: "access_token expired",
}


@bp.before_request
def count_and_inject_faults():
    """Count every API call, then apply the oldest matching injected fault, if any."""
    store().count_call(request.path)
    fault = store().take_fault(request.path)
    if fault is None:
        return None
    if fault.kind == "slow":
        time.sleep(fault.delay_seconds)
        return None
    if fault.kind == "http_500":
        # The real gateway answers a bare HTML/text page, not JSON.
        return "Internal Server Error", 500, {"Content-Type": "text/plain"}
    code = {
        "token_expired": 42001,
        "invalid_token": 40001,
        "rate_limit": 45009,
        "no_consent": 43101,  # a subscribe message the owner did not (or no longer) allow
    }[fault.kind]
    if code == 45009:
        return error(45009, "api freq out of limit")
    if code == 43101:
        return error(43101, "user refuse to accept the msg")
    return error(code, TOKEN_ERRORS[code])


def token_error(realm: str):
    code = store().check_token(request.args.get("access_token", ""), realm)
    return error(code, TOKEN_ERRORS[code]) if code else None


def json_body() -> dict | None:
    # wechatpy posts JSON bytes without a Content-Type header, so parse regardless.
    body = request.get_json(force=True, silent=True)
    return body if isinstance(body, dict) else None


def json_api(realm: str | None = None):
    """Check the access token of ``realm`` (none for robot webhooks), parse the JSON body
    and pass it to the view; answer as WeChat does when either is wrong."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper():
            problem = token_error(realm) if realm else None
            if problem:
                return problem
            body = json_body()
            if body is None:
                return error(47001, "data format error")
            return view(body)

        return wrapper

    return decorate


def message_error(body: dict, allowed: set[str]):
    """Validate the common ``{"msgtype": T, T: {...}}`` shape; None when fine."""
    msgtype = body.get("msgtype")
    if not isinstance(msgtype, str) or msgtype not in allowed:
        return error(40008, "invalid message type")
    section = body.get(msgtype)
    if msgtype in CONTENT_TYPES:
        content = section.get("content") if isinstance(section, dict) else None
        if not isinstance(content, str) or not content.strip():
            return error(44004, "empty content")
    elif not isinstance(section, dict) or not section:
        return error(40058, f"invalid parameter: {msgtype} is required")
    elif msgtype == "template_card" and not section.get("card_type"):
        return error(40058, "invalid parameter: template_card.card_type is required")
    elif msgtype == "template_card" and section["card_type"] == "vote_interaction":
        return vote_card_error(section)
    elif msgtype == "news":
        return news_error(section)
    return None


def news_error(section: dict):
    """What WeCom checks on news (图文): 1-8 articles, each with a title of at most 128 bytes
    and a link; None when fine."""
    articles = section.get("articles")
    if not isinstance(articles, list) or not 1 <= len(articles) <= 8:
        return error(40058, "invalid parameter: news.articles")
    for article in articles:
        title = article.get("title") if isinstance(article, dict) else None
        if not isinstance(title, str) or not title or len(title.encode()) > 128:
            return error(40058, "invalid parameter: news.articles.title")
        if not isinstance(article.get("url"), str) or not article["url"].startswith("http"):
            return error(40058, "invalid parameter: news.articles.url")
        if len(str(article.get("description", "")).encode()) > 512:
            return error(40058, "invalid parameter: news.articles.description")
    return None


TASK_ID = re.compile(r"[A-Za-z0-9_\-@]{1,128}")


def vote_card_error(card: dict):
    """What WeCom checks on a vote card: a task id, a question with 1-20 options, a submit
    button with a key; None when fine."""
    if not isinstance(card.get("task_id"), str) or not TASK_ID.fullmatch(card["task_id"]):
        return error(40058, "invalid parameter: template_card.task_id")
    checkbox = card.get("checkbox") if isinstance(card.get("checkbox"), dict) else {}
    if not checkbox.get("question_key"):
        return error(40058, "invalid parameter: template_card.checkbox.question_key")
    options = checkbox.get("option_list")
    if not isinstance(options, list) or not 1 <= len(options) <= 20:
        return error(40058, "invalid parameter: template_card.checkbox.option_list")
    if not all(isinstance(o, dict) and o.get("id") and o.get("text") for o in options):
        return error(40058, "invalid parameter: template_card.checkbox.option_list")
    button = card.get("submit_button")
    if not isinstance(button, dict) or not button.get("text") or not button.get("key"):
        return error(40058, "invalid parameter: template_card.submit_button")
    return None


# -- access tokens and login -------------------------------------------------------------


@bp.get("/cgi-bin/token")
def mp_token():
    if request.args.get("grant_type") != "client_credential":
        return error(40002, "invalid grant_type")
    if not request.args.get("appid"):
        return error(41002, "appid missing")
    if not request.args.get("secret"):
        return error(41004, "appsecret missing")
    return jsonify({"access_token": store().issue_token("mp"), "expires_in": 7200})


@bp.get("/cgi-bin/gettoken")
def wecom_token():
    if not request.args.get("corpid"):
        return error(41002, "corpid missing")
    if not request.args.get("corpsecret"):
        return error(41004, "corpsecret missing")
    return ok(access_token=store().issue_token("wecom"), expires_in=7200)


@bp.get("/sns/jscode2session")
def jscode2session():
    # The real endpoint takes appid+secret, not an access token.
    if not request.args.get("appid"):
        return error(41002, "appid missing")
    if not request.args.get("secret"):
        return error(41004, "appsecret missing")
    code = request.args.get("js_code", "")
    if not code:
        return error(41008, "missing code")
    prefix, _, openid = code.partition(":")
    if prefix != "fake" or not openid:
        return error(40029, "invalid code")
    session_key = base64.b64encode(secrets.token_bytes(16)).decode()
    return jsonify({"openid": openid, "session_key": session_key, "unionid": f"union-{openid}"})


# -- WeCom group robot, app chat and app messages ----------------------------------------


@bp.post("/cgi-bin/webhook/send")
@json_api()
def robot_send(body: dict):
    key = request.args.get("key", "")
    if not key:
        return error(93000, "invalid webhook url")
    problem = message_error(body, ROBOT_TYPES)
    if problem:
        return problem
    if body["msgtype"] == "image":
        picture = robot_picture(body["image"])
        if not isinstance(picture, bytes):
            return picture
        store().add_media(picture, body["image"]["md5"])
    store().record(f"robot:{key}", body["msgtype"], body)
    return ok()


def robot_picture(section: dict):
    """The picture of a robot's image message, or WeCom's error when it is not one."""
    try:
        picture = base64.b64decode(str(section.get("base64", "")), validate=True)
    except (binascii.Error, ValueError):
        return error(40058, "invalid parameter: image.base64")
    if not picture.startswith(PICTURE_MAGIC):
        return error(40058, "invalid parameter: image must be jpg or png")
    if len(picture) > ROBOT_IMAGE_MAX_BYTES:
        return error(40009, "invalid image size")
    if section.get("md5") != hashlib.md5(picture).hexdigest():
        return error(40058, "invalid parameter: image.md5 does not match")
    return picture


@bp.post("/cgi-bin/appchat/create")
@json_api("wecom")
def appchat_create(body: dict):
    userlist = body.get("userlist")
    if not isinstance(userlist, list) or len(userlist) < 2:
        return error(86006, "chat member count must be between 2 and 2000")
    chatid = body.get("chatid") or uuid.uuid4().hex
    if not store().create_chat(chatid, body.get("name", ""), body.get("owner", ""), userlist):
        return error(86215, "chatid already exists")
    return ok(chatid=chatid)


@bp.post("/cgi-bin/appchat/send")
@json_api("wecom")
def appchat_send(body: dict):
    chatid = body.get("chatid")
    if not chatid or store().chat(chatid) is None:
        return error(86003, "chatid not exist")
    problem = message_error(body, APPCHAT_TYPES)
    if problem:
        return problem
    if body["msgtype"] == "image" and store().media(str(body["image"].get("media_id"))) is None:
        return error(40007, "invalid media_id")
    store().record(f"appchat:{chatid}", body["msgtype"], body)
    return ok()


@bp.post("/cgi-bin/media/upload")
def media_upload():
    """Temporary media (临时素材), as an app chat's image needs it: multipart field "media"."""
    problem = token_error("wecom")
    if problem:
        return problem
    kind = request.args.get("type")
    if kind not in ("image", "voice", "video", "file"):
        return error(40004, "invalid media type")
    upload = request.files.get("media")
    data = upload.read() if upload else b""
    if not data:
        return error(41005, "media data missing")
    if kind == "image" and not data.startswith(PICTURE_MAGIC):
        return error(40005, "invalid file type")
    if kind == "image" and len(data) > MEDIA_IMAGE_MAX_BYTES:
        return error(40006, "invalid file size")
    return ok(type=kind, media_id=store().add_media(data), created_at=str(int(time.time())))


@bp.post("/cgi-bin/message/send")
@json_api("wecom")
def app_message_send(body: dict):
    if not body.get("agentid"):
        return error(40056, "invalid agentid")
    targets = [
        f"{kind}:{target}"
        for field, kind in (
            ("touser", "wecom-user"),
            ("toparty", "wecom-party"),
            ("totag", "wecom-tag"),
        )
        for target in str(body.get(field) or "").split("|")
        if target
    ]
    if not targets:
        return error(40031, "invalid user list: touser, toparty and totag are all empty")
    problem = message_error(body, APP_MESSAGE_TYPES)
    if problem:
        return problem
    for group in targets:
        store().record(group, body["msgtype"], body)
    extra = {"invaliduser": "", "invalidparty": "", "invalidtag": "", "msgid": uuid.uuid4().hex}
    if body["msgtype"] == "template_card":
        # Interactive cards get a code the app uses to update the card after a click.
        extra["response_code"] = secrets.token_urlsafe(24)
    return ok(**extra)


# -- mini-program subscribe message ------------------------------------------------------


@bp.post("/cgi-bin/message/subscribe/send")
@json_api("mp")
def subscribe_send(body: dict):
    if not body.get("touser"):
        return error(40003, "invalid openid")
    if not body.get("template_id"):
        return error(40037, "invalid template_id")
    if not isinstance(body.get("data"), dict) or not body["data"]:
        return error(47003, "argument invalid! data is required")
    store().record(f"subscribe:{body['touser']}", "subscribe", body)
    return ok(msgid=secrets.randbelow(10**12))


# -- mini-program URL Link -------------------------------------------------------------


@functools.cache
def miniprogram_pages() -> frozenset[str] | None:
    """The page paths of miniprogram/app.json; None when the file is not there (any path
    then passes)."""
    try:
        return frozenset(json.loads(APP_JSON.read_text(encoding="utf-8"))["pages"])
    except (OSError, ValueError, KeyError):
        return None


@bp.post("/wxa/generate_urllink")
@json_api("mp")
def generate_urllink(body: dict):
    """As WeChat checks a URL Link request: an existing page with no query in it (else
    40165), a query of allowed characters within 1,024, a known env_version, an expiry
    within 30 days."""
    path = body.get("path", "")
    query = body.get("query", "")
    if not isinstance(path, str) or "?" in path:
        return error(40165, "invalid weapp pagepath")
    path = path.lstrip("/")
    known = miniprogram_pages()
    if path and known is not None and path not in known:
        return error(40165, "invalid weapp pagepath")
    if not isinstance(query, str) or len(query) > 1024 or not URL_LINK_QUERY.fullmatch(query):
        return error(40212, "invalid query")
    env_version = body.get("env_version", "release")
    if env_version not in ("release", "trial", "develop"):
        return error(40097, "invalid args: env_version")
    now = time.time()
    if body.get("expire_type", 0) == 1:
        days = body.get("expire_interval")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 30:
            return error(40097, "invalid args: expire_interval")
        expires_at = now + days * 86400
    else:
        expires_at = body.get("expire_time")
        if not isinstance(expires_at, int) or not now < expires_at <= now + 30 * 86400:
            return error(40097, "invalid args: expire_time")
    return ok(url_link=store().add_url_link(path, query, env_version, expires_at))
