// The only module that calls wx.request, wx.downloadFile and wx.uploadFile: auth header, one
// token refresh, error envelope.
const config = require('../config');
const tokens = require('./tokens');

const REFRESH_PATH = '/api/v1/auth/refresh';
const REFRESHABLE_CODES = ['token_expired', 'invalid_token'];
const NETWORK_MESSAGE = '网络异常，请稍后重试';
const SERVER_MESSAGE = '服务暂时不可用，请稍后重试';
const SESSION_MESSAGE = '登录已过期，请重新登录';

class ApiError extends Error {
  constructor({ status = 0, code, message, fields } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = flattenFields(fields);
    // As sent, for the few pages whose fields are not one message each (an import's rows).
    this.rawFields = fields || {};
  }
}

// The backend may send a field's messages as a string or a list; pages want one string.
function flattenFields(fields) {
  const flat = {};
  Object.keys(fields || {}).forEach((name) => {
    const value = fields[name];
    flat[name] = Array.isArray(value) ? value.join('；') : String(value);
  });
  return flat;
}

const networkError = () => new ApiError({ code: 'network', message: NETWORK_MESSAGE });

function send({ method, path, data, access }) {
  const header = { 'Content-Type': 'application/json' };
  if (access) header.Authorization = `Bearer ${access}`;
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.apiBaseUrl + path,
      method,
      data,
      header,
      timeout: config.requestTimeoutMs,
      success: resolve,
      fail: () => reject(networkError()),
    });
  });
}

// wx.downloadFile saves error bodies to the temp file too: read the envelope back from it.
function readJson(filePath) {
  try {
    return JSON.parse(wx.getFileSystemManager().readFileSync(filePath, 'utf8'));
  } catch (err) {
    return null;
  }
}

/** Like send, for a file: resolves to {statusCode, tempFilePath, data} where data is the error body. */
function fetchFile({ path, access }) {
  const header = access ? { Authorization: `Bearer ${access}` } : {};
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: config.apiBaseUrl + path,
      header,
      timeout: config.requestTimeoutMs,
      success: (res) => resolve(isOk(res) ? res : { ...res, data: readJson(res.tempFilePath) }),
      fail: () => reject(networkError()),
    });
  });
}

// wx.uploadFile hands the body back as a string; anything that is not JSON (a proxy's HTML page)
// stays a string, so errorFrom falls back to the generic message.
function parseJson(text) {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    return text;
  }
}

/**
 * Like send, for a multipart upload of one local file as field `name`; resolves to
 * {statusCode, data} with data parsed. onProgress, if given, receives 0–100.
 */
function sendFile({ path, filePath, name, formData, access, onProgress }) {
  const header = access ? { Authorization: `Bearer ${access}` } : {};
  return new Promise((resolve, reject) => {
    const task = wx.uploadFile({
      url: config.apiBaseUrl + path,
      filePath,
      name,
      formData,
      header,
      timeout: config.requestTimeoutMs,
      success: (res) => resolve({ ...res, data: parseJson(res.data) }),
      fail: () => reject(networkError()),
    });
    if (onProgress && task && task.onProgressUpdate) task.onProgressUpdate((p) => onProgress(p.progress));
  });
}

const isOk = (res) => res.statusCode >= 200 && res.statusCode < 300;

function errorFrom(res) {
  const body = (res.data && res.data.error) || {};
  return new ApiError({
    status: res.statusCode,
    code: body.code || `http_${res.statusCode}`,
    message: body.message || SERVER_MESSAGE,
    fields: body.fields,
  });
}

const isExpired = (res) => res.statusCode === 401 && REFRESHABLE_CODES.includes(errorFrom(res).code);

let refreshing = null;

/** Exchanges the refresh token once, however many requests are waiting for it. */
function refreshTokens() {
  if (!refreshing) {
    refreshing = exchangeRefreshToken().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function exchangeRefreshToken() {
  const { refresh } = tokens.get();
  const data = { refresh_token: refresh };
  const res = refresh ? await send({ method: 'POST', path: REFRESH_PATH, data }) : null;
  if (!res || !isOk(res)) {
    tokens.clear();
    throw new ApiError({ status: 401, code: 'session_expired', message: SESSION_MESSAGE });
  }
  tokens.save(res.data);
}

/** Sends with the stored token; on an expired one, refreshes once and sends again. */
async function withSession(sendWith, auth) {
  const access = auth ? tokens.get().access : undefined;
  let res = await sendWith(access);
  if (auth && isExpired(res)) {
    // Skip the refresh if another request already replaced the token we sent.
    if (tokens.get().access === access) await refreshTokens();
    res = await sendWith(tokens.get().access);
  }
  if (!isOk(res)) throw errorFrom(res);
  return res;
}

/**
 * Calls the API and resolves to the response body.
 * Rejects with ApiError; status 401 means the user must log in again.
 */
async function request({ method = 'GET', path, data, auth = true }) {
  const res = await withSession((access) => send({ method, path, data, access }), auth);
  return res.data;
}

/**
 * Downloads an API file (an attachment's url) and resolves to its temp file path.
 * Rejects with ApiError, as request does.
 */
async function download({ path }) {
  const res = await withSession((access) => fetchFile({ path, access }), true);
  return res.tempFilePath;
}

/**
 * Uploads a local file (a wx.chooseMedia temp path) as multipart field `name` and resolves to
 * the response body. Rejects with ApiError, as request does.
 */
async function upload({ path, filePath, name = 'file', formData, onProgress }) {
  const res = await withSession((access) => sendFile({ path, filePath, name, formData, access, onProgress }), true);
  return res.data;
}

module.exports = { request, download, upload, ApiError, NETWORK_MESSAGE, SESSION_MESSAGE };
