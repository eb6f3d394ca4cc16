"""``/_fake/wecom-member/``: act as a WeCom member of the Linli app from the fake's page.

The fake signs and encrypts a callback exactly as WeCom does and posts it to Linli's
``/bot/wecom/callback``, so a developer can bind, vote by text or click a vote card on the
embedded default without a real WeCom. Linli's address and callback secrets come from the same
LINLI_* settings Linli reads (``LINLI_FAKE_WECOM_CALLBACK_URL`` overrides the address).
"""

import itertools
import secrets
import time

import requests
from flask import Blueprint, current_app, redirect, request
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from config import settings

from .api import store

bp = Blueprint("fakewechat_member", __name__, url_prefix="/_fake/wecom-member")

_msg_ids = itertools.count(int(time.time()) * 1000)


def callback_settings() -> dict:
    """Where Linli listens and the secrets it checks, from the LINLI_* environment."""
    cfg = settings.load()
    default_url = f"http://{cfg['DEV_HOST']}:{cfg['DEV_PORT']}/bot/wecom/callback"
    return {
        "url": cfg["FAKE_WECOM_CALLBACK_URL"] or default_url,
        "token": cfg["WECOM_CALLBACK_TOKEN"],
        "aes_key": cfg["WECOM_CALLBACK_AES_KEY"],
        "corp_id": cfg["WECOM_CORP_ID"],
        "agent_id": cfg["WECOM_AGENT_ID"],
    }


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _envelope(target: dict, sender: str, inner: str) -> str:
    return (
        f"<xml><ToUserName>{_cdata(target['corp_id'])}</ToUserName>"
        f"<FromUserName>{_cdata(sender)}</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>{inner}"
        f"<AgentID>{target['agent_id']}</AgentID></xml>"
    )


def text_xml(target: dict, sender: str, content: str) -> str:
    inner = (
        f"<MsgType><![CDATA[text]]></MsgType><Content>{_cdata(content)}</Content>"
        f"<MsgId>{next(_msg_ids)}</MsgId>"
    )
    return _envelope(target, sender, inner)


def click_xml(target: dict, sender: str, task_id: str, question_key: str, option: str) -> str:
    inner = (
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        f"<EventKey>{_cdata('submit-' + question_key)}</EventKey>"
        f"<TaskId>{_cdata(task_id)}</TaskId><CardType><![CDATA[vote_interaction]]></CardType>"
        f"<ResponseCode>{_cdata(secrets.token_urlsafe(16))}</ResponseCode>"
        f"<SelectedItems><SelectedItem><QuestionKey>{_cdata(question_key)}</QuestionKey>"
        f"<OptionIds><OptionId>{_cdata(option)}</OptionId></OptionIds>"
        "</SelectedItem></SelectedItems>"
    )
    return _envelope(target, sender, inner)


def post_callback(target: dict, plain: str) -> str:
    """Encrypt, sign and post ``plain`` to Linli; returns "" or what went wrong."""
    crypto = WeChatCrypto(target["token"], target["aes_key"], target["corp_id"])
    encrypted = crypto.encrypt_message(plain, "x").split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    signer = WeChatSigner()
    signer.add_data(target["token"], timestamp, nonce, encrypted)
    body = (
        f"<xml><ToUserName>{_cdata(target['corp_id'])}</ToUserName>"
        f"<AgentID>{target['agent_id']}</AgentID><Encrypt>{_cdata(encrypted)}</Encrypt></xml>"
    )
    with requests.Session() as http:
        http.trust_env = False  # Linli is local: no environment proxy
        try:
            response = http.post(
                target["url"],
                params={"msg_signature": signer.signature, "timestamp": timestamp, "nonce": nonce},
                data=body.encode(),
                headers={"Content-Type": "text/xml"},
                timeout=10,
            )
        except requests.RequestException as exc:
            return f"回调失败：{type(exc).__name__}"
    return "" if response.status_code == 200 else f"回调失败：HTTP {response.status_code}"


def _target() -> dict:
    return current_app.config.get("MEMBER_CALLBACK") or callback_settings()


def _record(sender: str, shown: str, problem: str) -> None:
    group = f"wecom-user:{sender}"
    store().record(group, "member", {"content": shown, "problem": problem})


@bp.post("/text")
def send_text():
    """The member types ``content`` in the Linli app."""
    sender = request.form.get("userid", "").strip()[:64]
    content = request.form.get("content", "").strip()[:2048]
    if not sender or not content:
        return "userid and content are required", 400
    target = _target()
    problem = post_callback(target, text_xml(target, sender, content))
    _record(sender, content, problem)
    return redirect("/", code=303)


@bp.post("/click")
def click_card():
    """The member chooses an option on a vote card and presses its submit button."""
    form = {key: request.form.get(key, "").strip()[:128] for key in ("userid", "task_id")}
    question_key = request.form.get("question_key", "")[:1024]
    option = request.form.get("option", "")[:128]
    if not all(form.values()) or not question_key or not option:
        return "userid, task_id, question_key and option are required", 400
    target = _target()
    xml = click_xml(target, form["userid"], form["task_id"], question_key, option)
    problem = post_callback(target, xml)
    _record(form["userid"], f"[在投票卡片上选择「{option}」并提交]", problem)
    return redirect("/", code=303)
