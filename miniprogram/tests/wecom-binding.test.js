const simulate = require('miniprogram-simulate');
const { fire, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { isoIn, MINUTE_MS } = require('./vote-factories');

const BINDING = '/api/v1/me/wecom-binding';
const UNBOUND = { bound: false, bound_at: null, wecom_userid_hint: null };
const BOUND = { bound: true, bound_at: '2026-11-23T02:30:00Z', wecom_userid_hint: '••••ab12' };
// Good for ten more minutes, as the server hands them out.
const code = (overrides = {}) => ({
  code: '483920',
  expires_at: isoIn(10 * MINUTE_MS),
  instruction: '请在企业微信“邻里”应用中发送：绑定 483920',
  ...overrides,
});

// The tab-like page loads on show: back from WeCom, the binding is there.
const openBinding = () => openPage('wecom-binding', 'onShow');

/** The unbind dialog's [cancel, confirm] buttons, once its popup has rendered them. */
async function unbindDialogButtons(page) {
  await simulate.sleep(100);
  return page.querySelector('#unbind-dialog').querySelectorAll('.van-dialog__button');
}

beforeAll(() => preload('wecom-binding'));

beforeEach(() => {
  signIn();
  wx.setClipboardData = jest.fn();
});

describe('not bound', () => {
  test('says so and offers a code', async () => {
    route({ [`GET ${BINDING}`]: ok(UNBOUND) });
    const page = await openBinding();

    expect(textOf(page.querySelector('#state-cell'))).toBe('绑定状态未绑定');
    expect(textOf(page.querySelector('#request-code-button'))).toBe('获取绑定码');
    expect(page.querySelector('#unbind-button')).toBeUndefined();
    expect(page.querySelector('#code')).toBeUndefined();
  });

  test('获取绑定码 asks the server for one and shows it, its expiry and the instruction', async () => {
    route({ [`GET ${BINDING}`]: ok(UNBOUND), [`POST ${BINDING}`]: ok(code({ expires_at: '2026-11-23T02:10:00Z' }), 201) });
    const page = await openBinding();

    await fire(page.querySelector('#request-code-button'), 'click');

    expect(calls('POST', BINDING)).toHaveLength(1);
    expect(calls('POST', BINDING)[0].header.Authorization).toBe('Bearer access-1');
    expect(textOf(page.querySelector('#code'))).toBe(
      '绑定码483920有效期至 2026-11-23 10:10请在企业微信“邻里”应用中发送：绑定 483920复制绑定码发送后回到这里即可看到绑定结果',
    );
    expect(textOf(page.querySelector('#request-code-button'))).toBe('重新获取绑定码');
  });

  test('the code can be copied', async () => {
    route({ [`GET ${BINDING}`]: ok(UNBOUND), [`POST ${BINDING}`]: ok(code(), 201) });
    const page = await openBinding();
    await fire(page.querySelector('#request-code-button'), 'click');

    await fire(page.querySelector('#copy-code-button'), 'click');

    expect(wx.setClipboardData).toHaveBeenCalledWith({ data: '483920' });
  });

  test('someone who is not a verified owner is told so by the server', async () => {
    route({
      [`GET ${BINDING}`]: ok(UNBOUND),
      [`POST ${BINDING}`]: fail(403, 'not_verified_owner', '仅已认证的业主可以绑定企业微信'),
    });
    const page = await openBinding();

    await fire(page.querySelector('#request-code-button'), 'click');

    expect(toastMessage(page)).toBe('仅已认证的业主可以绑定企业微信');
    expect(page.querySelector('#code')).toBeUndefined();
  });

  test('back from WeCom once bound, the code is gone and the binding shows', async () => {
    route({ [`GET ${BINDING}`]: [ok(UNBOUND), ok(BOUND)], [`POST ${BINDING}`]: ok(code(), 201) });
    const page = await openBinding();
    await fire(page.querySelector('#request-code-button'), 'click');

    await page.instance.onShow();

    expect(page.querySelector('#code')).toBeUndefined();
    expect(textOf(page.querySelector('#state-cell'))).toBe('绑定状态已绑定');
  });

  test('back after the code expired, it is no longer shown', async () => {
    route({
      [`GET ${BINDING}`]: ok(UNBOUND),
      [`POST ${BINDING}`]: ok(code({ expires_at: isoIn(-MINUTE_MS) }), 201),
    });
    const page = await openBinding();
    await fire(page.querySelector('#request-code-button'), 'click');
    expect(page.querySelector('#code')).toBeDefined();

    await page.instance.onShow();

    expect(page.querySelector('#code')).toBeUndefined();
  });

  test('back before it expired, still unbound, the code stays', async () => {
    route({ [`GET ${BINDING}`]: ok(UNBOUND), [`POST ${BINDING}`]: ok(code(), 201) });
    const page = await openBinding();
    await fire(page.querySelector('#request-code-button'), 'click');

    await page.instance.onShow();

    expect(textOf(page.querySelector('#code'))).toContain('483920');
  });
});

describe('bound', () => {
  test('shows the masked account and when it was bound', async () => {
    route({ [`GET ${BINDING}`]: ok(BOUND) });
    const page = await openBinding();

    expect(textOf(page.querySelector('#state-cell'))).toBe('绑定状态已绑定');
    expect(textOf(page.querySelector('#account-cell'))).toBe('企业微信账号••••ab12');
    expect(textOf(page.querySelector('#bound-at-cell'))).toBe('绑定时间2026-11-23 10:30');
    expect(page.querySelector('#request-code-button')).toBeUndefined();
  });

  test('解除绑定 asks first; cancelling sends nothing', async () => {
    route({ [`GET ${BINDING}`]: ok(BOUND) });
    const page = await openBinding();

    await fire(page.querySelector('#unbind-button'), 'click');
    expect(page.querySelector('#unbind-dialog').data.show).toBe(true);
    const [cancel] = await unbindDialogButtons(page);
    await fire(cancel, 'click');

    expect(calls('DELETE', BINDING)).toHaveLength(0);
    expect(textOf(page.querySelector('#state-cell'))).toBe('绑定状态已绑定');
  });

  test('confirming deletes the binding and shows it unbound', async () => {
    route({ [`GET ${BINDING}`]: [ok(BOUND), ok(UNBOUND)], [`DELETE ${BINDING}`]: ok(undefined, 204) });
    const page = await openBinding();

    await fire(page.querySelector('#unbind-button'), 'click');
    const [, confirm] = await unbindDialogButtons(page);
    await fire(confirm, 'click');

    expect(calls('DELETE', BINDING)).toHaveLength(1);
    expect(calls('GET', BINDING)).toHaveLength(2);
    expect(textOf(page.querySelector('#state-cell'))).toBe('绑定状态未绑定');
    expect(toastMessage(page)).toBe('已解除绑定');
  });

  test('a failed unbind shows the server message and keeps the binding', async () => {
    route({ [`GET ${BINDING}`]: ok(BOUND), [`DELETE ${BINDING}`]: fail(503, 'unavailable', '服务暂时不可用，请稍后重试') });
    const page = await openBinding();

    await fire(page.querySelector('#unbind-button'), 'click');
    const [, confirm] = await unbindDialogButtons(page);
    await fire(confirm, 'click');

    expect(toastMessage(page)).toBe('服务暂时不可用，请稍后重试');
    expect(textOf(page.querySelector('#state-cell'))).toBe('绑定状态已绑定');
  });
});

test('a lost session goes back to login', async () => {
  route({
    [`GET ${BINDING}`]: fail(401, 'token_expired', '登录已过期'),
    'POST /api/v1/auth/refresh': fail(401, 'invalid_token', '登录已失效'),
  });
  await openBinding();

  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' });
});
