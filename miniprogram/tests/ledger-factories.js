// Small ledger API bodies, shaped as /tmp/ledger-api.md describes; override only what a test
// is about.
const HASH = 'a3f1c9e07b5d24681f0e9c3b7a5d2e4f6081a2b3c4d5e6f708192a3b4c5d6e7f';
const PREVIOUS_HASH = '0f9e8d7c6b5a49382716f5e4d3c2b1a0ffeeddccbbaa99887766554433221100';

/** A PeriodSummary as GET /periods lists it. */
const periodSummary = (overrides = {}) => ({
  id: 12,
  estate_id: 7,
  kind: 'month',
  label: '2026年10月',
  start_date: '2026-10-01',
  end_date: '2026-10-31',
  status: 'published',
  status_label: '已公示',
  entry_count: 3,
  income_total_fen: 1523450,
  expense_total_fen: 980000,
  approvals_required: 2,
  approval_count: 2,
  submitted_at: '2026-11-02T01:00:00Z',
  published_at: '2026-11-05T02:30:00Z',
  head_hash: HASH,
  ...overrides,
});

/** A PeriodDetail as GET /periods/{id} and POST transitions return it. */
const periodDetail = (overrides = {}) => ({
  ...periodSummary(),
  opening_balance_fen: 5000000,
  closing_balance_fen: 5543450,
  previous_hash: PREVIOUS_HASH,
  return_reason: null,
  actions: [],
  approvals: [
    { by: '李*', at: '2026-11-02T03:00:00Z' },
    { by: '王*', at: '2026-11-03T03:00:00Z' },
  ],
  events: [
    {
      action: 'submit',
      action_label: '提交',
      from_status: 'draft',
      to_status: 'submitted',
      by: '赵*（物业项目经理）',
      reason: null,
      at: '2026-11-02T01:00:00Z',
    },
  ],
  ...overrides,
});

/** A submitted period waiting for the caller's approval. */
const submittedDetail = (overrides = {}) =>
  periodDetail({
    status: 'submitted',
    status_label: '待业委会审批',
    approval_count: 1,
    published_at: null,
    head_hash: null,
    actions: ['approve', 'return'],
    approvals: [{ by: '李*', at: '2026-11-02T03:00:00Z' }],
    ...overrides,
  });

const CATEGORIES = [
  ['income', 'parking', '停车收益', 1200000, 1100000],
  ['income', 'advertising', '广告收益', 300000, null],
  ['income', 'venue_rent', '场地租金', 23450, 0],
  ['income', 'other_income', '其他收入', 0, null],
  ['expense', 'shared_costs', '公摊费用', 600000, 550000],
  ['expense', 'maintenance', '维修维保', 380000, null],
  ['expense', 'management', '管理费用', 0, null],
  ['expense', 'other_expense', '其他支出', 0, null],
];

/** GET /periods/{id}/statement. */
const statement = (overrides = {}) => ({
  period: periodSummary(),
  estate_name: '阳光小区',
  opening_balance_fen: 5000000,
  income_total_fen: 1523450,
  expense_total_fen: 980000,
  closing_balance_fen: 5543450,
  categories: CATEGORIES.map(([direction, category, label, total, previous]) => ({
    direction,
    category,
    label,
    total_fen: total,
    previous_total_fen: previous,
  })),
  previous: { id: 11, label: '2026年9月', income_total_fen: 1100000, expense_total_fen: 550000, closing_balance_fen: 5000000 },
  head_hash: HASH,
  previous_hash: PREVIOUS_HASH,
  ...overrides,
});

/** An Entry as GET /periods/{id}/entries lists it. */
const entry = (overrides = {}) => ({
  id: 101,
  period_id: 12,
  entry_date: '2026-10-08',
  direction: 'income',
  direction_label: '收入',
  category: 'parking',
  category_label: '停车收益',
  amount_fen: 1200000,
  counterparty: '顺达停车管理有限公司',
  description: '10月地面停车位收益分成',
  reverses_entry_id: null,
  reversed_by_entry_id: null,
  voucher_count: 2,
  question_count: 0,
  ...overrides,
});

const VOUCHERS = '/api/v1/estates/7/ledger/vouchers';
const photo = { id: 7, name: '收据.jpg', content_type: 'image/jpeg', size: 2048, url: `${VOUCHERS}/7` };
const pdf = { id: 8, name: '合同.pdf', content_type: 'application/pdf', size: 1258291, url: `${VOUCHERS}/8` };

/** An EntryDetail as GET /entries/{id} returns it to a verified owner. */
const entryDetail = (overrides = {}) => ({
  ...entry(),
  vouchers: [photo, pdf],
  vouchers_hidden: false,
  ...overrides,
});

/** A Question as GET /periods/{id}/questions lists it. */
const question = (overrides = {}) => ({
  id: 31,
  period_id: 12,
  entry_id: null,
  body: '停车收益比上月多了10万，是什么原因？',
  asked_by: '张*',
  asked_at: '2026-11-06T02:00:00Z',
  answer: null,
  answered_by: null,
  answered_at: null,
  overdue: false,
  can_answer: false,
  ...overrides,
});

/** A page of a list: {items, page, page_size, total}. */
const pageOf = (items, page = 1, total = items.length) => ({ items, page, page_size: 20, total });

module.exports = {
  HASH,
  periodSummary,
  periodDetail,
  submittedDetail,
  statement,
  entry,
  entryDetail,
  question,
  photo,
  pdf,
  pageOf,
};
