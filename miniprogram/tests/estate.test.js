const { fire, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, signIn } = require('./wx');
const { publicRecord } = require('./record-factories');

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

test('维修资金 opens the fund of this estate', async () => {
  route({ 'GET /api/v1/estates/7': ok(detail) });
  const page = await openEstate();

  await fire(page.querySelector('#fund-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/fund/index?estate_id=7' });
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

describe('the public record', () => {
  const RECORD = '/api/v1/estates/7/public-record';
  const withCompany = { ...detail, property_company_id: 3, property_company_name: '安溪宜家物业' };

  test('shows the roster, term, company, rating and counts', async () => {
    route({ 'GET /api/v1/estates/7': ok(withCompany), [`GET ${RECORD}`]: ok(publicRecord()) });
    const page = await openEstate();

    expect(textOf(page.querySelector('#committee-cell'))).toBe('业主委员会主任 林** · 副主任 陈**任期至 2029-05-01');
    expect(textOf(page.querySelector('#company-cell'))).toContain('项目经理 王** · 信用分 94');
    expect(textOf(page.querySelector('#rating-cell'))).toBe('2025 年度星级评定★★★★☆ 86 分');
    expect(textOf(page.querySelector('#problems-cell'))).toBe('问题清单其中逾期 1 项整改中 2 · 已销号 3');
    expect(textOf(page.querySelector('#decisions-cell'))).toBe('联席会议决议4 项');
  });

  test('an estate with nothing on record says so', async () => {
    route({
      'GET /api/v1/estates/7': ok(detail),
      [`GET ${RECORD}`]: ok(
        publicRecord({
          committee: null,
          rating: null,
          company: { id: null, name: null, score: null, managers: [] },
          problems_open: 0,
          problems_overdue: 0,
          problems_closed_out: 0,
          decisions: 0,
        }),
      ),
    });
    const page = await openEstate();

    expect(textOf(page.querySelector('#committee-cell'))).toContain('本小区暂未成立业委会');
    expect(textOf(page.querySelector('#rating-cell'))).toContain('暂无评定结果');
    expect(textOf(page.querySelector('#decisions-cell'))).toContain('暂无');
    await fire(page.querySelector('#rating-cell'), 'click');
    expect(wx.navigateTo).not.toHaveBeenCalled();
  });

  test('says it is loading until the record comes', async () => {
    route({ 'GET /api/v1/estates/7': ok(detail), [`GET ${RECORD}`]: () => new Promise(() => {}) });
    const page = await openEstate();

    expect(textOf(page)).toContain('阳光小区');
    expect(textOf(page.querySelector('#record-loading'))).toBe('公示信息加载中…');
  });

  test('a failed record says so, toasts why, and loads again on 重试', async () => {
    route({
      'GET /api/v1/estates/7': ok(detail),
      [`GET ${RECORD}`]: [fail(500, 'server_error', '服务暂时不可用，请稍后重试'), ok(publicRecord())],
    });
    const page = await openEstate();

    expect(textOf(page.querySelector('#record-failed'))).toBe('公示信息暂时无法加载重试');
    expect(toastMessage(page)).toBe('服务暂时不可用，请稍后重试');
    await fire(page.querySelector('#record-retry'), 'tap');
    expect(page.querySelector('#record-failed')).toBeFalsy();
    expect(textOf(page.querySelector('#committee-cell'))).toContain('主任 林**');
  });

  test.each([
    ['#rating-cell', '/pages/estate-rating/index?estate_id=7'],
    ['#problems-cell', '/pages/estate-problems/index?estate_id=7'],
    ['#decisions-cell', '/pages/estate-decisions/index?estate_id=7'],
    ['#companies-cell', '/pages/companies/index'],
  ])('%s opens %s', async (cell, url) => {
    route({ 'GET /api/v1/estates/7': ok(detail), [`GET ${RECORD}`]: ok(publicRecord()) });
    const page = await openEstate();

    await fire(page.querySelector(cell), 'click');

    expect(wx.navigateTo).toHaveBeenCalledWith({ url });
  });

  test('a lapsed term and an open appeal are told', async () => {
    const rating = { ...publicRecord().rating, appeals: [{ id: 1, status: 'open', status_label: '待处理' }] };
    const committee = { ...publicRecord().committee, lapsed: true, term_ends_on: '2026-01-01' };
    route({ 'GET /api/v1/estates/7': ok(detail), [`GET ${RECORD}`]: ok(publicRecord({ rating, committee })) });
    const page = await openEstate();

    expect(textOf(page.querySelector('#committee-cell'))).toContain('任期已于 2026-01-01 届满，待换届');
    expect(textOf(page.querySelector('#rating-cell'))).toContain('申诉：待处理');
  });
});

test('the committee sees 监督群 and it opens the group chats page; an owner does not see it', async () => {
  route({ 'GET /api/v1/estates/7': ok({ ...detail, my_roles: [{ role: 'committee_chair', role_label: '业委会主任' }] }) });
  const page = await openEstate();

  expect(textOf(page.querySelector('#group-chats-cell'))).toContain('监督群');
  await fire(page.querySelector('#group-chats-cell'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/group-chats/index?estate_id=7' });

  route({ 'GET /api/v1/estates/7': ok(detail) });
  const ownersPage = await openEstate();
  expect(ownersPage.querySelector('#group-chats-cell')).toBeFalsy();
});

test('the property manager does not see 监督群: the group supervises their company', async () => {
  route({ 'GET /api/v1/estates/7': ok({ ...detail, my_roles: [{ role: 'property_manager', role_label: '物业项目经理' }] }) });
  const page = await openEstate();

  expect(page.querySelector('#group-chats-cell')).toBeFalsy();
});
