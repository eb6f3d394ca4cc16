"""`make run`: the whole product on the embedded default, in one process.

SQLite in ./var, the fake WeChat server (whose page shows each estate's group chat), the
demo county loaded on first start, then the API and console.
"""

import os
import re
import threading
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import make_server, run_simple

from backend import create_app
from backend.demo import county
from backend.group_chats.models import ChannelKind
from backend.jobs.embedded import EmbeddedRunner
from bot.fakewechat import create_app as create_fake_wechat
from config.settings import ROOT, VAR_DIR, read

HOST = read("LINLI_HOST")
PORT = read("LINLI_PORT")
FAKE_PORT = read("LINLI_FAKE_WECHAT_PORT")


MINIPROGRAM_CONFIG = ROOT / "miniprogram" / "config.js"
_API_BASE_LINE = re.compile(r"(apiBaseUrl:\s*)'[^']*'")

# What the banner lists, by who uses it: (path, what). README's URL table lists the same.
CONSOLE_URLS = {
    "社区业账监管 (auditor1)": [
        ("/console/", "我监管的小区"),
        ("/console/ledger", "账目审核队列，逾期质询"),
        ("/console/problems", "问题清单（十件实事）"),
        ("/console/meetings", "联席会议"),
        ("/console/meetings/schedule", "联席会议逾期的社区"),
        ("/console/communities/1/candidates", "业委会人选库"),
        ("/console/estates/1/group-chats/guide", "把小区群搬进来：建群、登记、测试、入群海报"),
        ("/console/funds", "维修资金：账户、账本哈希链、维修项目"),
    ],
    "街道、县住建局 (township1, county)": [
        ("/console/targets", "四升一降 监管看板"),
        ("/console/reports", "年度报告"),
        ("/console/tickets", "逾期、升级的随手拍工单"),
        ("/console/tickets/hotline", "录入 12345 热线工单"),
        ("/console/votes", "业主共同决定"),
        ("/console/companies", "企业信用、失信惩戒"),
        ("/console/ratings", "星级评定"),
        ("/console/ratings/criteria", "星级评定细则"),
        ("/console/ratings/managers", "项目经理星级"),
        ("/console/ratings/committees", "业委会履职评价"),
        ("/console/register", "小区档案"),
        ("/console/register/reelections", "待换届的业委会"),
        ("/console/prechecks", "维修项目事前指导（township1）"),
    ],
    "管理员 (admin)": [("/console/users", "控制台账号：停用、启用、解除锁定")],
    "所有控制台用户": [("/console/password", "修改密码")],
}


def banner(base: str, fake_url: str) -> str:
    """What `make run` prints: every page, grouped by who opens it."""
    lines = ["", "Linli (邻里) is running.", ""]
    lines.append(f"控制台 Console (password {county.STAFF_PASSWORD} for every demo account)")
    for who, pages in CONSOLE_URLS.items():
        lines.append(f"  {who}")
        lines += [f"    {base}{path:<36} {what}" for path, what in pages]
    lines += [
        "",
        "业主、业委会、物业 Owners, committee, managers: the mini-program",
        f"    open miniprogram/ in WeChat DevTools; its API base is {base} (miniprogram/config.js)",
        "",
        "开发者 Developers",
        f"    {base}/api/docs                            API docs (Swagger UI)",
        f"    {base}/api/openapi.json                    the OpenAPI document",
        f"    {base}/healthz                             health: database and Redis",
        f"    {fake_url}/{' ' * 36}fake WeChat: each estate's group chat",
        "",
        "Press Ctrl+C to stop.",
    ]
    return "\n".join(lines)


def point_miniprogram_at(base: str, config: Path = MINIPROGRAM_CONFIG) -> bool:
    """Write ``base`` as the mini-program's API base (miniprogram/config.js), so DevTools
    talks to this server whatever LINLI_PORT says. Returns whether the file changed."""
    text = config.read_text(encoding="utf-8")
    updated = _API_BASE_LINE.sub(lambda m: f"{m.group(1)}'{base}'", text, count=1)
    if updated == text:
        return False
    config.write_text(updated, encoding="utf-8")
    return True


def _start_fake_wechat():
    fake = create_fake_wechat()
    server = make_server(HOST, FAKE_PORT, fake, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True, name="fake-wechat").start()
    return fake, f"http://{HOST}:{FAKE_PORT}"


def _introduce_group_chats(fake) -> None:
    """Tell the fake WeChat each estate's group: app chats must exist before the bot posts,
    and robots are shown under their group's name. (Its memory is empty at every start.)"""
    store = fake.extensions["fakewechat"]
    for group in county.group_chats_for_fake_wechat():
        if group.channel == ChannelKind.WECOM_APPCHAT:
            store.create_chat(group.address, group.name, "linli-bot", ["linli-bot", "owner"])
            store.name_group(f"appchat:{group.address}", group.name)
        else:
            store.name_group(f"robot:{group.address}", group.name, group.profile)


def main() -> None:
    VAR_DIR.mkdir(exist_ok=True)
    fake, fake_url = _start_fake_wechat()
    os.environ.setdefault("LINLI_WECHAT_API_BASE", fake_url)
    os.environ.setdefault("LINLI_WECOM_API_BASE", fake_url)
    app = create_app()
    with app.app_context():
        upgrade()
        if not county.is_loaded():
            print("首次启动：正在载入演示县数据 (demo county) ...", flush=True)
            county.seed()
        _introduce_group_chats(fake)
    if not app.config["REDIS_URL"]:
        # No Redis: deliver outbox rows and run the periodic jobs from a thread of this process.
        EmbeddedRunner(app).start()
    base = f"http://{HOST}:{PORT}"
    if point_miniprogram_at(base):
        print(f"miniprogram/config.js now points at {base}", flush=True)
    print(banner(base, fake_url), flush=True)
    run_simple(HOST, PORT, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
