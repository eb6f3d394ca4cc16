const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { motion, announcedMotion, closedMotion, turnout, pageOf, isoIn, DAY_MS, HOUR_MS } = require('./vote-factories');

const LIST = '/api/v1/estates/7/motions';
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => motion({ id: from + i }));

// 23 motions, 20 a page.
const twoPages = (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 23) : pageOf(range(21, 23), 2, 23));

const openList = () => openPage('motions', 'onLoad', { estate_id: '7' });
const listed = (page) => page.querySelectorAll('.motion').map(textOf);
const tabs = (page) => page.querySelectorAll('#tabs >>> .status-tabs__tab');

beforeAll(() => preload('motions'));

beforeEach(() => signIn());

test('lists every motion first, each with its status, matter, turnout while open and countdown', async () => {
  route({
    [`GET ${LIST}`]: ok(pageOf([
      motion(),
      announcedMotion({ id: 13, title: '关于选聘新物业服务企业的表决', matter_label: '选聘和解聘物业服务企业或者其他管理人' }),
      closedMotion({ id: 14, title: '关于修订管理规约的表决', matter_label: '制定和修改管理规约' }),
      motion({ id: 15, status: 'cancelled', status_label: '已取消', title: '关于停车位收费的表决', turnout: null }),
    ])),
  });
  const page = await openList();

  expect(tabs(page).map(textOf)).toEqual(['全部', '公示中', '投票中', '已结束']);
  expect(calls('GET', LIST)[0].query).toEqual({ page: '1', page_size: '20' });
  expect(listed(page)).toEqual([
    '投票中关于使用维修资金更换3号楼电梯的表决筹集建筑物及其附属设施的维修资金已投 86/120 人 · 距投票结束 2 小时 5 分',
    '公示中关于选聘新物业服务企业的表决选聘和解聘物业服务企业或者其他管理人距投票开始 3 天 4 小时',
    '已结束未通过关于修订管理规约的表决制定和修改管理规约投票已结束',
    '已取消关于停车位收费的表决筹集建筑物及其附属设施的维修资金',
  ]);
  expect(page.instance.data.items.map((item) => item.tagType)).toEqual(['primary', 'warning', 'success', 'default']);
});

test.each([
  [1, { status: 'announced' }],
  [2, { status: 'open' }],
  [3, { status: 'closed' }],
])('tab %p lists by status %j from page 1', async (index, filter) => {
  route({ [`GET ${LIST}`]: twoPages });
  const page = await openList();
  page.instance.onReachBottom();
  await settle();

  await fire(tabs(page)[index], 'tap');

  expect(calls('GET', LIST).slice(-1)[0].query).toEqual({ ...filter, page: '1', page_size: '20' });
  expect(listed(page)).toHaveLength(20);
});

test('tapping the open tab again does not list again', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([motion()])) });
  const page = await openList();

  await fire(tabs(page)[0], 'tap');

  expect(calls('GET', LIST)).toHaveLength(1);
});

test('reaching the bottom loads the next page and stops at the total', async () => {
  route({ [`GET ${LIST}`]: twoPages });
  const page = await openList();

  for (let i = 0; i < 3; i += 1) {
    page.instance.onReachBottom();
    await settle();
  }

  expect(calls('GET', LIST).map((r) => r.query.page)).toEqual(['1', '2']);
  expect(listed(page)).toHaveLength(23);
  expect(textOf(page)).toContain('没有更多了');
});

test('tapping one opens it; back, just that one is fetched again', async () => {
  route({
    [`GET ${LIST}`]: ok(pageOf([motion({ id: 12 }), motion({ id: 13 })])),
    'GET /api/v1/motions/13': ok(motion({ id: 13, turnout: turnout({ owners_voted: 87 }) })),
  });
  const page = await openList();

  await fire(page.querySelectorAll('.motion')[1], 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/motion/index?id=13' });
  page.instance.onShow();
  await settle();

  expect(calls('GET', LIST)).toHaveLength(1);
  expect(listed(page)[1]).toContain('已投 87/120 人');
  expect(listed(page)[0]).toContain('已投 86/120 人');
});

test('showing the page without having opened one fetches nothing', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([motion()])) });
  const page = await openList();

  page.instance.onShow();
  await settle();

  expect(calls('GET', '/api/v1/motions/12')).toHaveLength(0);
});

test('an open motion past its close reads 投票已结束 until it is counted', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([motion({ opens_at: isoIn(-2 * DAY_MS), closes_at: isoIn(-HOUR_MS) })])) });
  const page = await openList();

  expect(listed(page)[0]).toContain('已投 86/120 人 · 投票已结束');
});

test('none yet shows an empty state', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([])) });
  const page = await openList();

  expect(textOf(page)).toContain('暂无表决事项');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${LIST}`]: fail(404, 'not_found', '小区不存在或无权查看') });
  const page = await openList();

  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});

test('pulling down reloads, then stops the spinner', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([motion()])) });
  const page = await openList();

  await page.instance.onPullDownRefresh();

  expect(calls('GET', LIST)).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
});

describe('发起表决', () => {
  const ESTATE = '/api/v1/estates/7';
  const estate = (roles) => ok({ id: 7, name: '阳光小区', my_roles: roles.map((role) => ({ role, role_label: role })) });

  test.each([['committee_member'], ['committee_chair']])('a %s sees it, even before any motion', async (role) => {
    route({ [`GET ${ESTATE}`]: estate(['owner', role]), [`GET ${LIST}`]: ok(pageOf([])) });
    const page = await openList();

    expect(textOf(page.querySelector('#compose-button'))).toBe('发起表决');
    expect(calls('GET', ESTATE)).toHaveLength(1);
  });

  test.each([
    ['an owner', ['owner']],
    ['the property manager', ['property_manager']],
    // can_manage is true for supervisors too, who may not announce: the button follows roles.
    ['an auditor whose list says can_manage', ['auditor']],
  ])('%s does not see it', async (_, roles) => {
    route({ [`GET ${ESTATE}`]: estate(roles), [`GET ${LIST}`]: ok(pageOf([motion({ can_manage: true })])) });
    const page = await openList();

    expect(page.querySelector('#compose-button')).toBeUndefined();
  });

  test('roles that cannot be fetched hide it quietly: the list’s own message stays', async () => {
    route({
      [`GET ${ESTATE}`]: fail(500, 'internal_error', '服务器出错了，请稍后重试'),
      [`GET ${LIST}`]: fail(404, 'not_found', '小区不存在或无权查看'),
    });
    const page = await openList();

    expect(page.querySelector('#compose-button')).toBeUndefined();
    expect(toastMessage(page)).toBe('小区不存在或无权查看');
  });

  test('opens the form for the estate; back, the list is fetched again from page 1', async () => {
    route({ [`GET ${ESTATE}`]: estate(['committee_chair']), [`GET ${LIST}`]: ok(pageOf([motion()])) });
    const page = await openList();

    await fire(page.querySelector('#compose-button'), 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/motion-compose/index?estate_id=7' });
    page.instance.onShow();
    await settle();

    expect(calls('GET', LIST).map((r) => r.query.page)).toEqual(['1', '1']);
  });
});
