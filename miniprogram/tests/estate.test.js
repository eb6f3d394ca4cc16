const { fire, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, signIn } = require('./wx');

const detail = {
  id: 7,
  name: '阳光小区',
  address: '凤城镇河滨路 8 号',
  community_name: '城东社区',
  township_name: '凤城镇',
  unit_count: 320,
  my_roles: [{ role: 'owner', role_label: '业主' }],
  property_company_id: null,
  property_company_name: null,
};

const openEstate = (id = '7') => openPage('estate', 'onLoad', { id });

beforeEach(() => signIn());

test('shows the estate, its place and my role', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  const text = textOf(page);
  ['阳光小区', '凤城镇河滨路 8 号', '城东社区', '凤城镇', '320 户', '业主'].forEach((shown) => {
    expect(text).toContain(shown);
  });
});

test('without a role it says 未认证', async () => {
  route({ 'GET /api/v1/estates/7': ok({ ...detail, my_roles: [] }) });
  const page = await openEstate();

  expect(textOf(page)).toContain('未认证');
});

test('认领房屋 opens the claim page for this estate', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  await fire(page.querySelector('#claim-button'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/claim/index?estate_id=7' });
});

test('小区公告 opens the notices of this estate', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  await fire(page.querySelector('#notices-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/index?estate_id=7' });
});

test('业主表决 opens the motions of this estate', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  await fire(page.querySelector('#motions-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/motions/index?estate_id=7' });
});

test('随手拍 opens the report form for this estate, naming it for the claim link', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  await fire(page.querySelector('#report-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({
    url: `/pages/ticket-report/index?estate_id=7&name=${encodeURIComponent('阳光小区')}`,
  });
});

test('随手拍公示 opens the tickets of this estate', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  await fire(page.querySelector('#tickets-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/tickets/index?estate_id=7' });
});

test('an estate out of reach shows the server message', async () => {
  route({ 'GET /api/v1/estates/8': fail(404, 'not_found', '小区不存在或无权查看') });
  const page = await openEstate('8');

  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});

test('物业企业 opens the credit page of the company', async () => {
  route({
    'GET /api/v1/estates/7': ok({ ...detail, property_company_id: 3, property_company_name: '安溪宜家物业' }),
  });
  const page = await openEstate();

  expect(textOf(page)).toContain('安溪宜家物业');
  await fire(page.querySelector('#company-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/company-credit/index?id=3' });
});

test('without a property company there is no credit link', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  expect(page.querySelector('#company-cell')).toBeFalsy();
});
