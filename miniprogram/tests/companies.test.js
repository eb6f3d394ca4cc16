const { fire, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { pageOf } = require('./record-factories');

const LIST = '/api/v1/property-companies';
const company = (overrides = {}) => ({ id: 3, name: '安溪宜家物业', credit_code: null, score: 94, penalty_count: 2, ...overrides });

const openCompanies = () => openPage('companies', 'onLoad');

beforeEach(() => signIn());

test('lists the county companies with scores, and opens a credit page', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([company(), company({ id: 4, name: '安溪鸿福物业', score: 72, penalty_count: 0 })])) });
  const page = await openCompanies();

  expect(page.querySelectorAll('.company').map(textOf)).toEqual([
    '安溪宜家物业惩戒记录 2 条94 分',
    '安溪鸿福物业无惩戒记录72 分',
  ]);
  expect(page.querySelectorAll('.company')[1].dom.innerHTML).toContain('score--low');
  await fire(page.querySelectorAll('.company')[1], 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/company-credit/index?id=4' });
});

test('searching asks by name from page 1', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([company()])) });
  const page = await openCompanies();

  await fire(page.querySelector('#search'), 'search', ' 鸿福 ');

  expect(calls('GET', LIST).map((r) => r.query)).toEqual([
    { page: '1', page_size: '20' },
    { q: '鸿福', page: '1', page_size: '20' },
  ]);
});

test('nothing found shows an empty state', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([])) });
  const page = await openCompanies();

  expect(textOf(page)).toContain('暂无物业企业');
});

test('says it is loading while the first page is on its way', async () => {
  route({ [`GET ${LIST}`]: () => new Promise(() => {}) });
  const page = await openCompanies();

  expect(textOf(page)).toContain('加载中…');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${LIST}`]: fail(500, 'server_error', '服务暂时不可用，请稍后重试') });
  const page = await openCompanies();

  expect(toastMessage(page)).toBe('服务暂时不可用，请稍后重试');
});
