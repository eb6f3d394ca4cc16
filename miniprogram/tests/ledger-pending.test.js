const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { periodSummary, pageOf } = require('./ledger-factories');

const PENDING = '/api/v1/ledger/pending-approvals';
const pending = (overrides = {}) =>
  periodSummary({
    status: 'submitted',
    status_label: '待业委会审批',
    approval_count: 1,
    approvals_required: 3,
    published_at: null,
    estate_name: '阳光小区',
    ...overrides,
  });
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => pending({ id: from + i }));

const openPending = () => openPage('ledger-pending', 'onLoad');
const listed = (page) => page.querySelectorAll('.pending').map(textOf);

beforeEach(() => signIn());

test('lists periods of every estate waiting for me, with totals and approvals so far', async () => {
  route({
    [`GET ${PENDING}`]: ok(pageOf([
      pending(),
      pending({
        id: 30,
        estate_id: 9,
        estate_name: '幸福里',
        label: '2026年第3季度',
        income_total_fen: 0,
        expense_total_fen: 45,
        approval_count: 0,
        entry_count: 1,
      }),
    ])),
  });
  const page = await openPending();

  expect(calls('GET', PENDING)[0].query).toEqual({ page: '1', page_size: '20' });
  expect(listed(page)).toEqual([
    '阳光小区 · 2026年10月收入 ¥15,234.50 · 支出 ¥9,800.00共3笔 · 已同意 1/3',
    '幸福里 · 2026年第3季度收入 ¥0.00 · 支出 ¥0.45共1笔 · 已同意 0/3',
  ]);
});

test('tapping one opens the period in its own estate, and back the list is fetched again', async () => {
  route({ [`GET ${PENDING}`]: [ok(pageOf([pending({ id: 30, estate_id: 9 })])), ok(pageOf([]))] });
  const page = await openPending();

  await fire(page.querySelector('.pending'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-period/index?estate_id=9&id=30' });
  page.instance.onShow();
  await settle();

  expect(calls('GET', PENDING)).toHaveLength(2);
  expect(textOf(page)).toContain('暂无待审批的账目');
});

test('showing the page again without opening a period does not fetch again', async () => {
  route({ [`GET ${PENDING}`]: ok(pageOf([pending()])) });
  const page = await openPending();

  page.instance.onShow();
  await settle();

  expect(calls('GET', PENDING)).toHaveLength(1);
});

test('reaching the bottom loads the next page', async () => {
  // 23 waiting, 20 a page.
  const twoPages = (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 23) : pageOf(range(21, 23), 2, 23));
  route({ [`GET ${PENDING}`]: twoPages });
  const page = await openPending();

  page.instance.onReachBottom();
  await settle();

  expect(listed(page)).toHaveLength(23);
  expect(textOf(page)).toContain('没有更多了');
});

test('pulling down reloads, then stops the spinner', async () => {
  route({ [`GET ${PENDING}`]: ok(pageOf([pending()])) });
  const page = await openPending();

  await page.instance.onPullDownRefresh();

  expect(calls('GET', PENDING)).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
});

test('nothing waiting shows an empty state', async () => {
  route({ [`GET ${PENDING}`]: ok(pageOf([])) });
  const page = await openPending();

  expect(textOf(page)).toContain('暂无待审批的账目');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${PENDING}`]: fail(403, 'forbidden', '您没有执行此操作的权限') });
  const page = await openPending();

  expect(toastMessage(page)).toBe('您没有执行此操作的权限');
});
