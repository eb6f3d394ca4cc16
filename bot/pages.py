"""The mini-program pages bot posts open, named as owners see them (each page's title bar), so
a post whose link could not be made can still say where to look."""

from bot.urllinks import split_page

APP = "「邻里」小程序"

# Page path -> its navigationBarTitleText (miniprogram/pages/*/index.json).
PAGE_NAMES = {
    "pages/estate/index": "小区详情",
    "pages/notices/index": "小区公告",
    "pages/notice/index": "公告详情",
    "pages/ledger/index": "账目公示",
    "pages/ledger-period/index": "账目详情",
    "pages/tickets/index": "随手拍",
    "pages/ticket/index": "随手拍详情",
    "pages/ticket-report/index": "随手拍",
    "pages/ticket-work/index": "工单处理",
    "pages/motions/index": "业主表决",
    "pages/motion/index": "表决详情",
    "pages/motion-result/index": "表决结果",
    "pages/company-credit/index": "企业信用公示",
    "pages/companies/index": "物业企业信用",
    "pages/estate-problems/index": "问题清单",
    "pages/estate-decisions/index": "联席会议决议",
    "pages/estate-rating/index": "星级评定",
    "pages/fund/index": "维修资金",
    "pages/repair-project/index": "维修项目",
}


def in_words(page: str) -> str:
    """Where ``page`` is, for a reader with no link: 「邻里」小程序的“公告详情”页面."""
    name = PAGE_NAMES.get(split_page(page)[0])
    return f"{APP}的“{name}”页面" if name else APP


def link_title(page: str) -> str:
    """The title of a news article that opens ``page``."""
    name = PAGE_NAMES.get(split_page(page)[0])
    return f"在{APP}中查看“{name}”" if name else f"打开{APP}"
