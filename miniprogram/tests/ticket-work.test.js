const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { ticket, pageOf } = require('./ticket-factories');

const WORK = '/api/v1/tickets/work';
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => ticket({ id: from + i }));

// 23 waiting, 20 a page.
const twoPages = (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 23) : pageOf(range(21, 23), 2, 23));

const openWork = (query) => openPage('ticket-work', 'onLoad', query);
const listed = (page) => page.querySelectorAll('.work').map(textOf);
const tabs = (page) => page.querySelectorAll('#tabs >>> .status-tabs__tab');

beforeAll(() => preload('ticket-work'));

beforeEach(() => {
  signIn();
  route({ [`GET ${WORK}`]: ok(pageOf([ticket()])) });
});

test('opens on 待受理, listing across estates with the deadline that runs', async () => {
  route({
    [`GET ${WORK}`]: ok(pageOf([
      ticket(),
      ticket({
        id: 32,
        estate_name: '幸福里',
        status: 'in_progress',
        status_label: '办理中',
        description: '地库灯不亮',
        location: null,
        overdue: true,
        escalation_level: 2,
      }),
    ])),
  });
  const page = await openWork();

  expect(tabs(page).map(textOf)).toEqual(['待受理', '办理中', '已反馈', '超时']);
  expect(calls('GET', WORK)[0].query).toEqual({ status: 'submitted', page: '1', page_size: '20' });
  expect(listed(page)).toEqual([
    '阳光小区 · 电梯故障待受理3号楼电梯停在8楼，按键无反应3号楼 2单元电梯厅 · 2026-11-23 10:002026-11-23 12:00 前受理',
    '幸福里 · 电梯故障办理中已超时已升级至社区地库灯不亮2026-11-23 10:002026-11-25 10:00 前反馈',
  ]);
});

test('an overdue ticket is highlighted', async () => {
  route({ [`GET ${WORK}`]: ok(pageOf([ticket(), ticket({ id: 32, overdue: true })])) });
  const page = await openWork();

  const [onTime, late] = page.querySelectorAll('.work');
  expect(late.dom.querySelector('[class*="van-cell"]').className).toContain('work--overdue');
  expect(onTime.dom.querySelector('[class*="van-cell"]').className).not.toContain('work--overdue');
  const dues = Array.from(page.dom.querySelectorAll('wx-view')).filter((v) => v.className.includes('work__due'));
  expect(dues.map((v) => v.classList.contains('main--overdue'))).toEqual([false, true]);
});

test.each([
  [1, { status: 'accepted,assigned,in_progress' }],
  [2, { status: 'replied' }],
  [3, { overdue: '1' }],
  [0, { status: 'submitted' }],
])('tab %p lists %j from page 1', async (index, filter) => {
  const page = await openWork({ tab: 'replied' });

  await fire(tabs(page)[index], 'tap');

  const sent = calls('GET', WORK);
  expect(sent[0].query.status).toBe('replied');
  expect(sent.slice(-1)[0].query).toEqual({ ...filter, page: '1', page_size: '20' });
});

test('an unknown tab in the query opens on 待受理', async () => {
  await openWork({ tab: 'everything' });

  expect(calls('GET', WORK)[0].query.status).toBe('submitted');
});

test('switching tabs starts over from page 1 and drops the old rows', async () => {
  route({ [`GET ${WORK}`]: (req) => (req.query.overdue ? ok(pageOf([ticket({ id: 99, overdue: true })])) : twoPages(req)) });
  const page = await openWork();
  page.instance.onReachBottom();
  await settle();
  expect(listed(page)).toHaveLength(23);

  await fire(tabs(page)[3], 'tap');

  expect(listed(page)).toHaveLength(1);
  expect(page.instance.data.page).toBe(1);
});

test('an answer for a tab left meanwhile is dropped', async () => {
  let answerFirst;
  route({
    [`GET ${WORK}`]: (req) =>
      req.query.status === 'submitted'
        ? new Promise((resolve) => (answerFirst = resolve))
        : ok(pageOf([ticket({ id: 40, description: '已反馈的那件' })])),
  });
  const page = await openWork();

  await fire(tabs(page)[2], 'tap');
  answerFirst(ok(pageOf(range(1, 5))));
  await settle();

  expect(listed(page)).toHaveLength(1);
  expect(listed(page)[0]).toContain('已反馈的那件');
});

test('reaching the bottom loads the next page', async () => {
  route({ [`GET ${WORK}`]: twoPages });
  const page = await openWork();

  page.instance.onReachBottom();
  await settle();

  expect(calls('GET', WORK).map((r) => r.query.page)).toEqual(['1', '2']);
  expect(listed(page)).toHaveLength(23);
  expect(textOf(page)).toContain('没有更多了');
});

test('tapping one opens it, and back the tab is listed again', async () => {
  route({ [`GET ${WORK}`]: [ok(pageOf([ticket({ id: 31 })])), ok(pageOf([]))] });
  const page = await openWork();

  await fire(page.querySelector('.work'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=31' });
  page.instance.onShow();
  await settle();

  expect(calls('GET', WORK)).toHaveLength(2);
  expect(textOf(page)).toContain('暂无需要处理的工单');
});

test('showing the page again without opening a ticket does not fetch again', async () => {
  const page = await openWork();

  page.instance.onShow();
  await settle();

  expect(calls('GET', WORK)).toHaveLength(1);
});

test('pulling down reloads, then stops the spinner', async () => {
  const page = await openWork();

  await page.instance.onPullDownRefresh();

  expect(calls('GET', WORK)).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${WORK}`]: fail(403, 'forbidden', '您没有执行此操作的权限') });
  const page = await openWork();

  expect(toastMessage(page)).toBe('您没有执行此操作的权限');
});
