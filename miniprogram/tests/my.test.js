const { fire, textOf, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn, storedTokens } = require('./wx');

const me = {
  id: 1,
  display_name: '张*',
  memberships: [
    { role: 'owner', role_label: '业主', scope_kind: 'estate', scope_id: 7, scope_name: '阳光小区', estate_id: 7 },
  ],
  claims: [
    { id: 1, status: 'pending', status_label: '待审核', estate_name: '阳光小区', unit_label: '1号楼 1-101', reason: null },
    { id: 2, status: 'verified', status_label: '已认证', estate_name: '阳光小区', unit_label: '1号楼 1-102', reason: null },
    { id: 3, status: 'rejected', status_label: '已驳回', estate_name: '幸福里', unit_label: '2号楼 2-201', reason: '姓名与登记不符' },
  ],
};

const openMy = () => openPage('my', 'onShow');

beforeEach(() => signIn());

test('shows my name and memberships as the server sends them', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  const text = textOf(page);
  expect(text).toContain('张*');
  expect(text).toContain('阳光小区');
  expect(text).toContain('业主');
});

test('shows each claim with its status tag and the rejection reason', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  const claims = page.querySelectorAll('.claim').map(textOf);
  expect(claims).toEqual([
    '阳光小区1号楼 1-101待审核',
    '阳光小区1号楼 1-102已认证',
    '幸福里2号楼 2-201（驳回原因：姓名与登记不符）已驳回',
  ]);
  expect(page.instance.data.me.claims.map((c) => c.tagType)).toEqual(['warning', 'success', 'danger']);
});

test('no claims yet shows an empty state', async () => {
  route({ 'GET /api/v1/me': ok({ ...me, memberships: [], claims: [] }) });
  const page = await openMy();

  expect(textOf(page)).toContain('还没有认领房屋');
});

test('我的随手拍 is there for everyone and opens my tickets', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  await fire(page.querySelector('#my-tickets-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/tickets/index' });
});

test('我的投票 opens my ballots', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  await fire(page.querySelector('#my-ballots-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/my-ballots/index' });
});

test('企业微信绑定 opens the binding page', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  await fire(page.querySelector('#wecom-binding-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/wecom-binding/index' });
});

const withRole = (role) => ({
  ...me,
  memberships: [
    ...me.memberships,
    { role, role_label: role, scope_kind: 'estate', scope_id: 7, scope_name: '阳光小区', estate_id: 7 },
  ],
});

const HANDLERS = ['property_manager', 'committee_member', 'committee_chair'];

test.each(HANDLERS)('a %s sees 工单处理, which opens the work list', async (role) => {
  route({ 'GET /api/v1/me': ok(withRole(role)) });
  const page = await openMy();

  await fire(page.querySelector('#ticket-work-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket-work/index' });
});

test('an owner does not see 工单处理', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  expect(page.querySelector('#ticket-work-cell')).toBeUndefined();
  expect(textOf(page)).not.toContain('工单处理');
});

test('退出登录 clears storage and goes back to login', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  await fire(page.querySelector('#logout-button'), 'click');

  expect(wx.clearStorageSync).toHaveBeenCalled();
  expect(storedTokens()).toBeUndefined();
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
});

test('an expired session that cannot be refreshed goes back to login', async () => {
  route({
    'GET /api/v1/me': fail(401, 'token_expired', '登录已过期'),
    'POST /api/v1/auth/refresh': fail(401, 'invalid_token', '登录已失效'),
  });
  await openMy();

  expect(calls('POST', '/api/v1/auth/refresh')).toHaveLength(1);
  expect(storedTokens()).toBeUndefined();
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
});

test('my own name and phone are shown as the server sends them, unmasked', async () => {
  route({ 'GET /api/v1/me': ok({ ...me, display_name: '张三丰', real_name: '张三丰', phone: '13812341234' }) });
  const page = await openMy();

  expect(textOf(page.querySelector('.me-name'))).toBe('张三丰');
  expect(textOf(page.querySelector('#me-phone'))).toBe('13812341234');
});

test.each(['committee_chair', 'property_manager'])('a %s sees 待审核认领 for the estate, which opens it', async (role) => {
  route({ 'GET /api/v1/me': ok(withRole(role)) });
  const page = await openMy();

  const cells = page.querySelectorAll('.pending-claims-cell');
  expect(cells.map(textOf)).toEqual(['待审核认领阳光小区']);
  await fire(cells[0], 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/claims-pending/index?estate_id=7' });
});

test('an owner does not see 待审核认领', async () => {
  route({ 'GET /api/v1/me': ok(me) });
  const page = await openMy();

  expect(page.querySelectorAll('.pending-claims-cell')).toHaveLength(0);
  expect(textOf(page)).not.toContain('待审核认领');
});
