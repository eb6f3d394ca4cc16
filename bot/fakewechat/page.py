"""``GET /``: every recorded message, grouped by destination and drawn like a chat."""

from datetime import datetime, timedelta, timezone

from flask import Blueprint, render_template_string

from . import markdown
from .api import store

bp = Blueprint("fakewechat_page", __name__)

# China has had no daylight saving since 1991, so a fixed offset is exact and needs no tzdata.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

GROUP_LABELS = {
    "robot": "群机器人",
    "appchat": "应用群聊",
    "wecom-user": "应用消息 → 成员",
    "wecom-party": "应用消息 → 部门",
    "wecom-tag": "应用消息 → 标签",
    "subscribe": "小程序订阅消息 → 用户",
}

PLACEHOLDERS = {"file": "[文件]", "voice": "[语音]", "video": "[视频]"}
# What a member on personal WeChat sees of a robot's messages in an external group (客户群);
# anything else is flagged (WECHAT.md: treat markdown and template_card as internal only).
EXTERNAL_VISIBLE = {"text", "image", "news"}
UNSEEN = "个人微信成员看不到此消息"
EXTERNAL = "外部群：按个人微信成员所见显示"


def local_time(received_at: str) -> str:
    return datetime.fromisoformat(received_at).astimezone(SHANGHAI).strftime("%m-%d %H:%M:%S")


def card(title, lines=(), page=None, url=None, tag=None, vote=None) -> dict:
    return {
        "title": title or "（无标题）",
        "lines": [str(line) for line in lines if line],
        "page": page,
        "url": url,
        "tag": tag,
        "vote": vote,
    }


def template_card(section: dict) -> dict:
    main = section.get("main_title") or {}
    action = section.get("card_action") or {}
    lines = [main.get("desc"), section.get("sub_title_text")]
    lines += [f"按钮：{b.get('text')}" for b in section.get("button_list") or []]
    checkbox = section.get("checkbox") or {}
    lines += [f"选项：{o.get('text')}" for o in checkbox.get("option_list") or []]
    if section.get("submit_button"):
        lines.append(f"按钮：{section['submit_button'].get('text')}")
    if section.get("task_id"):
        lines.append(f"任务：{section['task_id']}")
    lines += [f"链接：{j.get('title')}" for j in section.get("jump_list") or []]
    page = action.get("pagepath") if action.get("type") == 2 else None
    vote = None
    if section.get("card_type") == "vote_interaction":
        # What the page needs to let a developer click the card as its member would.
        vote = {
            "task_id": section.get("task_id"),
            "question_key": checkbox.get("question_key"),
            "options": checkbox.get("option_list") or [],
            "button": (section.get("submit_button") or {}).get("text") or "提交",
        }
    return card(main.get("title"), lines, page, action.get("url"), section.get("card_type"), vote)


def describe(message: dict) -> dict:
    """Turn a recorded message into what the page shows: plain text or cards."""
    body, msgtype = message["body"], message["msgtype"]
    section = body.get(msgtype) if isinstance(body.get(msgtype), dict) else {}
    view = {"seq": message["seq"], "time": local_time(message["received_at"]), "msgtype": msgtype}
    if msgtype in ("text", "markdown", "markdown_v2"):
        mentions = section.get("mentioned_list") or []
        text = section.get("content", "") + "".join(f" @{m.lstrip('@')}" for m in mentions)
        view["text"] = text if msgtype == "text" else markdown.render(text)
    elif msgtype == "image":
        # A robot's picture is kept under its MD5, an app chat's under its media id.
        view["image"] = f"/_fake/media/{section.get('md5') or section.get('media_id')}"
    elif msgtype == "template_card":
        view["cards"] = [template_card(section)]
    elif msgtype == "textcard":
        view["cards"] = [
            card(section.get("title"), [section.get("description")], url=section.get("url"))
        ]
    elif msgtype in ("news", "mpnews"):
        view["cards"] = [
            card(
                a.get("title"),
                [a.get("description") or a.get("digest")],
                a.get("pagepath") or opened_page(a.get("url")),
                a.get("url"),
            )
            for a in section.get("articles") or []
        ]
    elif msgtype == "miniprogram_notice":
        lines = [section.get("description")]
        lines += [f"{i.get('key')}：{i.get('value')}" for i in section.get("content_item") or []]
        view["cards"] = [card(section.get("title"), lines, section.get("page"))]
    elif msgtype == "member":
        # What a developer sent as the member (bot/fakewechat/member.py), right-aligned.
        view["member"] = body.get("content", "")
        view["problem"] = body.get("problem") or ""
    elif msgtype == "subscribe":
        data = body.get("data") or {}
        lines = [f"{key}：{(value or {}).get('value')}" for key, value in data.items()]
        view["cards"] = [card(f"订阅消息 {body.get('template_id')}", lines, body.get("page"))]
    else:
        view["text"] = PLACEHOLDERS.get(msgtype, f"[{msgtype} 消息]")
    return view


def opened_page(url) -> str | None:
    """The mini-program page a URL Link of this server opens (path?query)."""
    link = store().url_link(url) if isinstance(url, str) else None
    if link is None:
        return None
    return link["path"] + (f"?{link['query']}" if link["query"] else "")


def group_title(group: str, chats: dict, names: dict) -> str:
    kind, _, name = group.partition(":")
    if group in names:
        name = names[group]
    elif kind == "appchat" and chats.get(name, {}).get("name"):
        name = f"{chats[name]['name']}（{name}）"
    return f"{GROUP_LABELS.get(kind, kind)}：{name}"


PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="3">
<title>模拟微信 · 消息记录</title>
<style>
  body { font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif;
         margin: 0; background: #ededed; color: #111; }
  header { background: #2e2e2e; color: #fff; padding: 12px 20px; }
  header small { color: #aaa; margin-left: 8px; }
  main { max-width: 760px; margin: 0 auto; padding: 12px; }
  section { background: #f5f5f5; border-radius: 8px; margin: 16px 0; padding: 8px 12px; }
  h2 { font-size: 15px; margin: 4px 0 10px; color: #555; }
  .msg { margin: 10px 0; }
  .meta { font-size: 12px; color: #999; margin-bottom: 3px; }
  .bubble { display: inline-block; max-width: 85%; background: #95ec69; border-radius: 6px;
            padding: 8px 11px; white-space: pre-wrap; word-break: break-word; }
  .card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px 12px;
          max-width: 85%; margin-top: 4px; }
  .card b { display: block; margin-bottom: 4px; }
  .card p { margin: 2px 0; color: #555; white-space: pre-wrap; }
  .bubble .quote { display: inline-block; border-left: 3px solid #c8c9cc; padding-left: 6px;
                   color: #555; }
  .bubble code { background: rgba(0, 0, 0, .06); padding: 0 3px; border-radius: 3px; }
  .bubble .font-info { color: #07c160; } .bubble .font-comment { color: #646566; }
  .bubble .font-warning { color: #ed6a0c; }
  .card .page { color: #576b95; font-size: 13px; margin-top: 6px; }
  .tag { font-size: 11px; color: #888; border: 1px solid #ccc; border-radius: 3px;
         padding: 0 4px; margin-left: 4px; }
  .picture { max-width: 240px; max-height: 240px; border-radius: 6px; display: block; }
  .empty { color: #888; text-align: center; padding: 40px; }
  .mine { text-align: right; }
  .mine .bubble { background: #fff; text-align: left; }
  .problem { color: #c00; font-size: 12px; }
  .unseen { color: #c00; font-size: 13px; font-weight: bold; margin: 2px 0; }
  .unseen-body { opacity: .45; }
  h2 .external { color: #c00; font-weight: normal; font-size: 12px; margin-left: 6px; }
  form.as-member { background: #f5f5f5; border-radius: 8px; margin: 16px 0; padding: 8px 12px; }
  form.as-member input[name=content] { width: 50%; }
  .vote label { margin-right: 10px; }
</style>
</head>
<body>
<header>模拟微信 / 企业微信<small>共 {{ total }} 条消息，每 3 秒自动刷新</small></header>
<main>
<form class="as-member" method="post" action="/_fake/wecom-member/text">
  <b>以企业微信成员身份发消息</b>（发给「邻里」应用，如“绑定 123456”“投票 12 赞成”）<br>
  成员 UserID <input name="userid" required maxlength="64" size="12">
  内容 <input name="content" required maxlength="2048">
  <button type="submit">发送</button>
</form>
{% for group in groups %}
  <section>
    <h2>{{ group.title }}{% if group.external %}<span class="external">{{ external }}</span>
      {% endif %}</h2>
    {% for m in group.messages %}
    <div class="msg">
      <div class="meta">#{{ m.seq }} · {{ m.time }} · {{ m.msgtype }}</div>
      {% if group.external and m.msgtype not in visible %}<div class="unseen">{{ unseen }}</div>
      <div class="unseen-body">{% endif %}
      {% if m.text is defined %}<div class="bubble">{{ m.text }}</div>{% endif %}
      {% if m.image is defined %}<img class="picture" src="{{ m.image }}" alt="图片">{% endif %}
      {% if m.member is defined %}<div class="mine"><div class="bubble">{{ m.member }}</div>
        {% if m.problem %}<div class="problem">{{ m.problem }}</div>{% endif %}</div>{% endif %}
      {% for c in m.cards or [] %}
      <div class="card">
        <b>{{ c.title }}{% if c.tag %}<span class="tag">{{ c.tag }}</span>{% endif %}</b>
        {% for line in c.lines %}<p>{{ line }}</p>{% endfor %}
        {% if c.page %}<div class="page">小程序页面：{{ c.page }}</div>{% endif %}
        {% if c.url %}<div class="page">链接：{{ c.url }}</div>{% endif %}
        {% if c.vote and group.member %}
        <form class="vote" method="post" action="/_fake/wecom-member/click">
          <input type="hidden" name="userid" value="{{ group.member }}">
          <input type="hidden" name="task_id" value="{{ c.vote.task_id }}">
          <input type="hidden" name="question_key" value="{{ c.vote.question_key }}">
          {% for o in c.vote.options %}<label><input type="radio" name="option"
            value="{{ o.id }}" required>{{ o.text }}</label>{% endfor %}
          <button type="submit">{{ c.vote.button }}</button>
        </form>
        {% endif %}
      </div>
      {% endfor %}
      {% if group.external and m.msgtype not in visible %}</div>{% endif %}
    </div>
    {% else %}
    <p class="empty">群里还没有消息。</p>
    {% endfor %}
  </section>
{% else %}
  <p class="empty">暂无消息。机器人发出的消息会显示在这里。</p>
{% endfor %}
</main>
</body>
</html>
"""


@bp.get("/")
def index():
    messages = store().messages()
    chats, names = store().chats(), store().group_names()
    profiles = store().group_profiles()
    # Named groups show even before their first message: each estate's chat is visible.
    grouped: dict[str, list] = {group: [] for group in names}
    for message in messages:
        grouped.setdefault(message["group"], []).append(describe(message))
    groups = [
        {
            "title": group_title(g, chats, names),
            "messages": ms,
            # A member's own chat with the app: its vote cards can be clicked from here.
            "member": g.partition(":")[2] if g.startswith("wecom-user:") else None,
            "external": profiles.get(g) == "external",
        }
        for g, ms in grouped.items()
    ]
    return render_template_string(
        PAGE,
        groups=groups,
        total=len(messages),
        visible=EXTERNAL_VISIBLE,
        unseen=UNSEEN,
        external=EXTERNAL,
    )
