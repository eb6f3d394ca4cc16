// How the ticket (随手拍) pages show what the API answers: the labels, the tabs, who handles
// tickets, and the views of a ticket and its events.
const { formatTime } = require('./format');

// In the order the report form offers them.
const CATEGORIES = [
  { code: 'security', label: '治安安全' },
  { code: 'cleaning', label: '环境卫生' },
  { code: 'fire_safety', label: '消防安全' },
  { code: 'ebike', label: '电动车停放充电' },
  { code: 'elevator', label: '电梯故障' },
  { code: 'parking', label: '车辆停放' },
  { code: 'drains', label: '管道疏通' },
  { code: 'pavement', label: '路面破损' },
  { code: 'lighting', label: '公共照明' },
  { code: 'green_land', label: '绿地裸土' },
  { code: 'other', label: '其他' },
];
const CATEGORY_LABELS = Object.fromEntries(CATEGORIES.map(({ code, label }) => [code, label]));

const STATUS_LABELS = {
  submitted: '待受理',
  accepted: '已受理',
  assigned: '已转办',
  in_progress: '办理中',
  replied: '已反馈',
  closed: '已办结',
  rejected: '不予受理',
  duplicate: '重复工单',
};

// Status → Vant tag colour: waiting on the handler is orange, being handled blue, answered green.
const STATUS_TAG_TYPES = {
  submitted: 'warning',
  accepted: 'primary',
  assigned: 'primary',
  in_progress: 'primary',
  replied: 'success',
  closed: 'default',
  rejected: 'danger',
  duplicate: 'default',
};

// Open tickets may still be supported and handled.
const OPEN_STATUSES = ['submitted', 'accepted', 'assigned', 'in_progress', 'replied'];
// Where the reply deadline is the one that runs; before that it is the accept deadline.
const REPLY_DUE_STATUSES = ['accepted', 'assigned', 'in_progress'];

const CHANNEL_LABELS = {
  miniprogram: '小程序',
  group_chat: '群聊',
  hotline: '12345热线',
  console: '后台录入',
  open311: '外部平台',
};

const ESCALATION_LABELS = ['物业项目经理', '业委会', '社区', '街道（乡镇）', '县住建局'];

const EVENT_KIND_LABELS = {
  created: '提交',
  accepted: '受理',
  assigned: '转办',
  started: '开始办理',
  replied: '反馈结果',
  rejected: '不予受理',
  duplicate: '标记重复',
  reopened: '重新办理',
  rated: '评价',
  closed_not_rated: '超时未评价自动办结',
  escalated: '超时升级',
  supported: '附议',
};

// The handler's actions, in the order their buttons show; reopen is the reporter's and has its
// own place on the page.
const HANDLER_ACTIONS = ['accept', 'assign', 'start', 'reply', 'reject', 'duplicate'];
const ACTION_LABELS = {
  accept: '受理',
  assign: '转办',
  start: '开始办理',
  reply: '反馈结果',
  reject: '不予受理',
  duplicate: '标记重复',
  reopen: '申请重新办理',
};
// Actions sent with one tap; the others open a form first.
const ONE_TAP_ACTIONS = ['accept', 'start'];
const ACTION_DONE = {
  accept: '已受理',
  assign: '已转办',
  start: '已开始办理',
  reply: '已反馈',
  reject: '已不予受理',
  duplicate: '已标记为重复',
  reopen: '已申请重新办理',
};

const CLOSE_REASON_TEXTS = { rated: '已评价，办结', not_rated: '超时未评价，自动办结' };

// Roles that handle an estate's tickets from level 0 or 1. Only shows the 工单处理 link: the
// server decides who sees what in the work list.
const HANDLER_ROLES = ['property_manager', 'committee_member', 'committee_chair'];

/** True when one of an estate's my_roles (or /me memberships) handles tickets. */
const canHandleTickets = (roles) => (roles || []).some(({ role }) => HANDLER_ROLES.includes(role));

// The estate list's tabs and the work list's; a status list is sent comma-separated.
const IN_HAND = 'accepted,assigned,in_progress';
const ESTATE_TABS = [
  { key: 'all', title: '全部', query: {} },
  { key: 'submitted', title: '待受理', query: { status: 'submitted' } },
  { key: 'in_hand', title: '办理中', query: { status: IN_HAND } },
  { key: 'replied', title: '已反馈', query: { status: 'replied' } },
  { key: 'closed', title: '已办结', query: { status: 'closed' } },
];
const WORK_TABS = [
  { key: 'submitted', title: '待受理', query: { status: 'submitted' } },
  { key: 'in_hand', title: '办理中', query: { status: IN_HAND } },
  { key: 'replied', title: '已反馈', query: { status: 'replied' } },
  { key: 'overdue', title: '超时', query: { overdue: 1 } },
];


const labelOf = (labels, code, given) => given || labels[code] || code || '';

/** "2026-11-30T02:00:00Z" → "11 月 30 日" in Shanghai. */
function monthDay(iso) {
  const date = formatTime(iso).slice(0, 10);
  if (!date) return '';
  const [, month, day] = date.split('-').map(Number);
  return `${month} 月 ${day} 日`;
}

const escalationText = (level) => (level >= 1 && ESCALATION_LABELS[level] ? `已升级至${ESCALATION_LABELS[level]}` : '');

function dueText(ticket) {
  if (ticket.status === 'submitted' && ticket.accept_due_at) return `${formatTime(ticket.accept_due_at)} 前受理`;
  if (REPLY_DUE_STATUSES.includes(ticket.status) && ticket.reply_due_at) {
    return `${formatTime(ticket.reply_due_at)} 前反馈`;
  }
  return '';
}

function locationText(location) {
  if (!location) return '';
  return [location.building_name, location.text].filter(Boolean).join(' ');
}

function eventView(event) {
  return {
    ...event,
    kindText: labelOf(EVENT_KIND_LABELS, event.kind, event.kind_label),
    atText: formatTime(event.created_at),
    escalationText: event.kind === 'escalated' ? escalationText(event.escalation_level) : '',
    photos: event.photos || [],
  };
}

/**
 * A Ticket or TicketDetail, with the texts and flags its templates show. now (ms) decides
 * whether reopening is still possible; the server decides again.
 */
function ticketView(ticket, now = Date.now()) {
  const status = ticket.status;
  const isOpen = OPEN_STATUSES.includes(status);
  const allowed = ticket.allowed_actions || [];
  const reopenDeadline = Date.parse(ticket.reopen_deadline);
  const beforeReopenDeadline = Number.isNaN(reopenDeadline) || now < reopenDeadline;
  const location = locationText(ticket.location);
  const supporterCount = ticket.supporter_count || 0;
  const createdText = formatTime(ticket.created_at);
  return {
    ...ticket,
    categoryText: labelOf(CATEGORY_LABELS, ticket.category, ticket.category_label),
    statusText: labelOf(STATUS_LABELS, status, ticket.status_label),
    tagType: STATUS_TAG_TYPES[status] || 'default',
    channelText: labelOf(CHANNEL_LABELS, ticket.channel, ticket.channel_label),
    escalationText: escalationText(ticket.escalation_level),
    overdue: Boolean(ticket.overdue),
    isOpen,
    locationText: location,
    createdText,
    dueText: dueText(ticket),
    acceptDueText: formatTime(ticket.accept_due_at),
    replyDueText: formatTime(ticket.reply_due_at),
    // The deadline that ran out is the one shown red.
    acceptOverdue: Boolean(ticket.overdue) && status === 'submitted',
    replyOverdue: Boolean(ticket.overdue) && REPLY_DUE_STATUSES.includes(status),
    repliedText: formatTime(ticket.replied_at),
    closedText: formatTime(ticket.closed_at),
    closeReasonText: CLOSE_REASON_TEXTS[ticket.close_reason] || '',
    ratedText: formatTime(ticket.rated_at),
    supportText: supporterCount ? `${supporterCount}人也遇到` : '',
    // Nearby answers say how far each one is from where the reporter stands.
    distanceText: Number.isInteger(ticket.distance_m) ? `距您约${ticket.distance_m}米` : '',
    mineText: ticket.is_mine ? '我提交的' : ticket.i_support ? '我附议的' : '',
    metaText: [location, createdText, supporterCount ? `附议 ${supporterCount}` : ''].filter(Boolean).join(' · '),
    photos: ticket.photos || [],
    events: (ticket.events || []).map(eventView),
    assignees: ticket.assignees || [],
    actions: HANDLER_ACTIONS.filter((action) => allowed.includes(action)).map((action) => ({
      action,
      label: ACTION_LABELS[action],
    })),
    canSupport: Boolean(ticket.can_support) && !ticket.i_support,
    canWithdrawSupport: Boolean(ticket.i_support) && isOpen,
    canRate: Boolean(ticket.can_rate),
    canReopen: Boolean(ticket.can_reopen) && beforeReopenDeadline,
    reopenDeadlineText: ticket.reopen_deadline ? `${monthDay(ticket.reopen_deadline)}前可申请重新办理` : '',
  };
}

module.exports = {
  CATEGORIES,
  CATEGORY_LABELS,
  STATUS_LABELS,
  STATUS_TAG_TYPES,
  CHANNEL_LABELS,
  ESCALATION_LABELS,
  EVENT_KIND_LABELS,
  HANDLER_ACTIONS,
  ACTION_LABELS,
  ONE_TAP_ACTIONS,
  ACTION_DONE,
  HANDLER_ROLES,
  ESTATE_TABS,
  WORK_TABS,
  canHandleTickets,
  monthDay,
  ticketView,
};
