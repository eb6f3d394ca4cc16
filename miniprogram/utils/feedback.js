// How pages tell the user what went wrong: a Vant toast, or back to login.
const Toast = require('../miniprogram_npm/@vant/weapp/toast/toast').default;

const LOGIN_URL = '/pages/login/index';
const FALLBACK_MESSAGE = '操作失败，请稍后重试';

/** Shows message in the page's <van-toast id="van-toast" />. */
function toast(page, message) {
  Toast({ context: page, selector: '#van-toast', message });
}

/** Toasts an ApiError's message; a lost session (401) goes back to login. */
function showError(page, err) {
  if (err && err.status === 401) {
    wx.reLaunch({ url: LOGIN_URL });
    return;
  }
  toast(page, (err && err.message) || FALLBACK_MESSAGE);
}

module.exports = { toast, showError, LOGIN_URL };
