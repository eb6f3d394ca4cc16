"""Console actions on an estate's group chats, taken from the estate page: registering a group
chat and switching one on or off. Each view calls one function of
backend.console.group_chats.pages and goes back to the estate page."""

from flask import g, request

from backend.console.blueprint import staff_required
from backend.console.estates.views import estate_action
from backend.console.group_chats import pages as group_chat_pages
from backend.console.routes import Routes

routes = Routes()


@routes.post("/estates/<int:estate_id>/group-chats")
@staff_required
def add_group_chat(estate_id):
    # The address is a secret: it is never echoed back into the form.
    keep = {"name": request.form.get("name", ""), "channel": request.form.get("channel", "")}
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
