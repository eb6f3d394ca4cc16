const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, NETWORK_DOWN, route, calls, signIn } = require('./wx');
const { noticeDetail } = require('./factories');

const NOTICES = '/api/v1/notices';

const openCompose = () => openPage('notice-compose', 'onLoad', { estate_id: '7' });
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;

/** Types a title and a body into the form. */
async function fillIn(page, { title = '停水通知', body = '　　明日停水。\n请提前储水。' } = {}) {
  await fire(page.querySelector('#title'), 'change', title);
  await fire(page.querySelector('#body'), 'change', body);
}

const submit = (page) => fire(page.querySelector('#submit-button'), 'click');

const estateWith = (...roles) =>
  ok({ id: 7, name: '阳光小区', my_roles: roles.map((role) => ({ role, role_label: role })) });

beforeEach(() => {
  signIn();
  route({ 'GET /api/v1/estates/7': estateWith('committee_chair') });
});

test('an empty form is refused locally without calling the API', async () => {
  const page = await openCompose();

  await submit(page);

  expect(fieldError(page, '#title')).toBe('请输入公告标题');
  expect(fieldError(page, '#body')).toBe('请输入公告正文');
  expect(calls('POST', NOTICES)).toHaveLength(0);
});

test('a body over 5000 characters is refused locally, and the counter shows the limit', async () => {
  const page = await openCompose();
  await fillIn(page, { body: '正'.repeat(5001) });

  await submit(page);

  expect(fieldError(page, '#title')).toBe('');
  expect(fieldError(page, '#body')).toBe('正文不能超过5000个字');
  expect(textOf(page.querySelector('#body'))).toContain('5000/5000');
  expect(calls('POST', NOTICES)).toHaveLength(0);
});

test('posts to the estate, toasts 已发布 and replaces itself with the new notice', async () => {
  route({ [`POST ${NOTICES}`]: ok(noticeDetail({ id: 12 }), 201) });
  const page = await openCompose();
  await fillIn(page, { title: ' 停水通知 ' });
  await fire(page.querySelector('#pinned'), 'change', true);

  await submit(page);

  expect(calls('POST', NOTICES).map((r) => r.data)).toEqual([
    {
      audience_kind: 'estate',
      audience_id: 7,
      title: '停水通知',
      body: '　　明日停水。\n请提前储水。',
      pinned: true,
      attachment_ids: [],
      client_token: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    },
  ]);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已发布', icon: 'success' });
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notice/index?id=12' });
});

test('tapping twice posts once', async () => {
  route({ [`POST ${NOTICES}`]: ok(noticeDetail({ id: 12 }), 201) });
  const page = await openCompose();
  await fillIn(page);

  const button = page.querySelector('#submit-button');
  button.dispatchEvent('click');
  button.dispatchEvent('click');
  await settle();
  await submit(page); // a late tap while the page is being replaced

  expect(calls('POST', NOTICES)).toHaveLength(1);
  expect(wx.redirectTo).toHaveBeenCalledTimes(1);
});

test('server field errors show under their fields', async () => {
  const fields = { title: ['标题已存在'], pinned: ['只有业委会主任可以置顶'] };
  route({ [`POST ${NOTICES}`]: fail(422, 'validation_error', '提交的信息有误', fields) });
  const page = await openCompose();
  await fillIn(page);

  await submit(page);

  expect(fieldError(page, '#title')).toBe('标题已存在');
  expect(textOf(page)).toContain('只有业委会主任可以置顶');
  expect(toastMessage(page)).toBe('提交的信息有误');
  expect(page.instance.data.submitting).toBe(false);
  expect(wx.redirectTo).not.toHaveBeenCalled();
});

test('a user who may not post sees the server message', async () => {
  route({ [`POST ${NOTICES}`]: fail(403, 'forbidden', '您无权在该小区发布公告') });
  const page = await openCompose();
  await fillIn(page);

  await submit(page);

  expect(toastMessage(page)).toBe('您无权在该小区发布公告');
  expect(wx.redirectTo).not.toHaveBeenCalled();
});

test('sending again after a lost answer reuses the token, so the server posts once', async () => {
  route({ [`POST ${NOTICES}`]: [NETWORK_DOWN, ok(noticeDetail({ id: 12 }), 201)] });
  const page = await openCompose();
  await fillIn(page);

  await submit(page);
  await submit(page);

  const tokens = calls('POST', NOTICES).map((r) => r.data.client_token);
  expect(tokens).toHaveLength(2);
  expect(tokens[1]).toBe(tokens[0]);
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notice/index?id=12' });
});
