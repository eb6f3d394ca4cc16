const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { noticeSummary, noticeDetail, noticePage } = require('./factories');

const LIST = '/api/v1/estates/7/notices';
const estateWith = (...roles) => ok({ id: 7, name: '阳光小区', my_roles: roles.map((role) => ({ role, role_label: role })) });
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const titled = (id) => noticeSummary({ id, title: `第${id}号公告` });

// 25 notices, 20 a page.
const twoPages = (req) =>
  ok(req.query.page === '1' ? noticePage(range(1, 20).map(titled), 1, 25) : noticePage(range(21, 25).map(titled), 2, 25));

const openNotices = () => openPage('notices', 'onLoad', { estate_id: '7' });
const listed = (page) => page.querySelectorAll('.notice').map(textOf);

beforeEach(() => {
  signIn();
  route({ 'GET /api/v1/estates/7': estateWith('owner') });
});

test('shows unread, pinned and withdrawn notices with their markers', async () => {
  route({
    [`GET ${LIST}`]: ok(noticePage([
      noticeSummary({ id: 1, title: '停水通知', pinned: true, is_read: false }),
      noticeSummary({ id: 2, title: '物业费公示', attachment_count: 2, audience_label: '城东社区全体小区' }),
      noticeSummary({ id: 3, title: '电梯维修', pinned: true, is_read: false, withdrawn: true }),
    ])),
  });
  const page = await openNotices();

  expect(calls('GET', LIST)[0].query).toEqual({ page: '1', page_size: '20' });
  const [pinned, read, withdrawn] = listed(page);
  expect(pinned).toBe('置顶停水通知未读因管网维修，11月25日8:00至18:00停水业委会主任 · 阳光小区 · 2026-11-23 10:30');
  expect(read).toBe('物业费公示因管网维修，11月25日8:00至18:00停水业委会主任 · 城东社区全体小区 · 2026-11-23 10:30 · 附件2个');
  expect(withdrawn).toMatch(/^已撤回电梯维修因管网/);
  const classesOf = (notice) => notice.dom.innerHTML;
  expect(page.querySelectorAll('.notice').map((n) => classesOf(n).includes('unread-dot'))).toEqual([true, false, false]);
  expect(page.querySelectorAll('.notice').map((n) => classesOf(n).includes('notice--withdrawn'))).toEqual([
    false,
    false,
    true,
  ]);
});

test('reaching the bottom loads the next page and stops at the total', async () => {
  route({ [`GET ${LIST}`]: twoPages });
  const page = await openNotices();

  for (let i = 0; i < 3; i += 1) {
    page.instance.onReachBottom();
    await settle();
  }

  expect(calls('GET', LIST).map((r) => r.query.page)).toEqual(['1', '2']);
  expect(listed(page)).toHaveLength(25);
  expect(textOf(page)).toContain('第25号公告');
  expect(textOf(page)).toContain('没有更多了');
});

test('pulling down reloads page 1 in place of what was shown, then stops the spinner', async () => {
  route({ [`GET ${LIST}`]: [ok(noticePage([titled(1)])), ok(noticePage([titled(2), titled(1)]))] });
  const page = await openNotices();

  await page.instance.onPullDownRefresh();

  expect(calls('GET', LIST).map((r) => r.query.page)).toEqual(['1', '1']);
  expect(listed(page).map((text) => text.slice(0, 5))).toEqual(['第2号公告', '第1号公告']);
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
});

test('no notice yet shows an empty state', async () => {
  route({ [`GET ${LIST}`]: ok(noticePage([])) });
  const page = await openNotices();

  expect(textOf(page)).toContain('暂无公告');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${LIST}`]: fail(404, 'not_found', '小区不存在或无权查看') });
  const page = await openNotices();

  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});

test('tapping a notice opens it, and back on the list it is no longer unread', async () => {
  route({
    [`GET ${LIST}`]: ok(noticePage([noticeSummary({ id: 5, title: '停水通知', is_read: false })])),
    'GET /api/v1/notices/5': ok(noticeDetail({ id: 5, title: '停水通知', is_read: true })),
  });
  const page = await openNotices();
  expect(listed(page)[0]).toContain('未读');

  await fire(page.querySelector('.notice'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notice/index?id=5' });
  page.instance.onShow();
  await settle();

  expect(calls('GET', '/api/v1/notices/5')).toHaveLength(1);
  expect(listed(page)[0]).not.toContain('未读');
  expect(calls('GET', LIST)).toHaveLength(1);
});

test('an owner gets no 发布公告 button', async () => {
  route({ [`GET ${LIST}`]: ok(noticePage([])) });
  const page = await openNotices();

  expect(page.querySelector('#compose-button')).toBeUndefined();
  expect(textOf(page)).not.toContain('发布公告');
});

test.each(['committee_member', 'committee_chair', 'property_manager'])(
  'a %s can compose, and the new notice shows on return',
  async (role) => {
    route({
      'GET /api/v1/estates/7': estateWith('owner', role),
      [`GET ${LIST}`]: [ok(noticePage([titled(1)])), ok(noticePage([titled(2), titled(1)]))],
    });
    const page = await openNotices();

    await fire(page.querySelector('#compose-button'), 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notice-compose/index?estate_id=7' });
    page.instance.onShow();
    await settle();

    expect(listed(page)).toHaveLength(2);
    expect(textOf(page)).toContain('第2号公告');
  },
);
