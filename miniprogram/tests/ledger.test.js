const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { periodSummary, periodDetail, pageOf } = require('./ledger-factories');

const PERIODS = '/api/v1/estates/7/ledger/periods';
const estateWith = (...roles) => ok({ id: 7, name: '阳光小区', my_roles: roles.map((role) => ({ role, role_label: role })) });
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const labelled = (id) => periodSummary({ id, label: `第${id}期` });

// 25 periods, 20 a page.
const twoPages = (req) =>
  ok(req.query.page === '1' ? pageOf(range(1, 20).map(labelled), 1, 25) : pageOf(range(21, 25).map(labelled), 2, 25));

const openLedger = () => openPage('ledger', 'onLoad', { estate_id: '7' });
const listed = (page) => page.querySelectorAll('.period').map(textOf);

beforeEach(() => {
  signIn();
  route({ 'GET /api/v1/estates/7': estateWith('owner') });
});

test('lists periods with status, money totals and the day they were published', async () => {
  route({
    [`GET ${PERIODS}`]: ok(pageOf([
      periodSummary(),
      periodSummary({
        id: 11,
        label: '2026年9月',
        income_total_fen: 5,
        expense_total_fen: 0,
        entry_count: 1,
        published_at: '2026-10-04T18:00:00Z',
      }),
    ])),
  });
  const page = await openLedger();

  expect(calls('GET', PERIODS)[0].query).toEqual({ page: '1', page_size: '20' });
  expect(listed(page)).toEqual([
    '2026年10月已公示收入 ¥15,234.50 · 支出 ¥9,800.00共3笔 · 公示于 2026-11-05',
    '2026年9月已公示收入 ¥0.05 · 支出 ¥0.00共1笔 · 公示于 2026-10-05',
  ]);
});

test('a period not yet published shows its status and no published day', async () => {
  route({
    [`GET ${PERIODS}`]: ok(pageOf([periodSummary({ status: 'submitted', status_label: '待业委会审批', published_at: null })])),
  });
  const page = await openLedger();

  expect(listed(page)[0]).toBe('2026年10月待业委会审批收入 ¥15,234.50 · 支出 ¥9,800.00共3笔');
});

test('reaching the bottom loads the next page and stops at the total', async () => {
  route({ [`GET ${PERIODS}`]: twoPages });
  const page = await openLedger();

  for (let i = 0; i < 3; i += 1) {
    page.instance.onReachBottom();
    await settle();
  }

  expect(calls('GET', PERIODS).map((r) => r.query.page)).toEqual(['1', '2']);
  expect(listed(page)).toHaveLength(25);
  expect(textOf(page)).toContain('没有更多了');
});

test('no period yet shows an empty state', async () => {
  route({ [`GET ${PERIODS}`]: ok(pageOf([])) });
  const page = await openLedger();

  expect(textOf(page)).toContain('暂无公示的账目');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${PERIODS}`]: fail(404, 'not_found', '小区不存在或无权查看') });
  const page = await openLedger();

  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});

test('tapping a period opens it, and back on the list it shows its new status', async () => {
  route({
    [`GET ${PERIODS}`]: ok(pageOf([periodSummary({ status: 'submitted', status_label: '待业委会审批' })])),
    [`GET ${PERIODS}/12`]: ok(periodDetail({ status: 'committee_approved', status_label: '待社区审核' })),
  });
  const page = await openLedger();

  await fire(page.querySelector('.period'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-period/index?estate_id=7&id=12' });
  page.instance.onShow();
  await settle();

  expect(listed(page)[0]).toContain('待社区审核');
  expect(calls('GET', PERIODS)).toHaveLength(1);
});

test('an owner sees no 待我审批 link', async () => {
  route({ [`GET ${PERIODS}`]: ok(pageOf([])) });
  const page = await openLedger();

  expect(page.querySelector('#pending-cell')).toBeUndefined();
  expect(textOf(page)).not.toContain('待我审批');
});

test.each(['committee_member', 'committee_chair'])('a %s gets the 待我审批 link', async (role) => {
  route({ 'GET /api/v1/estates/7': estateWith('owner', role), [`GET ${PERIODS}`]: ok(pageOf([])) });
  const page = await openLedger();

  await fire(page.querySelector('#pending-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-pending/index' });
});

test('a property manager prepares accounts but approves none: no 待我审批 link', async () => {
  route({ 'GET /api/v1/estates/7': estateWith('property_manager'), [`GET ${PERIODS}`]: ok(pageOf([])) });
  const page = await openLedger();

  expect(page.querySelector('#pending-cell')).toBeUndefined();
});

test.each(['property_manager', 'committee_member', 'committee_chair'])('a %s may open a new period', async (role) => {
  route({ 'GET /api/v1/estates/7': estateWith(role), [`GET ${PERIODS}`]: [ok(pageOf([])), ok(pageOf([periodSummary({ status: 'draft' })]))] });
  const page = await openLedger();

  await fire(page.querySelector('#new-period-cell'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-period-new/index?estate_id=7' });

  // Back from the form (it redirected to the new period): the list starts again with it.
  page.instance.onShow();
  await settle();
  expect(calls('GET', PERIODS)).toHaveLength(2);
  expect(listed(page)).toHaveLength(1);
});

test.each(['owner', 'auditor'])('an %s sees no 新建账期', async (role) => {
  route({ 'GET /api/v1/estates/7': estateWith(role), [`GET ${PERIODS}`]: ok(pageOf([])) });
  const page = await openLedger();

  expect(page.querySelector('#new-period-cell')).toBeUndefined();
  expect(textOf(page)).not.toContain('新建账期');
});

test('账目公示 on the estate page opens the ledger of this estate', async () => {
  route({ 'GET /api/v1/estates/7': ok({ id: 7, name: '阳光小区', my_roles: [] }) });
  const page = await openPage('estate', 'onLoad', { id: '7' });

  await fire(page.querySelector('#ledger-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger/index?estate_id=7' });
});

const me = (...roles) => ({
  id: 1,
  display_name: '张*',
  memberships: roles.map((role) => ({
    role,
    role_label: role,
    scope_kind: 'estate',
    scope_id: 7,
    scope_name: '阳光小区',
    estate_id: 7,
  })),
  claims: [],
});

test('my page links a committee member to 待我审批', async () => {
  route({ 'GET /api/v1/me': ok(me('owner', 'committee_member')) });
  const page = await openPage('my', 'onShow');

  await fire(page.querySelector('#pending-approvals-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-pending/index' });
});

test('my page shows no 待我审批 to an owner', async () => {
  route({ 'GET /api/v1/me': ok(me('owner')) });
  const page = await openPage('my', 'onShow');

  expect(page.querySelector('#pending-approvals-cell')).toBeUndefined();
  expect(textOf(page)).not.toContain('待我审批');
});
