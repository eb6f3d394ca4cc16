"""The definition shown next to each figure, so officers read every number the same way."""
# ruff: noqa: E501  (each definition stays one line, as people read it)

DEFINITIONS = {
    "party_coverage": "党组织覆盖率 = 截至期末已建立小区党支部（含联合党支部）覆盖的小区数 ÷ 小区总数",
    "committee_formation": "业委会组建率 = 截至期末有在任业主委员会的小区数 ÷ 小区总数",
    "party_led": "红色业委会占比 = 截至期末在任业委会中党员引领（按配置规则认定）的个数 ÷ 在任业委会数",
    "on_time": "按时办结率 = 期内新建工单中已反馈的、未超过受理和办理时限的件数 ÷ 期内新建且已反馈的工单数",
    "stars": "星级分布 = 所选年度已确认的小区星级评定结果；未确认评定的小区计为“未评定”",
    "satisfaction": "平均评分 = 期内新建工单业主评价星级（1–5）的平均值；满意率 = 评 4 星及以上的件数 ÷ 有评价件数；超时未评价的不计入",
    "complaints": "投诉量 = 期内新建的工单数（随手拍、群聊、12345 热线转入、控制台登记），越少越好",
    "problems": "问题清单：期内登记、期内销号、其中在整改期限内销号的件数；逾期 = 今天仍未销号且已过整改期限",
    "credit": "信用惩戒：期内作出且未撤销的约谈、通报批评、信用扣分、项目经理清退、项目清出次数",
}
