// Small API bodies for the notice tests; override only what a test is about.

/** A NoticeSummary as the list endpoint returns it. */
const noticeSummary = (overrides = {}) => ({
  id: 5,
  title: '关于小区停水的通知',
  excerpt: '因管网维修，11月25日8:00至18:00停水',
  author_label: '业委会主任',
  audience_label: '阳光小区',
  pinned: false,
  published_at: '2026-11-23T02:30:00Z',
  withdrawn: false,
  withdrawn_at: null,
  is_read: true,
  attachment_count: 0,
  ...overrides,
});

/** A NoticeDetail as GET /notices/{id}, POST /notices and withdraw return it. */
const noticeDetail = (overrides = {}) => ({
  ...noticeSummary(),
  body: '因管网维修，11月25日8:00至18:00停水。\n- 请提前储水\n- **高层住户**注意关闭水阀',
  attachments: [],
  withdraw_reason: null,
  can_withdraw: false,
  ...overrides,
});

/** A page of the notices list: {items, page, page_size, total}. */
const noticePage = (items, page = 1, total = items.length) => ({ items, page, page_size: 20, total });

module.exports = { noticeSummary, noticeDetail, noticePage };
