"""Console actions on an estate's group chats, taken from the estate page: registering a group
chat, switching one on or off, a test message, the member count, the join QR code and its
poster; and the moving-in guide page. Each action calls one function of
backend.console.group_chats.pages and goes back to the estate page."""

import io

from flask import g, render_template, request, send_file

from backend.console.blueprint import staff_required
from backend.console.estates.views import estate_action
from backend.console.group_chats import pages as group_chat_pages
from backend.console.routes import Routes

routes = Routes()


@routes.post("/estates/<int:estate_id>/group-chats")
@staff_required
def add_group_chat(estate_id):
    # The address is a secret: it is never echoed back into the form.
    keep = {key: request.form.get(key, "") for key in ("name", "channel", "profile")}
    return estate_action(
        estate_id,
        lambda: group_chat_pages.add_group_chat(g.staff, estate_id, request.form),
        lambda group: f"已添加监督群「{group.name}」",
        keep,
    )


@routes.post("/estates/<int:estate_id>/group-chats/<int:group_id>/active")
@staff_required
def set_group_active(estate_id, group_id):
    return estate_action(
        estate_id,
        lambda: group_chat_pages.set_group_active(
            g.staff, estate_id, group_id, request.form.get("active", "")
        ),
        lambda group: f"已{'启用' if group.active else '停用'}监督群「{group.name}」",
    )


@routes.post("/estates/<int:estate_id>/group-chats/<int:group_id>/test-message")
@staff_required
def send_group_test(estate_id, group_id):
    return estate_action(
        estate_id,
        lambda: group_chat_pages.send_test_message(g.staff, estate_id, group_id),
        lambda _row: "测试消息已排队发送，请在群里查看，刷新本页可见送达状态",
    )


@routes.post("/estates/<int:estate_id>/group-chats/<int:group_id>/members")
@staff_required
def record_group_members(estate_id, group_id):
    return estate_action(
        estate_id,
        lambda: group_chat_pages.record_members(
            g.staff, estate_id, group_id, request.form.get("member_count", "")
        ),
        lambda group: f"已记录「{group.name}」群人数 {group.member_count} 人",
    )


@routes.post("/estates/<int:estate_id>/group-chats/<int:group_id>/join-qr")
@staff_required
def upload_group_join_qr(estate_id, group_id):
    return estate_action(
        estate_id,
        lambda: group_chat_pages.upload_join_qr(
            g.staff, estate_id, group_id, request.files.get("file")
        ),
        lambda group: f"已上传「{group.name}」的入群二维码，可下载海报",
    )


@routes.get("/estates/<int:estate_id>/group-chats/<int:group_id>/poster.png")
@staff_required
def group_poster(estate_id, group_id):
    png, name = group_chat_pages.poster(g.staff, estate_id, group_id)
    return send_file(
        io.BytesIO(png), mimetype="image/png", download_name=name, as_attachment=True, max_age=0
    )


@routes.get("/estates/<int:estate_id>/group-chats/guide")
@staff_required
def group_guide(estate_id):
    data = group_chat_pages.guide(g.staff, estate_id)
    return render_template("console/group_guide.html", **data)
