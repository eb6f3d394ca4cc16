const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { verifierEstates } = require('../utils/claims-api');

const LIST = '/api/v1/estates/7/claims';
const pageOf = (items, page = 1, total = items.length) => ({ items, page, page_size: 20, total });

const listed = (overrides = {}) => ({
  id: 31,
  estate_id: 7,
  estate_name: '凤城花园',
  unit_id: 5,
  unit_label: '3栋1201',
  area_dm2: 8912,
  real_name: '张**',
  phone: '138****1234',
  status: 'pending',
  status_label: '待审核',
  reason: null,
  created_at: '2026-12-01T02:30:00+00:00',
  decided_at: null,
  ...overrides,
});
const detail = (overrides = {}) =>
  listed({
    real_name: '张三丰',
    phone: '13812341234',
    building_name: '3栋',
    unit_number: '1201',
    owner_of_record_match: 'match',
    owner_of_record_match_label: '匹配',
    ...overrides,
  });
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => listed({ id: from + i }));

const openPending = () => openPage('claims-pending', 'onLoad', { estate_id: '7' });
const rows = (page) => page.querySelectorAll('.claim').map(textOf);

async function openFirst(page) {
  await fire(page.querySelector('.claim'), 'click');
}

beforeEach(() => signIn());

test('lists the estate\'s pending claims with unit, area, masked name and time', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([listed(), listed({ id: 32, unit_label: '1栋101', area_dm2: 12005, real_name: '李*', phone: '139****0000' })])) });
  const page = await openPending();

  expect(calls('GET', LIST)[0].query).toEqual({ status: 'pending', page: '1', page_size: '20' });
  expect(rows(page)).toEqual([
    '3栋1201 · 89.12㎡张** · 138****12342026-12-01 10:30 提交',
    '1栋101 · 120.05㎡李* · 139****00002026-12-01 10:30 提交',
  ]);
});

test('says it is loading until the list comes', async () => {
  route({ [`GET ${LIST}`]: () => new Promise(() => {}) });
  const page = await openPending();

  expect(textOf(page)).toContain('加载中…');
  expect(page.querySelector('#failed')).toBeUndefined();
});

test('nothing pending shows an empty state', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([])) });
  const page = await openPending();

  expect(textOf(page)).toContain('暂无待审核的认领');
});

test('a failing list says so and shows the server message', async () => {
  route({ [`GET ${LIST}`]: fail(404, 'not_found', '小区不存在或无权查看') });
  const page = await openPending();

  expect(textOf(page.querySelector('#failed'))).toBe('认领列表暂时无法加载，请下拉重试');
  expect(textOf(page)).not.toContain('暂无待审核的认领');
  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});

test('reaching the bottom loads the next page', async () => {
  const twoPages = (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 23) : pageOf(range(21, 23), 2, 23));
  route({ [`GET ${LIST}`]: twoPages });
  const page = await openPending();

  page.instance.onReachBottom();
  await settle();

  expect(rows(page)).toHaveLength(23);
  expect(calls('GET', LIST)[1].query).toEqual({ status: 'pending', page: '2', page_size: '20' });
});

test('opening a claim shows the claimant in full and whether the register matches', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([listed()])), 'GET /api/v1/claims/31': ok(detail()) });
  const page = await openPending();

  await openFirst(page);

  expect(calls('GET', '/api/v1/claims/31')).toHaveLength(1);
  expect(textOf(page.querySelector('#claimant-name'))).toBe('申请人张三丰');
  expect(textOf(page.querySelector('#claimant-phone'))).toBe('手机号13812341234');
  expect(textOf(page.querySelector('#owner-match'))).toBe('与清册产权人匹配');
  expect(page.instance.data.selected.matchTag).toBe('success');
  expect(textOf(page)).toContain('本次查看已记录');
  expect(textOf(page)).toContain('89.12㎡');
});

test.each([
  ['mismatch', '不匹配', 'danger'],
  ['unregistered', '未登记', 'default'],
])('a %s name reads %s', async (match, label, tag) => {
  route({
    [`GET ${LIST}`]: ok(pageOf([listed()])),
    'GET /api/v1/claims/31': ok(detail({ owner_of_record_match: match, owner_of_record_match_label: label })),
  });
  const page = await openPending();
  await openFirst(page);

  expect(textOf(page.querySelector('#owner-match'))).toBe(`与清册产权人${label}`);
  expect(page.instance.data.selected.matchTag).toBe(tag);
});

test('a claim that cannot be opened stays on the list with the server message', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([listed()])), 'GET /api/v1/claims/31': fail(403, 'forbidden', '您没有执行此操作的权限') });
  const page = await openPending();
  await openFirst(page);

  expect(page.querySelector('#claim-detail')).toBeUndefined();
  expect(toastMessage(page)).toBe('您没有执行此操作的权限');
});

test('verify: the claim leaves the list and the page says so', async () => {
  route({
    [`GET ${LIST}`]: ok(pageOf([listed(), listed({ id: 32, unit_label: '1栋101' })])),
    'GET /api/v1/claims/31': ok(detail()),
    'POST /api/v1/claims/31/verify': ok(detail({ status: 'verified', status_label: '已认证' })),
  });
  const page = await openPending();
  await openFirst(page);

  await fire(page.querySelector('#verify-button'), 'click');

  expect(calls('POST', '/api/v1/claims/31/verify')).toHaveLength(1);
  expect(page.querySelector('#claim-detail')).toBeUndefined();
  expect(rows(page)).toHaveLength(1);
  expect(rows(page)[0]).toContain('1栋101');
  expect(toastMessage(page)).toBe('已通过认证');
});

test('verify of a claim decided meanwhile reloads the list', async () => {
  route({
    [`GET ${LIST}`]: [ok(pageOf([listed()])), ok(pageOf([]))],
    'GET /api/v1/claims/31': ok(detail()),
    'POST /api/v1/claims/31/verify': fail(409, 'claim_decided', '该认领已处理，无需重复操作'),
  });
  const page = await openPending();
  await openFirst(page);

  await fire(page.querySelector('#verify-button'), 'click');

  expect(toastMessage(page)).toBe('该认领已处理，无需重复操作');
  expect(calls('GET', LIST)).toHaveLength(2);
  expect(textOf(page)).toContain('暂无待审核的认领');
});

test('reject asks for a reason, sends it, and the claim leaves the list', async () => {
  route({
    [`GET ${LIST}`]: ok(pageOf([listed()])),
    'GET /api/v1/claims/31': ok(detail()),
    'POST /api/v1/claims/31/reject': ok(detail({ status: 'rejected', status_label: '已驳回' })),
  });
  const page = await openPending();
  await openFirst(page);
  await fire(page.querySelector('#reject-button'), 'click');

  await fire(page.querySelector('#reject-dialog >>> #confirm-button'), 'click');
  expect(page.querySelector('#reject-dialog >>> #reason').data.errorMessage).toBe('请填写 2 到 200 字的驳回理由');
  expect(calls('POST', '/api/v1/claims/31/reject')).toHaveLength(0);

  await fire(page.querySelector('#reject-dialog >>> #reason'), 'change', ' 房号与清册不符 ');
  await fire(page.querySelector('#reject-dialog >>> #confirm-button'), 'click');

  expect(calls('POST', '/api/v1/claims/31/reject')[0].data).toEqual({ reason: '房号与清册不符' });
  expect(page.querySelector('#reject-dialog')).toBeUndefined();
  expect(rows(page)).toHaveLength(0);
  expect(textOf(page)).toContain('暂无待审核的认领');
  expect(toastMessage(page)).toBe('已驳回，申请人将看到理由');
});

test('a reason the server refuses shows its field error and keeps the dialog', async () => {
  route({
    [`GET ${LIST}`]: ok(pageOf([listed()])),
    'GET /api/v1/claims/31': ok(detail()),
    'POST /api/v1/claims/31/reject': fail(422, 'validation_failed', '请求参数不正确', { reason: ['请填写 2 到 200 字的驳回理由'] }),
  });
  const page = await openPending();
  await openFirst(page);
  await fire(page.querySelector('#reject-button'), 'click');
  await fire(page.querySelector('#reject-dialog >>> #reason'), 'change', '不对');
  await fire(page.querySelector('#reject-dialog >>> #confirm-button'), 'click');

  expect(page.querySelector('#reject-dialog')).toBeTruthy();
  expect(page.querySelector('#reject-dialog >>> #reason').data.errorMessage).toBe('请填写 2 到 200 字的驳回理由');
  expect(rows(page)).toHaveLength(0); // still on the claim, not the list
});

test('返回列表 goes back without deciding', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([listed()])), 'GET /api/v1/claims/31': ok(detail()) });
  const page = await openPending();
  await openFirst(page);

  await fire(page.querySelector('#back-button'), 'click');

  expect(rows(page)).toHaveLength(1);
  expect(calls('POST', '/api/v1/claims/31/verify')).toHaveLength(0);
});

test('verifierEstates lists each estate I decide claims on, once', () => {
  const memberships = [
    { role: 'owner', estate_id: 7, scope_name: '凤城花园 3栋1201' },
    { role: 'committee_chair', estate_id: 7, scope_name: '凤城花园' },
    { role: 'committee_member', estate_id: 7, scope_name: '凤城花园' },
    { role: 'property_manager', estate_id: 9, scope_name: '茶都新苑' },
    { role: 'auditor', estate_id: null, scope_name: '中山社区' },
  ];
  expect(verifierEstates(memberships)).toEqual([
    { estate_id: 7, scope_name: '凤城花园' },
    { estate_id: 9, scope_name: '茶都新苑' },
  ]);
});
