const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { problem, pageOf } = require('./record-factories');

const LIST = '/api/v1/estates/7/problems';
const PHOTO = '/api/v1/estates/7/problem-photos/31';

const openProblems = () => openPage('estate-problems', 'onLoad', { estate_id: '7' });
const rows = (page) => page.querySelectorAll('.problem').map(textOf);

beforeEach(() => signIn());

test('lists open, overdue and closed-out problems with the close-out photos', async () => {
  route({
    [`GET ${LIST}`]: ok(
      pageOf([
        problem({ id: 3, title: '垃圾满溢', category_label: '环境卫生' }),
        problem({ id: 2, title: '路灯不亮', overdue: true, category_label: '公共照明' }),
        problem({
          id: 1,
          status: 'closed_out',
          status_label: '已销号',
          closed_at: '2026-12-03T06:00:00Z',
          close_note: '已清理，复查合格',
          photo_urls: [PHOTO],
        }),
      ]),
    ),
    [`GET ${PHOTO}`]: ok('jpeg-bytes'),
  });
  const page = await openProblems();
  await settle();

  expect(calls('GET', LIST)[0].query).toEqual({ page: '1', page_size: '20' });
  const [open, late, closed] = rows(page);
  expect(open).toBe('垃圾满溢整改中环境卫生 · 整改期限 2026-12-20整改方案：三日内清理');
  expect(late).toContain('路灯不亮已逾期');
  expect(closed).toBe('消防通道堵塞已销号消防安全 · 整改期限 2026-12-20整改方案：三日内清理销号：2026-12-03 14:00 已清理，复查合格');
  const photo = page.querySelector('.photo');
  expect(photo.data.src).toMatch(/^wxfile:\/\/tmp_/);
  await fire(photo, 'click');
  expect(wx.previewImage).toHaveBeenCalledWith({ urls: [photo.data.src], current: photo.data.src });
});

test('the 已销号 tab asks for closed-out problems only', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([problem()])) });
  const page = await openProblems();

  await fire(page.querySelector('#tabs').querySelectorAll('.status-tabs__tab')[2], 'tap');

  expect(calls('GET', LIST).map((r) => r.query.status)).toEqual([undefined, 'closed_out']);
});

test('no problem shows an empty state', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([])) });
  const page = await openProblems();

  expect(textOf(page)).toContain('暂无问题');
});

test('says it is loading while the first page is on its way', async () => {
  route({ [`GET ${LIST}`]: () => new Promise(() => {}) });
  const page = await openProblems();

  expect(textOf(page)).toContain('加载中…');
  expect(textOf(page)).not.toContain('暂无问题');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${LIST}`]: fail(404, 'not_found', '小区不存在或无权查看') });
  const page = await openProblems();

  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});
