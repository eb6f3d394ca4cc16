"""What the Linli WeCom app does with a member's message or card click.

``classify`` runs in the callback (it must answer within 5 seconds): it turns wechatpy's
parsed message into a small event dict with its duplicate key, or says why it is ignored.
``handle`` is the job that acts on the event and answers the member with an app message.
"""

import logging
import re

from flask import current_app

from backend.accounts import wecom
from backend.errors import DomainError, NotFound
from backend.jobs.job import job
from backend.votes import services as votes
from backend.votes.models import CHOICE_LABELS
from bot import commands, owner_pages, replies
from bot.channels import DeliveryError, channels

log = logging.getLogger(__name__)

_MOTION_KEY = re.compile(r"^motion-([0-9]{1,10})(?:-|$)")


class UnsupportedEvent(Exception):
    """A message or event Linli does not act on (entering the app, a location, ...)."""


class AnomalousPayload(Exception):
    """A message of a known type without what that type always carries."""


def classify(message) -> dict:
    """The event to handle for a parsed wechatpy message, with its duplicate key.

    :raises UnsupportedEvent: nothing to do for this type.
    :raises AnomalousPayload: the message lacks a field its type needs.
    """
    data = getattr(message, "_data", None)
    if not isinstance(data, dict):
        raise AnomalousPayload("not a parsed message")
    sender = data.get("FromUserName")
    if not sender or not isinstance(sender, str):
        raise AnomalousPayload("no FromUserName")
    msg_type = str(data.get("MsgType") or "").lower()
    if msg_type == "event":
        event = str(data.get("Event") or "").lower()
        if event != "template_card_event":
            raise UnsupportedEvent(
                f"event {event or '?'} from {sender} at {data.get('CreateTime')}"
            )
        return _card_event(sender, data)
    msg_id = data.get("MsgId")
    if not msg_id:
        raise AnomalousPayload(f"{msg_type or '?'} message without MsgId")
    if msg_type == "text":
        content = data.get("Content")
        return {
            "kind": "text",
            "sender": sender,
            "content": content if isinstance(content, str) else "",
            "dedupe": f"msg:{msg_id}",
        }
    # A picture or a voice note: the member still deserves to learn what the app takes.
    return {"kind": "other", "sender": sender, "dedupe": f"msg:{msg_id}"}


def _card_event(sender: str, data: dict) -> dict:
    card_type = data.get("CardType")
    if card_type != "vote_interaction":
        raise UnsupportedEvent(f"template card {card_type} from {sender}")
    task_id = data.get("TaskId")
    if not task_id or not isinstance(task_id, str):
        raise AnomalousPayload("template_card_event without TaskId")
    return {
        "kind": "card",
        "sender": sender,
        "task_id": task_id,
        "selected": _selected_items(data.get("SelectedItems")),
        # WeCom retries a click it got no answer for; the same card clicked twice is one click.
        "dedupe": f"card:{sender}:{task_id}",
    }


def _selected_items(raw) -> list[dict]:
    """[{"question_key", "option_ids": [...]}]: xmltodict gives one item (or one option id) as
    a dict (a string), several as a list."""
    items = raw.get("SelectedItem") if isinstance(raw, dict) else None
    items = [items] if isinstance(items, dict) else items or []
    selected = []
    for item in items:
        if not isinstance(item, dict):
            continue
        ids = item.get("OptionIds")
        ids = ids.get("OptionId") if isinstance(ids, dict) else None
        ids = [ids] if isinstance(ids, str) else ids or []
        selected.append(
            {
                "question_key": str(item.get("QuestionKey") or ""),
                "option_ids": [i for i in ids if isinstance(i, str)],
            }
        )
    return selected


# -- the job -------------------------------------------------------------------------------


def handle(event: dict) -> str:
    """Act on one classified event and answer its sender; returns what happened, for the log."""
    sender = event["sender"]
    if event["kind"] == "card":
        outcome, text = _card(sender, event)
    elif event["kind"] == "text":
        command = commands.parse(event["content"])
        if isinstance(command, commands.Lookup):
            return _lookup(sender, command.topic)
        outcome, text = _text(sender, command)
    else:
        outcome, text = "help", replies.HELP
    return outcome if _reply(sender, text) else f"{outcome}, reply failed"


def _text(sender: str, command: commands.Command) -> tuple[str, str]:
    if isinstance(command, commands.Vote):
        return _cast(sender, command.motion_id, command.choice, "wecom_text")
    if isinstance(command, commands.Bind):
        return _bind(sender, command.code)
    return "help", replies.usage(command.topic)


def _lookup(sender: str, topic: str) -> str:
    """Answer 账目, 工单 or 投票 with the bound owner's own pages: the lines as text, then a
    notice that opens the main page."""
    user = wecom.user_for_wecom(sender)
    if user is None:
        return "unbound lookup" if _reply(sender, replies.LOOKUP_UNBOUND) else "reply failed"
    estates = owner_pages.owned_estates(user)
    if not estates:
        return "not an owner" if _reply(sender, owner_pages.not_an_owner()) else "reply failed"
    if topic == "tickets":
        answer = owner_pages.tickets(user)
    elif topic == "ledger":
        answer = owner_pages.ledger(estates)
    else:
        answer = owner_pages.votes(estates)
    if not _reply(sender, answer.text):
        return f"{topic}, reply failed"
    try:
        channels(current_app)["wecom_app"].notice(
            sender, answer.title, answer.description, answer.page, answer.items
        )
    except DeliveryError as exc:  # the text with its page paths is there already
        log.warning("notice to WeCom member %s failed: %s", sender, exc)
    return topic


def _card(sender: str, event: dict) -> tuple[str, str]:
    motion_id, choice = _card_choice(event)
    if motion_id is None or choice is None:
        return "unreadable card", replies.CARD_UNREADABLE
    return _cast(sender, motion_id, choice, "wecom_card")


def _card_choice(event: dict) -> tuple[int | None, str | None]:
    """The motion (from the question key, else the task id) and the single option chosen."""
    for item in event["selected"]:
        key = _MOTION_KEY.match(item["question_key"])
        if key:
            ids = item["option_ids"]
            choice = ids[0] if len(ids) == 1 and ids[0] in CHOICE_LABELS else None
            return int(key.group(1)), choice
    key = _MOTION_KEY.match(event["task_id"])
    return (int(key.group(1)) if key else None), None


def _cast(sender: str, motion_id: int, choice: str, channel: str) -> tuple[str, str]:
    # A vote counts only from a member bound to a verified owner; cast_ballot then checks
    # the motion's eligibility snapshot.
    user = wecom.user_for_wecom(sender)
    if user is None:
        page = replies.vote_page(current_app.config["MINIPROGRAM_VOTE_PATH"], motion_id)
        return "unbound sender", replies.unbound(page)
    try:
        ballot = votes.cast_ballot(user, motion_id, choice, channel=channel)
    except NotFound:
        return "motion not found", replies.motion_not_found(motion_id)
    except DomainError as exc:
        return f"refused: {exc.code}", replies.vote_failed(exc.message)
    title = ballot.motion.title
    return f"ballot {ballot.id}", replies.vote_recorded(motion_id, title, CHOICE_LABELS[choice])


def _bind(sender: str, code: str) -> tuple[str, str]:
    try:
        user = wecom.bind(sender, code)
    except DomainError as exc:
        return f"bind refused: {exc.code}", replies.bind_failed(exc.message)
    return f"bound user {user.id}", replies.bound()


def _reply(sender: str, text: str) -> bool:
    """Answer ``sender``; a failed answer is logged, not retried: what the member asked for
    is already done, and doing it again would answer with "already voted"."""
    try:
        channels(current_app)["wecom_app"].reply(sender, text)
    except DeliveryError as exc:
        log.warning("reply to WeCom member %s failed: %s", sender, exc)
        return False
    return True


# What rq runs (bot.callback enqueues it by this path) and the embedded default calls inline.
handle_job = job(handle)
