// 长辈模式: the switch in 我的, the first-start offer and the plain home.
const { fire, settle, textOf, openPage, renderPage, preload } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');
const elder = require('../utils/elder');

const OWNER = { role: 'owner', role_label: '业主', scope_kind: 'unit', scope_id: 101, scope_name: '阳光小区 1号楼1-101', estate_id: 7 };
const me = (memberships = [OWNER]) => ({ id: 1, display_name: '张*', memberships, claims: [] });
const estate = (id, name) => ({ id, name, community_name: '河滨社区', township_name: '凤城镇' });
const estatesPage = (items) => ({ items, page: 1, page_size: 20, total: items.length });

const hasElderRoot = (page) => page.dom.firstElementChild.classList.contains('main--elder');

beforeAll(() => ['my', 'estates', 'notices'].forEach(preload));

beforeEach(() => {
  signIn();
  delete global.getCurrentPages;
  route({ 'GET /api/v1/me': ok(me()), 'GET /api/v1/estates': ok(estatesPage([estate(7, '阳光小区')])) });
});

describe('the switch in 我的', () => {
  test('says what the mode does and is off at first', async () => {
    const page = await openPage('my', 'onShow');

    const cell = page.querySelector('#elder-cell');
    expect(textOf(cell)).toBe('长辈模式字更大、按钮更大，首页只留看公告、随手拍、去投票、看账目已关闭');
    expect(page.querySelector('#elder-switch').data.checked).toBe(false);
    expect(hasElderRoot(page)).toBe(false);
  });

  test('turning it on is remembered and applies at once to 我的 and to the pages already open', async () => {
    const notices = renderPage('notices');
    const page = await openPage('my', 'onShow');
    global.getCurrentPages = () => [notices.instance, page.instance];

    await fire(page.querySelector('#elder-switch'), 'change', true);

    expect(wx.getStorageSync(elder.MODE_KEY)).toBe(true);
    expect(hasElderRoot(page)).toBe(true);
    expect(textOf(page.querySelector('#elder-cell'))).toContain('已开启');
    expect(hasElderRoot(notices)).toBe(true);
    // A page opened later starts in the mode.
    expect(hasElderRoot(renderPage('notices'))).toBe(true);
  });

  test('turning it off is remembered too', async () => {
    wx.setStorageSync(elder.MODE_KEY, true);
    const page = await openPage('my', 'onShow');
    expect(hasElderRoot(page)).toBe(true);

    await fire(page.querySelector('#elder-switch'), 'change', false);

    expect(wx.getStorageSync(elder.MODE_KEY)).toBe(false);
    expect(hasElderRoot(page)).toBe(false);
  });

  test('a page shown again re-reads the mode', async () => {
    const page = renderPage('notices');
    expect(hasElderRoot(page)).toBe(false);

    wx.setStorageSync(elder.MODE_KEY, true);
    page.triggerPageLifeTime('show');
    await settle();

    expect(hasElderRoot(page)).toBe(true);
  });
});

describe('the first-start offer', () => {
  const phoneFont = (px) => {
    wx.getAppBaseInfo = jest.fn(() => ({ fontSizeSetting: px }));
  };
  const answer = (confirm) => {
    wx.showModal = jest.fn(({ success }) => Promise.resolve().then(() => success({ confirm, cancel: !confirm })));
  };

  test('with a large font it asks, and turns the mode on when accepted', async () => {
    phoneFont(20);
    answer(true);

    expect(await elder.offerOnFirstStart()).toBe(true);

    expect(wx.showModal).toHaveBeenCalledTimes(1);
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '开启长辈模式？', confirmText: '开启', cancelText: '暂不' });
    expect(elder.isOn()).toBe(true);
  });

  test('it asks only once, whatever the answer was', async () => {
    phoneFont(20);
    answer(false);

    await Promise.all([elder.offerOnFirstStart(), elder.offerOnFirstStart()]);
    expect(await elder.offerOnFirstStart()).toBe(false);

    expect(wx.showModal).toHaveBeenCalledTimes(1);
    expect(elder.isOn()).toBe(false);
  });

  test.each([16, 17])('with the standard font (%i px) it does not ask', async (px) => {
    phoneFont(px);
    answer(true);

    expect(await elder.offerOnFirstStart()).toBe(false);

    expect(wx.showModal).not.toHaveBeenCalled();
    expect(elder.isOn()).toBe(false);
  });

  test('an older base library is read through getSystemInfoSync', async () => {
    delete wx.getAppBaseInfo;
    wx.getSystemInfoSync = jest.fn(() => ({ fontSizeSetting: 22 }));
    answer(true);

    await elder.offerOnFirstStart();

    expect(wx.showModal).toHaveBeenCalledTimes(1);
  });
});

describe('the plain home', () => {
  const openHome = () => openPage('estates', 'onLoad');
  const actions = (page) => page.querySelectorAll('.plain-action').map(textOf);

  beforeEach(() => wx.setStorageSync(elder.MODE_KEY, true));

  test('an owner with a verified unit sees four big actions going to the estate', async () => {
    const page = await openHome();

    expect(textOf(page.querySelector('#plain-estate-name'))).toBe('阳光小区');
    expect(actions(page)).toEqual(['看公告', '随手拍', '去投票', '看账目']);
    const targets = [];
    for (const key of ['notices', 'report', 'vote', 'ledger']) {
      await fire(page.querySelector(`#plain-${key}`), 'tap');
      targets.push(wx.navigateTo.mock.calls.at(-1)[0].url);
    }
    expect(targets).toEqual([
      '/pages/notices/index?estate_id=7',
      `/pages/ticket-report/index?estate_id=7&name=${encodeURIComponent('阳光小区')}`,
      '/pages/motions/index?estate_id=7',
      '/pages/ledger/index?estate_id=7',
    ]);
    expect(page.querySelectorAll('.estate')).toHaveLength(0);
  });

  test('an owner in several estates picks one with one tap, and the actions follow', async () => {
    const other = { ...OWNER, scope_id: 202, estate_id: 8 };
    route({
      'GET /api/v1/me': ok(me([OWNER, other])),
      'GET /api/v1/estates': ok(estatesPage([estate(7, '阳光小区'), estate(8, '幸福里')])),
    });
    const page = await openHome();
    const choices = () => page.querySelectorAll('.plain-estate').map(textOf);
    expect(choices()).toEqual(['阳光小区（当前）', '幸福里']);

    await fire(page.querySelectorAll('.plain-estate')[1], 'tap');
    await fire(page.querySelector('#plain-ledger'), 'tap');

    expect(choices()).toEqual(['阳光小区', '幸福里（当前）']);
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/ledger/index?estate_id=8' });
  });

  test.each([
    ['a committee member who owns no unit', [{ ...OWNER, role: 'committee_member', scope_kind: 'estate', scope_id: 7 }]],
    ['someone who has not joined', []],
  ])('%s sees the estates list, in the mode', async (_who, memberships) => {
    route({ 'GET /api/v1/me': ok(me(memberships)) });
    const page = await openHome();

    expect(page.querySelector('#plain-home')).toBeUndefined();
    // (The list's Vant cells are checked by estates.test.js; pages compiled in one file share them.)
    expect(page.querySelectorAll('.estate')).toHaveLength(1);
    expect(page.instance.data.items.map((item) => item.name)).toEqual(['阳光小区']);
    expect(hasElderRoot(page)).toBe(true);
  });

  test('in the normal mode nobody sees it, and nothing more is asked of the server', async () => {
    wx.setStorageSync(elder.MODE_KEY, false);
    const page = await openHome();

    expect(page.querySelector('#plain-home')).toBeUndefined();
    expect(calls('GET', '/api/v1/me')).toHaveLength(0);
  });

  test('shown again, it reads my estates anew: a unit verified meanwhile appears', async () => {
    route({ 'GET /api/v1/me': ok(me([])) });
    const page = await openHome();
    expect(page.querySelector('#plain-home')).toBeUndefined();

    page.triggerPageLifeTime('hide');
    route({ 'GET /api/v1/me': ok(me()) });
    page.triggerPageLifeTime('show');
    await settle();

    expect(textOf(page.querySelector('#plain-estate-name'))).toBe('阳光小区');
    expect(calls('GET', '/api/v1/me')).toHaveLength(2);
  });

  test('shown the first time, it is read once', async () => {
    const page = await openHome();
    page.triggerPageLifeTime('show');
    await settle();

    expect(actions(page)).toHaveLength(4);
    expect(calls('GET', '/api/v1/me')).toHaveLength(1);
  });

  test('turning the mode on while the tab is open shows it; off shows the list again', async () => {
    wx.setStorageSync(elder.MODE_KEY, false);
    const page = await openHome();

    elder.set(true, [page.instance]);
    await settle();
    expect(actions(page)).toHaveLength(4);

    elder.set(false, [page.instance]);
    await settle();
    expect(page.querySelector('#plain-home')).toBeUndefined();
  });
});
