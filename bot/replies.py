"""Every text the bot answers a WeCom member with (Chinese), in one place."""

APP = "「邻里」"

VOTE_USAGE = (
    "投票格式：投票 表决编号 赞成（或 反对、弃权），例如：投票 12 赞成。表决编号见群里的表决公告。"
)
BIND_USAGE = (
    f"绑定格式：绑定 加 6 位绑定码，例如：绑定 123456。绑定码请在{APP}小程序中获取，10 分钟内有效。"
)
HELP = (
    f"您好，这里是{APP}业主表决助手。\n"
    f"· {VOTE_USAGE}\n"
    "· 发送“账目”“工单”或“投票”，查看本小区公示的账目、您的随手拍工单或进行中的表决。\n"
    f"· 首次使用请先绑定：在{APP}小程序中获取 6 位绑定码，再发送“绑定 绑定码”。\n"
    "只有绑定了已认证业主身份的企业微信账号，在这里的投票才会计入；也可以直接在小程序中投票。"
)
LOOKUP_UNBOUND = (
    "您的企业微信账号还没有绑定业主身份，暂时无法查看您的账目、工单和表决。\n"
    f"请在{APP}小程序中获取 6 位绑定码，再在这里发送“绑定 绑定码”，例如：绑定 123456。"
)
CARD_UNREADABLE = f"未能识别您在投票卡片上的选择，请只选一项后再提交，或在{APP}小程序中投票。"


def usage(topic: str | None) -> str:
    """How to use the command ``topic`` ("vote", "bind") or the general help."""
    return {"vote": VOTE_USAGE, "bind": BIND_USAGE}.get(topic, HELP)


def vote_page(base_path: str, motion_id: int | None) -> str:
    """The mini-program page where the owner votes (the motion's, when known)."""
    return f"{base_path}?id={motion_id}" if motion_id else base_path


def unbound(page: str) -> str:
    return (
        f"您的企业微信账号还没有绑定已认证的业主身份，这次投票没有计入。\n"
        f"请在微信中打开{APP}小程序投票（小程序页面：{page}）；\n"
        f"或在{APP}小程序中获取绑定码，再在这里发送“绑定 6 位绑定码”，之后即可在企业微信中投票。"
    )


def vote_recorded(motion_id: int, title: str, choice_label: str) -> str:
    return (
        f"投票成功：您对第 {motion_id} 号表决《{title}》投了「{choice_label}」票。"
        "投票一经提交不可更改，表决结束后结果将在群里公布。"
    )


def vote_failed(reason: str) -> str:
    return f"投票未成功：{reason}"


def motion_not_found(motion_id: int) -> str:
    return f"投票未成功：没有找到第 {motion_id} 号表决，或您不是该小区的业主。请核对表决编号。"


def bound() -> str:
    return (
        "绑定成功！今后您可以在这里发送“投票 表决编号 赞成/反对/弃权”，或点击投票卡片参与业主表决。"
    )


def bind_failed(reason: str) -> str:
    return f"绑定未成功：{reason}"
