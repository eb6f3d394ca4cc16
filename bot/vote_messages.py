"""What the bot says about owners' votes: the announcement card, voting open, the reminder a
day before closing, turnout, the quorum reached, the result with its figures, a cancellation,
and the vote card sent to a bound WeCom member."""

from backend.common.clock import local_text
from backend.extensions import db
from backend.votes import rules
from backend.votes.models import ElectorUser, Motion, MotionPost
from backend.votes.queries import ORGANISER_LABELS, result_of

CHOICES = [("yes", "赞成"), ("no", "反对"), ("abstain", "弃权")]


def motion_page(motion_id: int) -> str:
    return f"pages/motion/index?id={motion_id}"


def _window(motion: Motion) -> str:
    return f"{local_text(motion.opens_at)} 至 {local_text(motion.closes_at)}"


def _threshold(motion: Motion) -> str:
    return rules.THRESHOLD_LABELS[rules.threshold(motion.matter)]


def _turnout_line(f: dict) -> str:
    return (
        f"已参与 {f['owners_voted']}/{f['owners_total']} 人"
        f"（{rules.share_text(f['owners_voted'], f['owners_total'])}），"
        f"面积 {rules.area_text(f['area_voted_dm2'])}/{rules.area_text(f['area_total_dm2'])}"
        f"（{rules.share_text(f['area_voted_dm2'], f['area_total_dm2'])}）"
    )


def announced(post: MotionPost) -> list[dict]:
    motion = post.motion
    organiser = ORGANISER_LABELS[motion.organiser]
    return [
        {
            "type": "card",
            "title": f"【业主表决公告】{motion.title}",
            "subtitle": f"{motion.estate.name}{organiser}发起",
            "description": f"表决规则：{rules.QUORUM_LABEL}，且{_threshold(motion)}。"
            "点击查看表决内容和附件。",
            "body": "\n".join(
                [
                    f"【业主表决公告】{motion.estate.name}",
                    f"议题：{motion.title}",
                    f"事项：{rules.MATTERS[motion.matter]}",
                    f"投票时间：{_window(motion)}",
                    f"表决规则：{rules.QUORUM_LABEL}，且{_threshold(motion)}。",
                    "已认证业主可在小程序“业主表决”中查看全文并投票。",
                ]
            ),
            "fields": [
                ["事项", rules.MATTERS[motion.matter]],
                ["开始", local_text(motion.opens_at)],
                ["截止", local_text(motion.closes_at)],
            ],
            "page": motion_page(motion.id),
        }
    ]


def opened(post: MotionPost) -> list[dict]:
    motion, f = post.motion, post.figures
    return [
        {
            "type": "card",
            "title": f"【投票开始】{motion.title}",
            "subtitle": motion.estate.name,
            "description": "投票已开始。每位业主一票，投出后不可更改，点击进入投票。",
            "body": "\n".join(
                [
                    f"【投票开始】{motion.estate.name}《{motion.title}》",
                    f"截止时间：{local_text(motion.closes_at)}",
                    f"业主总人数：{f['owners_total']} 人",
                    f"专有部分总面积：{rules.area_text(f['area_total_dm2'])}",
                    "请已认证业主在小程序“业主表决”中投票，每位业主一票，投出后不可更改。",
                ]
            ),
            "fields": [
                ["业主人数", f"{f['owners_total']} 人"],
                ["总面积", rules.area_text(f["area_total_dm2"])],
                ["截止", local_text(motion.closes_at)],
            ],
            "page": motion_page(motion.id),
        }
    ]


def closing(post: MotionPost) -> list[dict]:
    motion = post.motion
    return [
        {
            "type": "text",
            "content": f"【投票提醒】{motion.estate.name}《{motion.title}》将于"
            f"{local_text(motion.closes_at)}截止。{_turnout_line(post.figures)}。"
            "尚未投票的业主请在小程序“业主表决”中投票。",
            "page": motion_page(motion.id),
        }
    ]


def turnout(post: MotionPost) -> list[dict]:
    motion = post.motion
    return [
        {
            "type": "text",
            "content": f"【投票进度】{motion.estate.name}《{motion.title}》："
            f"{_turnout_line(post.figures)}。投票中只公布参与情况，结果在截止后公布。",
            "page": motion_page(motion.id),
        }
    ]


def quorum(post: MotionPost) -> list[dict]:
    motion = post.motion
    return [
        {
            "type": "text",
            "content": f"【参与人数达标】{motion.estate.name}《{motion.title}》参与表决的业主"
            f"人数和专有部分面积均已达到三分之二：{_turnout_line(post.figures)}。"
            f"投票继续进行至{local_text(motion.closes_at)}。",
            "page": motion_page(motion.id),
        }
    ]


def result(post: MotionPost) -> list[dict]:
    motion = post.motion
    r = result_of(motion)
    total, voting = r["total"], r["participating"]

    def line(label: str, key: str, base: dict) -> str:
        owners, area = r[key]["owners"], r[key]["area_dm2"]
        return (
            f"{label}：{owners} 人（{rules.share_text(owners, base['owners'])}），"
            f"{rules.area_text(area)}（{rules.share_text(area, base['area_dm2'])}）"
        )

    lines = [
        f"【表决结果】{motion.estate.name}《{motion.title}》：{r['outcome_label']}",
        f"事项：{rules.MATTERS[motion.matter]}",
        line("参与表决（占全体）", "participating", total),
        line("赞成（占参与）", "yes", voting),
        line("反对（占参与）", "no", voting),
        line("弃权（占参与）", "abstain", voting),
        f"规则：{rules.QUORUM_LABEL}，且{_threshold(motion)}。",
        f"计票时间：{local_text(motion.closed_at)}",
    ]
    return [
        {
            "type": "card",
            "title": f"【表决结果】{motion.title}：{r['outcome_label']}",
            "subtitle": motion.estate.name,
            "description": f"赞成面积 {rules.area_text(r['yes']['area_dm2'])}。"
            "点击查看逐项票数和面积。",
            # The figures follow as text; an app chat shows the body as well, so it stays short.
            "body": f"{lines[0]}\n逐项票数见下一条消息，也可在小程序“业主表决”中查看。",
            "fields": [
                ["结果", r["outcome_label"]],
                ["参与人数", f"{voting['owners']}/{total['owners']}"],
                ["赞成人数", str(r["yes"]["owners"])],
            ],
            "page": f"pages/motion-result/index?id={motion.id}",
        },
        {"type": "text", "content": "\n".join(lines)},
    ]


def cancelled(post: MotionPost) -> list[dict]:
    motion = post.motion
    return [
        {
            "type": "text",
            "content": f"【表决取消】{motion.estate.name}《{motion.title}》已于"
            f"{local_text(motion.cancelled_at)}取消，原因：{motion.cancel_reason}。"
            "原定投票不再进行。",
            "page": motion_page(motion.id),
        }
    ]


def vote_card(elector_user: ElectorUser) -> list[dict]:
    """The WeCom vote card for one bound owner (their click comes back to the callback)."""
    motion, user_id = elector_user.motion, elector_user.user_id
    return [
        {
            "type": "vote_card",
            "task_id": f"motion-{motion.id}-u-{user_id}",
            "title": f"业主表决：{motion.title}"[:36],
            "description": f"{motion.estate.name}，截止 {local_text(motion.closes_at)}，"
            "一人一票，投出后不可更改",
            "question_key": f"motion-{motion.id}",
            "options": [{"id": key, "text": text} for key, text in CHOICES],
            "page": motion_page(motion.id),
        }
    ]


RENDERERS = {
    "announced": announced,
    "opened": opened,
    "closing": closing,
    "turnout": turnout,
    "quorum": quorum,
    "result": result,
    "cancelled": cancelled,
}


def render_post(subject_id: int) -> list[dict]:
    post = db.session.get(MotionPost, subject_id, populate_existing=True)
    return RENDERERS[post.kind](post) if post else []


def render_card(subject_id: int) -> list[dict]:
    row = db.session.get(ElectorUser, subject_id)
    if row is None or row.motion.status != "open":
        return []  # voting ended before the card went out: nothing to click any more
    return vote_card(row)
