// Small API bodies for the public-record pages; override only what a test is about.

/** GET /estates/{id}/public-record as an owner reads it. */
const publicRecord = (overrides = {}) => ({
  estate_id: 7,
  estate_name: '阳光小区',
  committee: {
    formed_on: '2024-05-01',
    term_ends_on: '2029-05-01',
    lapsed: false,
    is_party_led: true,
    members: [
      { name: '林**', role: 'chair', role_label: '主任', is_party_member: true },
      { name: '陈**', role: 'vice_chair', role_label: '副主任', is_party_member: false },
    ],
  },
  company: { id: 3, name: '安溪宜家物业', score: 94, managers: [{ name: '王**' }] },
  rating: {
    id: 11,
    year: 2025,
    stars: 4,
    total: 86,
    confirmed_at: '2026-12-01T02:00:00Z',
    appeal_deadline: '2026-12-16T02:00:00Z',
    can_appeal: false,
    appeals: [],
  },
  problems_open: 2,
  problems_overdue: 1,
  problems_closed_out: 3,
  decisions: 4,
  ...overrides,
});

/** A problem of GET /estates/{id}/problems. */
const problem = (overrides = {}) => ({
  id: 1,
  category: 'fire_safety',
  category_label: '消防安全',
  title: '消防通道堵塞',
  description: '',
  plan: '三日内清理',
  deadline: '2026-12-20',
  status: 'open',
  status_label: '整改中',
  overdue: false,
  created_at: '2026-12-01T02:00:00Z',
  closed_at: null,
  close_note: null,
  photo_urls: [],
  ...overrides,
});

/** A decision of GET /estates/{id}/meeting-decisions. */
const decision = (overrides = {}) => ({
  id: 21,
  meeting_id: 5,
  held_on: '2026-11-10',
  topic: '11 月四方联席会议',
  title: '电动车充电桩加装',
  decision: '物业申报加装 20 个充电桩',
  owner: '物业服务企业',
  deadline: '2026-12-31',
  done: false,
  done_at: null,
  is_dispute: false,
  dispute_resolved: false,
  minutes: [],
  ...overrides,
});

const pageOf = (items, page = 1, total = items.length) => ({ items, page, page_size: 20, total });

module.exports = { publicRecord, problem, decision, pageOf };
