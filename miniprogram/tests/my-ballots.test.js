const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { myBallot, pageOf } = require('./vote-factories');

const MINE = '/api/v1/me/ballots';
const withMotion = (id) => {
  const item = myBallot();
  return { ...item, motion: { ...item.motion, id } };
};
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => withMotion(from + i));

// 23 ballots, 20 a page.
const twoPages = (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 23) : pageOf(range(21, 23), 2, 23));

const openMine = () => openPage('my-ballots', 'onLoad');
const listed = (page) => page.querySelectorAll('.ballot').map(textOf);

beforeAll(() => preload('my-ballots'));

beforeEach(() => signIn());

test('lists my ballots: the motion, its status, my choice, when and where', async () => {
  const closed = myBallot({ choice: 'no', choice_label: '反对', channel: 'wecom_card', channel_label: '企业微信投票卡片', cast_at: '2026-11-01T12:00:00Z' });
  route({
    [`GET ${MINE}`]: ok(pageOf([
      myBallot(),
      {
        ...closed,
        motion: { ...closed.motion, id: 9, estate_name: '幸福里', title: '关于修订管理规约的表决', status: 'closed', status_label: '已结束' },
      },
    ])),
  });
  const page = await openMine();

  expect(calls('GET', MINE)[0].query).toEqual({ page: '1', page_size: '20' });
  expect(listed(page)).toEqual([
    '投票中关于使用维修资金更换3号楼电梯的表决我的选择：赞成阳光小区 · 2026-11-23 10:30 投票（小程序）',
    '已结束关于修订管理规约的表决我的选择：反对幸福里 · 2026-11-01 20:00 投票（企业微信投票卡片）',
  ]);
  expect(page.instance.data.items.map((item) => item.tagType)).toEqual(['primary', 'success']);
});

test('tapping one opens its motion', async () => {
  route({ [`GET ${MINE}`]: ok(pageOf([withMotion(12), withMotion(9)])) });
  const page = await openMine();

  await fire(page.querySelectorAll('.ballot')[1], 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/motion/index?id=9' });
});

test('reaching the bottom loads the next page and stops at the total', async () => {
  route({ [`GET ${MINE}`]: twoPages });
  const page = await openMine();

  for (let i = 0; i < 3; i += 1) {
    page.instance.onReachBottom();
    await settle();
  }

  expect(calls('GET', MINE).map((r) => r.query.page)).toEqual(['1', '2']);
  expect(listed(page)).toHaveLength(23);
  expect(textOf(page)).toContain('没有更多了');
});

test('none yet shows an empty state', async () => {
  route({ [`GET ${MINE}`]: ok(pageOf([])) });
  const page = await openMine();

  expect(textOf(page)).toContain('您还没有投过票');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${MINE}`]: fail(503, 'unavailable', '服务暂时不可用，请稍后重试') });
  const page = await openMine();

  expect(toastMessage(page)).toBe('服务暂时不可用，请稍后重试');
});

test('pulling down reloads, then stops the spinner', async () => {
  route({ [`GET ${MINE}`]: ok(pageOf([myBallot()])) });
  const page = await openMine();

  await page.instance.onPullDownRefresh();

  expect(calls('GET', MINE)).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
});
