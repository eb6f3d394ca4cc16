// WeChat login and logout.
const { request, ApiError } = require('./api');
const tokens = require('./tokens');

const WX_LOGIN_MESSAGE = '微信登录失败，请重试';

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    const failed = () => reject(new ApiError({ code: 'wx_login', message: WX_LOGIN_MESSAGE }));
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : failed()),
      fail: failed,
    });
  });
}

/** Logs in with a wx.login code, stores the tokens and resolves to the user. */
async function login() {
  const code = await wxLoginCode();
  const body = await request({
    method: 'POST',
    path: '/api/v1/auth/wechat-login',
    data: { code },
    auth: false,
  });
  tokens.save(body);
  return body.user;
}

const isLoggedIn = () => Boolean(tokens.get().access);

/** Forgets everything this mini-program stored, tokens included. */
function logout() {
  wx.clearStorageSync();
}

module.exports = { login, logout, isLoggedIn };
