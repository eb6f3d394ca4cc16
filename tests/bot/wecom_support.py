"""The test plays WeCom's server: it signs and encrypts callbacks with wechatpy's own crypto
and posts them to Linli's callback; queued handler jobs are run by an rq worker in the test
process. Shared by the bot tests and the WeCom binding tests."""

import itertools
import secrets
import string
import time
from pathlib import Path

import pytest
from rq import SimpleWorker
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from backend.accounts import wecom
from backend.extensions import db
from backend.jobs.queues import default_queue
from tests.isolation import end_test_transaction

FIXTURES = Path(__file__).parent / "fixtures"
URL = "/bot/wecom/callback"
_msg_ids = itertools.count(7_300_000_000_000_000_001)


def fixture_xml(name: str, **fields) -> str:
    """tests/bot/fixtures/<name>.xml with its $placeholders filled in."""
    return string.Template((FIXTURES / f"{name}.xml").read_text()).substitute(fields)


class WecomServer:
    """What WeCom does when a member writes to the Linli app or clicks a card."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        cfg = app.config
        self.token, self.corp_id, self.agent_id = (
            cfg["WECOM_CALLBACK_TOKEN"],
            cfg["WECOM_CORP_ID"],
            cfg["WECOM_AGENT_ID"],
        )
        self.crypto = WeChatCrypto(self.token, cfg["WECOM_CALLBACK_AES_KEY"], self.corp_id)

    def fields(self, **fields) -> dict:
        return {
            "corp_id": self.corp_id,
            "agent_id": self.agent_id,
            "create_time": int(time.time()),
            "msg_id": next(_msg_ids),
            "response_code": secrets.token_urlsafe(16),
            **fields,
        }

    def encrypt(self, plain: str, corp_id: str | None = None) -> str:
        crypto = self.crypto
        if corp_id is not None:
            crypto = WeChatCrypto(self.token, self.app.config["WECOM_CALLBACK_AES_KEY"], corp_id)
        body = crypto.encrypt_message(plain, "unused")
        return body.split("<Encrypt><![CDATA[")[1].split("]]></Encrypt>")[0]

    def sign(self, timestamp, nonce, payload, token=None) -> str:
        signer = WeChatSigner()
        signer.add_data(token or self.token, timestamp, nonce, payload)
        return signer.signature

    def query(self, payload, timestamp=None, nonce=None, signature=None, token=None) -> dict:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(8)
        signature = signature or self.sign(timestamp, nonce, payload, token)
        return {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}

    def post_encrypted(self, encrypted: str, **query):
        """POST as WeCom does: the ciphertext in <Encrypt>, the signature in the query."""
        body = (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<AgentID><![CDATA[{self.agent_id}]]></AgentID>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        )
        return self.client.post(
            URL,
            query_string=self.query(encrypted, **query),
            data=body.encode(),
            content_type="text/xml",
        )

    def post(self, xml: str, **query):
        return self.post_encrypted(self.encrypt(xml), **query)

    def send(self, name: str, **fields):
        """Post fixture ``name`` filled with ``fields`` (defaults: fresh MsgId, time now)."""
        return self.post(fixture_xml(name, **self.fields(**fields)))

    def text(self, sender: str, content: str, **fields):
        return self.send("text_message", sender=sender, content=content, **fields)

    def click(self, sender: str, motion_id: int, option_id: str, fixture="single", **fields):
        fields.setdefault("task_id", f"motion-{motion_id}-u-1")
        return self.send(
            f"template_card_event_{fixture}",
            sender=sender,
            question_key=f"motion-{motion_id}",
            option_id=option_id,
            **fields,
        )

    def verify_url(self, echo: str, **query):
        """WeCom's GET check when the callback URL is saved."""
        echostr = self.encrypt(echo)
        return self.client.get(
            URL, query_string={**self.query(echostr, **query), "echostr": echostr}
        )


@pytest.fixture
def wecom_server(app, client) -> WecomServer:
    return WecomServer(app, client)


@pytest.fixture
def run_jobs(app):
    """run_jobs() -> how many queued jobs an rq worker ran; fails the test if one failed."""

    def run() -> int:
        queue = default_queue()
        count = queue.count
        end_test_transaction()
        with app.app_context():  # the job's own session, as in a worker
            SimpleWorker([queue], connection=queue.connection).work(
                burst=True, with_scheduler=False, logging_level="WARNING"
            )
        failed = queue.failed_job_registry
        assert failed.count == 0, [
            queue.fetch_job(job_id).latest_result().exc_string for job_id in failed.get_job_ids()
        ]
        db.session.expire_all()
        return count

    return run


def queued() -> int:
    return default_queue().count


def replies_to(fake_wechat, wecom_userid: str) -> list[str]:
    """The text messages the Linli app sent to the member, oldest first."""
    return [
        m["body"]["text"]["content"]
        for m in fake_wechat.messages(f"wecom-user:{wecom_userid}")
        if m["msgtype"] == "text"
    ]


def bind(person, wecom_userid: str) -> None:
    """Bind ``person`` to ``wecom_userid`` as the service does for "绑定 <code>"."""
    code, _ = wecom.issue_code(person)
    wecom.bind(wecom_userid, code)
