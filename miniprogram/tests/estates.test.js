const { settle, fire, textOf, openPage } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');

const estate = (id) => ({ id, name: `阳光${id}号小区`, community_name: '城东社区', township_name: '凤城镇' });
const pageOf = (ids, page, total) => ok({ items: ids.map(estate), page, page_size: 20, total });
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Answers the estates search by the requested page: 25 results, 20 a page.
const searchResults = (req) => (req.query.page === '1' ? pageOf(range(1, 20), 1, 25) : pageOf(range(21, 25), 2, 25));

const openEstates = () => openPage('estates');

beforeEach(() => signIn());

test('without a search it lists my estates', async () => {
  route({ 'GET /api/v1/estates': pageOf([7], 1, 1) });
  const page = await openEstates();

  expect(calls('GET', '/api/v1/estates')[0].query).toEqual({ page: '1', page_size: '20' });
  expect(textOf(page)).toContain('阳光7号小区');
});

test('a search of two characters or more looks in the directory', async () => {
  route({ 'GET /api/v1/estates': pageOf([], 1, 0), 'GET /api/v1/directory/estates': searchResults });
  const page = await openEstates();

  await fire(page.querySelector('#search'), 'search', '阳光');

  const last = calls('GET', '/api/v1/directory/estates').pop();
  expect(last.query).toEqual({ q: '阳光', page: '1', page_size: '20' });
  expect(last.header.Authorization).toBe('Bearer access-1');
  expect(page.querySelectorAll('.estate')).toHaveLength(20);
  expect(textOf(page)).toContain('阳光1号小区');
  expect(textOf(page)).toContain('城东社区 · 凤城镇');
});

test('reaching the bottom loads the next page until all are shown', async () => {
  route({ 'GET /api/v1/estates': searchResults });
  const page = await openEstates();

  page.instance.onReachBottom();
  await settle();
  page.instance.onReachBottom();
  await settle();

  expect(calls('GET', '/api/v1/estates').map((r) => r.query.page)).toEqual(['1', '2']);
  expect(page.querySelectorAll('.estate')).toHaveLength(25);
  expect(textOf(page)).toContain('阳光25号小区');
  expect(textOf(page)).toContain('没有更多了');
});

test('tapping a directory result goes straight to claiming a unit', async () => {
  route({ 'GET /api/v1/estates': pageOf([], 1, 0), 'GET /api/v1/directory/estates': pageOf([9], 1, 1) });
  const page = await openEstates();
  await fire(page.querySelector('#search'), 'search', '阳光');

  await fire(page.querySelector('.estate'), 'click');

  const name = encodeURIComponent('阳光9号小区');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/claim/index?estate_id=9&name=${name}` });
});

test('tapping one of my estates opens its detail page', async () => {
  route({ 'GET /api/v1/estates': pageOf([7], 1, 1) });
  const page = await openEstates();

  await fire(page.querySelector('.estate'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/estate/index?id=7' });
});

test('no directory result shows an empty state', async () => {
  route({ 'GET /api/v1/estates': pageOf([], 1, 0), 'GET /api/v1/directory/estates': pageOf([], 1, 0) });
  const page = await openEstates();
  await fire(page.querySelector('#search'), 'search', '无此小区');

  expect(textOf(page)).toContain('没有找到小区，换个名称试试');
});
