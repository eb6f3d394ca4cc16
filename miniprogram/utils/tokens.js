// The session's access and refresh tokens, kept in mini-program storage.
const KEY = 'linli.tokens';

/** Returns {access, refresh}; both undefined when logged out. */
function get() {
  return wx.getStorageSync(KEY) || {};
}

/** Stores the tokens of a login or refresh response body. */
function save(body) {
  wx.setStorageSync(KEY, { access: body.access_token, refresh: body.refresh_token });
}

function clear() {
  wx.removeStorageSync(KEY);
}

module.exports = { KEY, get, save, clear };
