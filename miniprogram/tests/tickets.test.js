const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { forgetPhotos } = require('../utils/tickets-photos');
const { ticket, ticketDetail, pageOf } = require('./ticket-factories');

const MINE = '/api/v1/tickets/mine';
const ESTATE = '/api/v1/estates/7/tickets';
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => ticket({ id: from + i }));

// 23 tickets, 20 a page.
const twoPages = (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 23) : pageOf(range(21, 23), 2, 23));

const openMine = () => openPage('tickets', 'onLoad');
const openEstate = () => openPage('tickets', 'onLoad', { estate_id: '7' });
const listed = (page) => page.querySelectorAll('.ticket').map(textOf);
const tabs = (page) => page.querySelectorAll('#tabs >>> .status-tabs__tab');

beforeAll(() => preload('tickets'));

beforeEach(() => {
  signIn();
  forgetPhotos();
  wx.setNavigationBarTitle = jest.fn();
  route({ 'GET /api/v1/ticket-photos/51': ok('JPEG 51 thumb') });
});

describe('my tickets', () => {
  test('lists what I reported or support, with status, overdue and escalation', async () => {
    route({
      [`GET ${MINE}`]: ok(pageOf([
        ticket({ is_mine: true, reporter_label: '我' }),
        ticket({
          id: 32,
          estate_name: '幸福里',
          category: 'lighting',
          category_label: '公共照明',
          status: 'in_progress',
          status_label: '办理中',
          description: '地库灯不亮',
          location: null,
          supporter_count: 4,
          i_support: true,
          overdue: true,
          escalation_level: 1,
          cover_photo: null,
        }),
      ])),
    });
    const page = await openMine();

    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '我的随手拍' });
    expect(calls('GET', MINE)[0].query).toEqual({ page: '1', page_size: '20' });
    expect(listed(page)).toEqual([
      '电梯故障待受理3号楼电梯停在8楼，按键无反应阳光小区 · 3号楼 2单元电梯厅 · 2026-11-23 10:00我提交的',
      '公共照明办理中已超时已升级至业委会地库灯不亮幸福里 · 2026-11-23 10:00 · 附议 4我附议的',
    ]);
    expect(page.querySelectorAll('#tabs >>> .status-tabs__tab')).toHaveLength(0);
    expect(page.querySelector('#report-button')).toBeUndefined();
  });

  test('shows each cover photo from a temp file fetched with the token', async () => {
    route({ [`GET ${MINE}`]: ok(pageOf([ticket()])) });
    const page = await openMine();

    const [cover] = page.querySelectorAll('.ticket__cover');
    expect(wx.getFileSystemManager().readFileSync(cover.data.src)).toBe('JPEG 51 thumb');
    expect(calls('GET', '/api/v1/ticket-photos/51')[0].query).toEqual({ size: 'thumb' });
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

  test('tapping one opens it; back, just that one is fetched again', async () => {
    route({
      [`GET ${MINE}`]: ok(pageOf([ticket({ id: 31 }), ticket({ id: 32 })])),
      'GET /api/v1/tickets/32': ok(ticketDetail({ id: 32, status: 'accepted', status_label: '已受理' })),
    });
    const page = await openMine();

    await fire(page.querySelectorAll('.ticket')[1], 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=32' });
    page.instance.onShow();
    await settle();

    expect(calls('GET', MINE)).toHaveLength(1);
    expect(listed(page)[1]).toContain('已受理');
  });

  test('none yet shows an empty state', async () => {
    route({ [`GET ${MINE}`]: ok(pageOf([])) });
    const page = await openMine();

    expect(textOf(page)).toContain('您还没有随手拍过');
  });

  test('a failing list shows the server message', async () => {
    route({ [`GET ${MINE}`]: fail(503, 'unavailable', '服务暂时不可用，请稍后重试') });
    const page = await openMine();

    expect(toastMessage(page)).toBe('服务暂时不可用，请稍后重试');
  });

  test('pulling down reloads, then stops the spinner', async () => {
    route({ [`GET ${MINE}`]: ok(pageOf([ticket()])) });
    const page = await openMine();

    await page.instance.onPullDownRefresh();

    expect(calls('GET', MINE)).toHaveLength(2);
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });
});

describe("an estate's tickets", () => {
  test('lists them all first, without the estate name on every row', async () => {
    route({ [`GET ${ESTATE}`]: ok(pageOf([ticket()])) });
    const page = await openEstate();

    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '随手拍公示' });
    expect(tabs(page).map(textOf)).toEqual(['全部', '待受理', '办理中', '已反馈', '已办结']);
    expect(calls('GET', ESTATE)[0].query).toEqual({ page: '1', page_size: '20' });
    expect(listed(page)).toEqual(['电梯故障待受理3号楼电梯停在8楼，按键无反应3号楼 2单元电梯厅 · 2026-11-23 10:00']);
    expect(calls('GET', MINE)).toHaveLength(0);
  });

  test.each([
    [1, { status: 'submitted' }],
    [2, { status: 'accepted,assigned,in_progress' }],
    [3, { status: 'replied' }],
    [4, { status: 'closed' }],
  ])('tab %p lists by status %j from page 1', async (index, filter) => {
    route({ [`GET ${ESTATE}`]: twoPages });
    const page = await openEstate();
    page.instance.onReachBottom();
    await settle();

    await fire(tabs(page)[index], 'tap');

    expect(calls('GET', ESTATE).slice(-1)[0].query).toEqual({ ...filter, page: '1', page_size: '20' });
    expect(listed(page)).toHaveLength(20);
  });

  test('tapping the open tab again does not list again', async () => {
    route({ [`GET ${ESTATE}`]: ok(pageOf([ticket()])) });
    const page = await openEstate();

    await fire(tabs(page)[0], 'tap');

    expect(calls('GET', ESTATE)).toHaveLength(1);
  });

  test('我要随手拍 opens the report form; back, the list starts over', async () => {
    route({ [`GET ${ESTATE}`]: ok(pageOf([ticket()])) });
    const page = await openEstate();

    await fire(page.querySelector('#report-button'), 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket-report/index?estate_id=7' });
    page.instance.onShow();
    await settle();

    expect(calls('GET', ESTATE)).toHaveLength(2);
  });

  test('none yet shows an empty state', async () => {
    route({ [`GET ${ESTATE}`]: ok(pageOf([])) });
    const page = await openEstate();

    expect(textOf(page)).toContain('暂无随手拍');
  });
});
