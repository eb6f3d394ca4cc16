// Small ticket (随手拍) API bodies, shaped as /tmp/tickets-contract.md describes; override only
// what a test is about.

/** A ticket photo as the detail and the upload return it. */
const ticketPhoto = (id = 51, overrides = {}) => ({
  id,
  url: `/api/v1/ticket-photos/${id}`,
  thumb_url: `/api/v1/ticket-photos/${id}?size=thumb`,
  width: 1280,
  height: 960,
  ...overrides,
});

/** A Ticket (TicketSchema) as the lists return it. */
const ticket = (overrides = {}) => ({
  id: 31,
  estate_id: 7,
  estate_name: '阳光小区',
  category: 'elevator',
  category_label: '电梯故障',
  channel: 'miniprogram',
  channel_label: '小程序',
  status: 'submitted',
  status_label: '待受理',
  description: '3号楼电梯停在8楼，按键无反应',
  location: {
    building_id: 3,
    building_name: '3号楼',
    text: '2单元电梯厅',
    map_x: null,
    map_y: null,
    lat: null,
    lng: null,
  },
  reporter_label: '张*',
  is_mine: false,
  supporter_count: 0,
  i_support: false,
  photo_count: 1,
  cover_photo: { id: 51, url: '/api/v1/ticket-photos/51', thumb_url: '/api/v1/ticket-photos/51?size=thumb' },
  escalation_level: 0,
  escalation_label: '物业项目经理',
  overdue: false,
  accept_due_at: '2026-11-23T04:00:00+00:00',
  reply_due_at: '2026-11-25T02:00:00+00:00',
  created_at: '2026-11-23T02:00:00+00:00',
  updated_at: '2026-11-23T02:00:00+00:00',
  replied_at: null,
  closed_at: null,
  close_reason: null,
  rating: null,
  reopen_count: 0,
  hotline_case_no: null,
  ...overrides,
});

/** A ticket event, as the detail lists them oldest first. */
const ticketEvent = (overrides = {}) => ({
  id: 301,
  kind: 'created',
  kind_label: '提交',
  from_status: null,
  to_status: 'submitted',
  actor_label: '业主 张*',
  note: null,
  photos: [],
  created_at: '2026-11-23T02:00:00+00:00',
  escalation_level: 0,
  ...overrides,
});

/** A TicketDetail as GET /tickets/{id}, POST /tickets and every action return it. */
const ticketDetail = (overrides = {}) => ({
  ...ticket(),
  photos: [ticketPhoto(51)],
  events: [ticketEvent()],
  assignee_label: null,
  duplicate_of_id: null,
  reject_reason: null,
  rating_comment: null,
  rated_at: null,
  allowed_actions: [],
  can_rate: false,
  can_reopen: false,
  can_support: false,
  reopen_deadline: null,
  assignees: [],
  ...overrides,
});

const DAY_MS = 24 * 60 * 60 * 1000;
const isoIn = (days) => new Date(Date.now() + days * DAY_MS).toISOString();

/**
 * A replied ticket of my own, as its reporter sees it: rate or reopen. The reply is `daysAgo`
 * days old, so the reopen deadline is 7 days after it.
 */
const repliedDetail = (daysAgo = 1, overrides = {}) =>
  ticketDetail({
    status: 'replied',
    status_label: '已反馈',
    is_mine: true,
    reporter_label: '我',
    replied_at: isoIn(-daysAgo),
    reopen_deadline: isoIn(7 - daysAgo),
    can_rate: true,
    can_reopen: true,
    events: [
      ticketEvent(),
      ticketEvent({
        id: 302,
        kind: 'replied',
        kind_label: '反馈结果',
        from_status: 'in_progress',
        to_status: 'replied',
        actor_label: '物业项目经理 李*',
        note: '已联系电梯维保单位修复',
        photos: [ticketPhoto(61)],
        created_at: isoIn(-daysAgo),
      }),
    ],
    ...overrides,
  });

/** A page of a list: {items, page, page_size, total}. */
const pageOf = (items, page = 1, total = items.length) => ({ items, page, page_size: 20, total });

/** The 409 a transition answers when the ticket moved on meanwhile. */
const invalidTransition = (allowed = [], status = 'accepted') => ({
  status: 409,
  body: { error: { code: 'invalid_transition', message: '工单状态已变化，请刷新后重试', fields: { allowed, status } } },
});

module.exports = {
  ticketPhoto,
  ticket,
  ticketEvent,
  ticketDetail,
  repliedDetail,
  pageOf,
  invalidTransition,
};
