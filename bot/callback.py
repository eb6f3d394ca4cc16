"""The Linli WeCom app's callback (``/bot/wecom/callback``): verify, decrypt, parse, hand on.

Every request must carry WeCom's signature over (token, timestamp, nonce, payload), compared
in constant time (wechatpy compares with ``!=``). The signature alone does not stop a replay,
so a timestamp more than 300 s away is refused (403, like a bad signature: either way the
request cannot be trusted) and so is a nonce seen before (403). A message WeCom delivers again
(it retries after 5 s without an answer) is recognised by its MsgId, or by sender + TaskId for
card clicks, and handled once. The work is done in a job; the answer is an empty 200 at once,
which tells WeCom there is no passive reply. Unsupported or malformed (but signed) payloads
are logged and answered the same way, never with a 500, so WeCom does not retry them.
"""

import hmac
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from xml.parsers.expat import ExpatError

import redis
import xmltodict
from flask import Blueprint, Flask, Response, current_app, request
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner
from werkzeug.exceptions import RequestEntityTooLarge

from backend.errors import DomainError, Forbidden, PayloadTooLarge
from backend.extensions import redis_holder
from backend.jobs.job import enqueue
from bot import handlers

log = logging.getLogger(__name__)

bp = Blueprint("wecom_callback", __name__, url_prefix="/bot/wecom")

MAX_SKEW_SECONDS = 300
# Longer than the whole accepted timestamp window (±300 s), so a replay inside it is caught.
NONCE_TTL_SECONDS = 600
# WeCom retries within seconds; a day covers any retry with room to spare.
SEEN_TTL_SECONDS = 86400
MAX_BODY_BYTES = 64 * 1024
KEY_PREFIX = "linli:wecom-callback:"
HANDLE_JOB = "bot.handlers.handle_job"
# An empty 200 tells WeCom there is no passive reply: it neither retries nor shows an error.
ACK = ""


@bp.get("/callback")
def verify_url():
    """WeCom's URL check when the app's callback is saved: answer with the decrypted echostr."""
    echostr = request.args.get("echostr", "")
    _authenticate(echostr)
    try:
        plain = _crypto().check_signature(
            request.args["msg_signature"],
            request.args["timestamp"],
            request.args["nonce"],
            echostr,
        )
    except Exception as exc:  # signed, yet not encrypted with our key for our corp
        log.warning("WeCom URL check could not be decrypted: %s", type(exc).__name__)
        raise Forbidden("回调验证失败：无法解密", code="undecryptable") from None
    return Response(plain, mimetype="text/plain")


@bp.post("/callback")
def receive():
    """A member's message or card click: checked here, handled by a job."""
    encrypted = _encrypted_body(_capped_body())
    _authenticate(encrypted)
    event = _event(encrypted)
    if event is not None:
        _hand_on_once(event)
    return _ack()


def _event(encrypted: str) -> dict | None:
    """The classified event of a signed payload; None (logged) when there is nothing to do."""
    try:
        xml = _crypto().decrypt_message(
            {"Encrypt": encrypted},
            request.args["msg_signature"],
            request.args["timestamp"],
            request.args["nonce"],
        )
        return handlers.classify(parse_message(xml))
    except handlers.UnsupportedEvent as exc:
        log.info("WeCom callback ignored: %s", exc)
    except Exception as exc:  # AnomalousPayload, undecryptable, not XML, no MsgType, ...
        log.warning("WeCom callback anomalous payload: %s: %s", type(exc).__name__, exc)
    return None


def _hand_on_once(event: dict) -> None:
    """Queue the event unless the same message was queued before (a WeCom retry)."""
    seen, key = _seen(), "seen:" + event["dedupe"]
    if not seen.first(key, SEEN_TTL_SECONDS):
        log.info("WeCom callback duplicate %s ignored", event["dedupe"])
        return
    try:
        _dispatch(event)
    except Exception:
        # Not handed on: let WeCom's retry (with a new nonce) get through.
        seen.forget(key)
        raise


def _ack() -> Response:
    return Response(ACK, mimetype="text/plain")


def _capped_body() -> bytes:
    """The posted body, read no further than MAX_BODY_BYTES + 1 bytes.

    A Content-Length alone does not bound a body: a chunked one has none, and behind a server
    that de-chunks (gunicorn, werkzeug's, both set ``wsgi.input_terminated``) Werkzeug then
    limits the stream only by the app-wide MAX_CONTENT_LENGTH (megabytes of uploads). So this
    view sets its own limit (Werkzeug refuses a larger Content-Length at once) and reads at
    most one byte past the cap itself, whatever the stream does. The limit is that one byte
    more: Werkzeug's limited stream hands out exactly its limit and only complains on a later
    read, so a limit of the cap itself would make an oversized body look like a full one.

    :raises PayloadTooLarge: (413) the body is larger than MAX_BODY_BYTES.
    """
    request.max_content_length = MAX_BODY_BYTES + 1
    try:
        body = request.stream.read(MAX_BODY_BYTES + 1)
    except RequestEntityTooLarge:
        body = None
    if body is None or len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge("回调消息过大")
    return body


def _encrypted_body(data: bytes) -> str:
    """The Encrypt element of the posted XML.

    :raises DomainError: (400) the body is not WeCom's callback XML.
    """
    try:
        body = xmltodict.parse(data, disable_entities=True)
        encrypted = body["xml"]["Encrypt"]
    except (ExpatError, KeyError, TypeError, ValueError):
        encrypted = None
    if not isinstance(encrypted, str) or not encrypted:
        raise DomainError("回调消息格式不正确", code="malformed_callback")
    return encrypted


def _authenticate(payload: str) -> None:
    """Signature, then freshness, then a nonce never seen before.

    :raises Forbidden: any of the three fails.
    """
    cfg = current_app.config
    signature = request.args.get("msg_signature", "")
    timestamp = request.args.get("timestamp", "")
    nonce = request.args.get("nonce", "")
    signer = WeChatSigner()
    signer.add_data(cfg["WECOM_CALLBACK_TOKEN"], timestamp, nonce, payload)
    if not hmac.compare_digest(signer.signature.encode(), signature.encode()):
        raise Forbidden("回调签名校验失败", code="bad_signature")
    try:
        skew = abs(time.time() - int(timestamp))
    except ValueError:
        skew = None
    if skew is None or skew > MAX_SKEW_SECONDS:
        raise Forbidden("回调请求已过期或时间戳无效", code="stale_request")
    if not nonce or not _seen().first("nonce:" + nonce, NONCE_TTL_SECONDS):
        raise Forbidden("回调请求重复（随机数已使用）", code="replayed_request")


def _crypto() -> WeChatCrypto:
    app = current_app._get_current_object()
    if "linli_wecom_crypto" not in app.extensions:
        cfg = app.config
        app.extensions["linli_wecom_crypto"] = WeChatCrypto(
            cfg["WECOM_CALLBACK_TOKEN"], cfg["WECOM_CALLBACK_AES_KEY"], cfg["WECOM_CORP_ID"]
        )
    return app.extensions["linli_wecom_crypto"]


def _dispatch(event: dict) -> None:
    """Enqueue the handler job; in the embedded default (no Redis) run it in a thread."""
    if redis_holder.client is None:
        app = current_app._get_current_object()
        inline_executor(app).submit(_run_inline, app, event)
        return
    enqueue(
        HANDLE_JOB,
        event,
        job_timeout=60,
        result_ttl=3600,
        failure_ttl=7 * 86400,
        description=f"wecom {event['kind']} from {event['sender']}",
    )


def inline_executor(app: Flask) -> ThreadPoolExecutor:
    """One thread per process handling callbacks in arrival order (embedded default)."""
    if "linli_wecom_inline" not in app.extensions:
        app.extensions["linli_wecom_inline"] = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="linli-wecom"
        )
    return app.extensions["linli_wecom_inline"]


def _run_inline(app: Flask, event: dict) -> None:
    with app.app_context():
        try:
            handlers.handle_job(event)
        except Exception:
            log.exception("WeCom event %s failed", event["dedupe"])


class SeenKeys:
    """Keys seen within their time to live: Redis SET NX EX, shared by every web process;
    without Redis (embedded default, one process), a dictionary in memory."""

    def __init__(self, client: redis.Redis | None):
        self._client = client
        self._memory: dict[str, float] = {}
        self._lock = threading.Lock()

    def first(self, key: str, ttl: int) -> bool:
        """Record ``key`` for ``ttl`` seconds; False if it was already recorded."""
        if self._client is not None:
            return bool(self._client.set(KEY_PREFIX + key, 1, nx=True, ex=ttl))
        now = time.monotonic()
        with self._lock:
            if len(self._memory) > 10_000:
                self._memory = {k: t for k, t in self._memory.items() if t > now}
            if self._memory.get(key, 0) > now:
                return False
            self._memory[key] = now + ttl
            return True

    def forget(self, key: str) -> None:
        if self._client is not None:
            self._client.delete(KEY_PREFIX + key)
        else:
            with self._lock:
                self._memory.pop(key, None)


def _seen() -> SeenKeys:
    app = current_app._get_current_object()
    if "linli_wecom_seen" not in app.extensions:
        app.extensions["linli_wecom_seen"] = SeenKeys(redis_holder.client)
    return app.extensions["linli_wecom_seen"]
