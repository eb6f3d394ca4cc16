// A fake `wx` for jest: in-memory storage and files, and wx.request, wx.downloadFile and
// wx.uploadFile answered from a per-test route table.
const API = 'http://127.0.0.1:5000';

let routes = {};
const storage = new Map();
const files = new Map();
const requests = [];

const ok = (body, status = 200) => ({ status, body });
const fail = (status, code, message, fields) => ({ status, body: { error: { code, message, fields } } });
const NETWORK_DOWN = { network: true };

/**
 * Adds answers for this test: {'GET /api/v1/me': answer}. An answer is {status, body},
 * NETWORK_DOWN, a list (one per call, the last one repeats) or a function of the request.
 */
function route(table) {
  routes = { ...routes, ...table };
}

function describeRequest(opts) {
  const method = opts.method || 'GET';
  const url = new URL(opts.url);
  const query = Object.fromEntries(url.searchParams);
  if (method === 'GET') Object.entries(opts.data || {}).forEach(([k, v]) => (query[k] = String(v)));
  const data = method === 'GET' ? undefined : opts.data;
  const req = { method, url: opts.url, path: url.pathname, query, data, header: opts.header || {} };
  return opts.filePath ? { ...req, file: { name: opts.name, filePath: opts.filePath } } : req;
}

function nextAnswer(key) {
  const answer = routes[key];
  if (Array.isArray(answer)) return answer.length > 1 ? answer.shift() : answer[0];
  return answer;
}

/** Logs the request and finds its answer in the route table. */
async function answerFor(opts) {
  await null; // the real calls never answer synchronously
  const req = describeRequest(opts);
  requests.push(req);
  const key = `${req.method} ${req.path}`;
  let answer = nextAnswer(key);
  if (typeof answer === 'function') answer = await answer(req);
  return answer || fail(404, 'not_found', `测试没有定义 ${key}`);
}

async function request(opts) {
  const answer = await answerFor(opts);
  if (answer.network) opts.fail({ errMsg: 'request:fail timeout' });
  else opts.success({ statusCode: answer.status, data: answer.body, header: {} });
}

// Like the real one, saves whatever body comes back, error envelopes included.
async function downloadFile(opts) {
  const answer = await answerFor({ ...opts, method: 'GET' });
  if (answer.network) return opts.fail({ errMsg: 'downloadFile:fail timeout' });
  const tempFilePath = `wxfile://tmp_${files.size + 1}`;
  files.set(tempFilePath, typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  return opts.success({ statusCode: answer.status, tempFilePath });
}

// Like the real one: a task whose progress listeners hear 100% before success, and the body
// handed back as a string.
function uploadFile(opts) {
  const listeners = [];
  answerFor({ ...opts, method: 'POST', data: opts.formData }).then((answer) => {
    if (answer.network) return opts.fail({ errMsg: 'uploadFile:fail timeout' });
    listeners.forEach((listener) => listener({ progress: 100, totalBytesSent: 1, totalBytesExpectedToSend: 1 }));
    const data = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return opts.success({ statusCode: answer.status, data });
  });
  return { onProgressUpdate: (listener) => listeners.push(listener), abort: jest.fn() };
}

function readFileSync(filePath) {
  if (!files.has(filePath)) throw new Error(`readFileSync:fail no such file ${filePath}`);
  return files.get(filePath);
}

const calls = (method, path) => requests.filter((r) => r.method === method && r.path === path);

// Storage keeps JSON copies, as the real one serializes.
const copy = (value) => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

function mocks() {
  return {
    request: jest.fn(request),
    downloadFile: jest.fn(downloadFile),
    uploadFile: jest.fn(uploadFile),
    getFileSystemManager: () => ({ readFileSync: jest.fn(readFileSync) }),
    openDocument: jest.fn(({ success }) => Promise.resolve().then(() => success({}))),
    previewImage: jest.fn(),
    login: jest.fn(({ success }) => Promise.resolve().then(() => success({ code: 'wx-code-1' }))),
    getStorageSync: jest.fn((key) => (storage.has(key) ? copy(storage.get(key)) : '')),
    setStorageSync: jest.fn((key, value) => storage.set(key, copy(value))),
    removeStorageSync: jest.fn((key) => storage.delete(key)),
    clearStorageSync: jest.fn(() => storage.clear()),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    switchTab: jest.fn(),
    reLaunch: jest.fn(),
    navigateBack: jest.fn(),
    showToast: jest.fn(),
    showLoading: jest.fn(),
    hideLoading: jest.fn(),
    stopPullDownRefresh: jest.fn(),
  };
}

/** Fresh mocks, storage, files and routes; called before every test. */
function reset() {
  routes = {};
  storage.clear();
  files.clear();
  requests.length = 0;
  Object.assign(global.wx, mocks());
}

/** Stores a session as a previous login would have. */
function signIn(access = 'access-1', refresh = 'refresh-1') {
  storage.set('linli.tokens', { access, refresh });
}

const storedTokens = () => storage.get('linli.tokens');

module.exports = { API, ok, fail, NETWORK_DOWN, route, requests, calls, reset, signIn, storedTokens };
