const { renderPage, fire, toastMessage } = require('./helpers');
const { ok, fail, route, calls, signIn, storedTokens } = require('./wx');

const LOGIN = 'POST /api/v1/auth/wechat-login';
const loginBody = {
  access_token: 'access-1',
  refresh_token: 'refresh-1',
  expires_in: 900,
  user: { id: 1, display_name: '微信用户' },
};

test('微信一键登录 sends the wx.login code, stores the tokens and opens the estates tab', async () => {
  route({ [LOGIN]: ok(loginBody) });
  const page = renderPage('login');

  await fire(page.querySelector('#login-button'), 'click');

  expect(wx.login).toHaveBeenCalledTimes(1);
  const [sent] = calls('POST', '/api/v1/auth/wechat-login');
  expect(sent.data).toEqual({ code: 'wx-code-1' });
  expect(sent.header.Authorization).toBeUndefined();
  expect(storedTokens()).toEqual({ access: 'access-1', refresh: 'refresh-1' });
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/estates/index' });
});

test('a refused login shows the server message and stays', async () => {
  route({ [LOGIN]: fail(400, 'invalid_code', '微信登录凭证无效，请重试') });
  const page = renderPage('login');

  await fire(page.querySelector('#login-button'), 'click');

  expect(toastMessage(page)).toBe('微信登录凭证无效，请重试');
  expect(storedTokens()).toBeUndefined();
  expect(wx.switchTab).not.toHaveBeenCalled();
  expect(page.instance.data.loading).toBe(false);
});

test('an existing session skips the login page', () => {
  signIn();
  const page = renderPage('login');

  page.instance.onLoad();

  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/estates/index' });
});
