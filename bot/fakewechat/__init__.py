"""A fake api.weixin.qq.com + qyapi.weixin.qq.com for development and tests.

Run it with ``python -m bot.fakewechat --port 5050``; point ``WECHAT_API_BASE`` and
``WECOM_API_BASE`` at it. State lives in memory and is lost on restart. Its page can also
act as a WeCom member writing to the Linli app (bot/fakewechat/member.py).
"""

from flask import Flask

from . import api, control, member, page
from .store import FakeStore


def create_app() -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.extensions["fakewechat"] = FakeStore()
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(member.bp)
    app.register_blueprint(page.bp)
    return app
