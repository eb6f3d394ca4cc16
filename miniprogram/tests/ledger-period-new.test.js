const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { periodDetail } = require('./ledger-factories');

const PERIODS = '/api/v1/estates/7/ledger/periods';
// 2026-12-07 in Shanghai: the last finished month is November, the last finished quarter Q3.
const NOW = Date.parse('2026-12-07T01:00:00Z');

const openNew = () => openPage('ledger-period-new', 'onLoad', { estate_id: '7' });

beforeEach(() => {
  signIn();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => jest.restoreAllMocks());

test('offers the months back a year, the last finished one first chosen', async () => {
  const page = await openNew();

  expect(page.querySelector('#period-cell').data.value).toBe('2026年11月');
  expect(page.querySelector('#period-picker').data.columns.slice(0, 3)).toEqual(['2026年12月', '2026年11月', '2026年10月']);
  expect(textOf(page)).toContain('新建后为草稿');
});

test('a quarter is chosen among quarters; the server gets its first day', async () => {
  route({ [`POST ${PERIODS}`]: ok(periodDetail({ id: 30, status: 'draft', kind: 'quarter' }), 201) });
  const page = await openNew();

  await fire(page.querySelector('#kind'), 'change', 'quarter');
  expect(page.querySelector('#period-cell').data.value).toBe('2026年第3季度');
  await fire(page.querySelector('#period-cell'), 'click');
  await fire(page.querySelector('#period-picker'), 'confirm', { value: '2026年第2季度', index: 2 });
  await fire(page.querySelector('#create-button'), 'click');

  expect(calls('POST', PERIODS)[0].data).toEqual({ kind: 'quarter', start_date: '2026-04-01' });
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ledger-period/index?estate_id=7&id=30' });
});

test('a month that overlaps another period stays on the form with the server\'s message', async () => {
  route({ [`POST ${PERIODS}`]: fail(409, 'conflict', '与已有账期（2026年11月）时间重叠') });
  const page = await openNew();

  await fire(page.querySelector('#create-button'), 'click');

  expect(calls('POST', PERIODS)[0].data).toEqual({ kind: 'month', start_date: '2026-11-01' });
  expect(toastMessage(page)).toBe('与已有账期（2026年11月）时间重叠');
  expect(wx.redirectTo).not.toHaveBeenCalled();
  expect(page.querySelector('#create-button').data.loading).toBe(false);
});

test('a refused start date shows under the period', async () => {
  route({ [`POST ${PERIODS}`]: fail(422, 'validation_failed', '请检查填写的内容', { start_date: ['不能晚于本月'] }) });
  const page = await openNew();

  await fire(page.querySelector('#create-button'), 'click');
  await settle();

  expect(page.querySelector('#period-cell').data.label).toBe('不能晚于本月');
});
