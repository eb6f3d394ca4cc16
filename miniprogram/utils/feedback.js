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

/** For a refused form: the server's field errors go into data.errors, under their fields. */
function showFormError(page, err) {
  if (err && err.fields && Object.keys(err.fields).length) {
    page.setData({ errors: err.fields });
    toast(page, err.message);
  } else {
    showError(page, err);
  }
}

/** A success toast that outlives the page: the Vant one closes with it on redirectTo. */
function toastSuccess(message) {
  wx.showToast({ title: message, icon: 'success' });
}

module.exports = { toast, showError, showFormError, toastSuccess, LOGIN_URL };
