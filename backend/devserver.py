"""`make run`: the whole product on the embedded default, in one process.

SQLite in ./var, the fake WeChat server (whose page shows each estate's group chat), the
demo county loaded on first start, then the API and console.
"""

import os
import threading

from flask_migrate import upgrade
from werkzeug.serving import make_server, run_simple

from backend import create_app, demo
from backend.group_chats.models import ChannelKind
from backend.jobs.embedded import EmbeddedRunner
from bot.fakewechat import create_app as create_fake_wechat
from config.settings import VAR_DIR

HOST = os.environ.get("LINLI_HOST", "127.0.0.1")
PORT = int(os.environ.get("LINLI_PORT", "5000"))
FAKE_PORT = int(os.environ.get("LINLI_FAKE_WECHAT_PORT", "5050"))


def _start_fake_wechat():
    fake = create_fake_wechat()
    server = make_server(HOST, FAKE_PORT, fake, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True, name="fake-wechat").start()
    return fake, f"http://{HOST}:{FAKE_PORT}"


def _introduce_group_chats(fake) -> None:
    """Tell the fake WeChat each estate's group: app chats must exist before the bot posts,
    and robots are shown under their group's name. (Its memory is empty at every start.)"""
    store = fake.extensions["fakewechat"]
    for group in demo.group_chats_for_fake_wechat():
        if group.channel == ChannelKind.WECOM_APPCHAT:
            store.create_chat(group.address, group.name, "linli-bot", ["linli-bot", "owner"])
            store.name_group(f"appchat:{group.address}", group.name)
        else:
            store.name_group(f"robot:{group.address}", group.name)


def main() -> None:
    VAR_DIR.mkdir(exist_ok=True)
    fake, fake_url = _start_fake_wechat()
    os.environ.setdefault("LINLI_WECHAT_API_BASE", fake_url)
    os.environ.setdefault("LINLI_WECOM_API_BASE", fake_url)
    app = create_app()
    with app.app_context():
        upgrade()
        if not demo.is_loaded():
            print("首次启动：正在载入演示县数据 (demo county) ...", flush=True)
            demo.seed()
        _introduce_group_chats(fake)
    if not app.config["REDIS_URL"]:
        # No Redis: deliver outbox rows and run the periodic jobs from a thread of this process.
        EmbeddedRunner(app).start()
    base = f"http://{HOST}:{PORT}"
    print(
        f"""
Linli (邻里) is running.
  API docs (OpenAPI)       {base}/api/docs   ·   {base}/api/openapi.json
  Console (staff)          {base}/console/   (auditor1 / {demo.STAFF_PASSWORD}, see README)
  Accounts to audit        {base}/console/ledger
  Tickets to supervise     {base}/console/tickets   ·   hotline: {base}/console/tickets/hotline
  Owners' votes            {base}/console/votes
  Health                   {base}/healthz
  Fake WeChat group chats  {fake_url}/
  Mini-program             open miniprogram/ in WeChat DevTools (API base {base})
Press Ctrl+C to stop.
""",
        flush=True,
    )
    run_simple(HOST, PORT, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
