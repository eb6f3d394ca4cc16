const { request, download, upload, ApiError } = require('../utils/api');
const { ok, fail, NETWORK_DOWN, route, calls, signIn, storedTokens } = require('./wx');

const REFRESH = 'POST /api/v1/auth/refresh';
const expired = fail(401, 'token_expired', '登录已过期');
const refreshed = ok({ access_token: 'access-2', refresh_token: 'refresh-2', expires_in: 900, user: { id: 1 } });
const bearer = (req) => req.header.Authorization;

// Answers 401 to the old access token and 200 to the refreshed one.
const needsNewToken = (req) => (bearer(req) === 'Bearer access-2' ? ok({ id: 1 }) : expired);

test('attaches the stored access token and resolves to the body', async () => {
  signIn('access-1');
  route({ 'GET /api/v1/me': ok({ id: 1 }) });

  await expect(request({ path: '/api/v1/me' })).resolves.toEqual({ id: 1 });

  expect(bearer(calls('GET', '/api/v1/me')[0])).toBe('Bearer access-1');
});

test('sends no token when auth is false', async () => {
  signIn('access-1');
  route({ 'POST /api/v1/auth/wechat-login': ok({}) });

  await request({ method: 'POST', path: '/api/v1/auth/wechat-login', data: { code: 'c' }, auth: false });

  expect(bearer(calls('POST', '/api/v1/auth/wechat-login')[0])).toBeUndefined();
});

test.each(['token_expired', 'invalid_token'])('refreshes once on 401 %s and retries', async (code) => {
  signIn('access-1', 'refresh-1');
  route({
    'GET /api/v1/me': (req) => (bearer(req) === 'Bearer access-2' ? ok({ id: 1 }) : fail(401, code, '请重新登录')),
    [REFRESH]: refreshed,
  });

  await expect(request({ path: '/api/v1/me' })).resolves.toEqual({ id: 1 });

  expect(calls('POST', '/api/v1/auth/refresh').map((r) => r.data)).toEqual([{ refresh_token: 'refresh-1' }]);
  expect(storedTokens()).toEqual({ access: 'access-2', refresh: 'refresh-2' });
  expect(calls('GET', '/api/v1/me')).toHaveLength(2);
});

test('retries only once when the new token is refused too', async () => {
  signIn();
  route({ 'GET /api/v1/me': expired, [REFRESH]: refreshed });

  await expect(request({ path: '/api/v1/me' })).rejects.toMatchObject({ status: 401, code: 'token_expired' });

  expect(calls('POST', '/api/v1/auth/refresh')).toHaveLength(1);
  expect(calls('GET', '/api/v1/me')).toHaveLength(2);
});

test('does not refresh on other 401 codes', async () => {
  signIn();
  route({ 'GET /api/v1/me': fail(401, 'login_required', '请先登录') });

  await expect(request({ path: '/api/v1/me' })).rejects.toMatchObject({ status: 401, code: 'login_required' });

  expect(calls('POST', '/api/v1/auth/refresh')).toHaveLength(0);
});

test('concurrent 401s share one refresh', async () => {
  signIn('access-1', 'refresh-1');
  route({ 'GET /api/v1/me': needsNewToken, [REFRESH]: refreshed });

  const results = await Promise.all([1, 2, 3].map(() => request({ path: '/api/v1/me' })));

  expect(results).toEqual([{ id: 1 }, { id: 1 }, { id: 1 }]);
  expect(calls('POST', '/api/v1/auth/refresh')).toHaveLength(1);
  expect(calls('GET', '/api/v1/me').slice(3).map(bearer)).toEqual(Array(3).fill('Bearer access-2'));
});

test('a late 401 reuses a token another request already refreshed', async () => {
  signIn('access-1', 'refresh-1');
  let answerSlow;
  route({
    'GET /api/v1/slow': [() => new Promise((resolve) => (answerSlow = resolve)), ok({ slow: true })],
    'GET /api/v1/me': needsNewToken,
    [REFRESH]: refreshed,
  });

  const slow = request({ path: '/api/v1/slow' });
  await request({ path: '/api/v1/me' }); // refreshes while /slow is still out
  answerSlow(expired);

  await expect(slow).resolves.toEqual({ slow: true });
  expect(calls('POST', '/api/v1/auth/refresh')).toHaveLength(1);
  expect(bearer(calls('GET', '/api/v1/slow')[1])).toBe('Bearer access-2');
});

test('a failed refresh clears the tokens and rejects with a 401 ApiError', async () => {
  signIn();
  route({ 'GET /api/v1/me': expired, [REFRESH]: fail(401, 'invalid_token', '登录已失效') });

  const err = await request({ path: '/api/v1/me' }).catch((e) => e);

  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ status: 401, code: 'session_expired', message: '登录已过期，请重新登录' });
  expect(storedTokens()).toBeUndefined();
  expect(calls('GET', '/api/v1/me')).toHaveLength(1);
});

test('parses the error envelope into an ApiError', async () => {
  signIn();
  const fields = { phone: ['手机号格式不正确'], real_name: '请填写真实姓名' };
  route({ 'POST /api/v1/estates/7/claims': fail(422, 'validation_error', '提交的信息有误', fields) });

  const err = await request({ method: 'POST', path: '/api/v1/estates/7/claims', data: {} }).catch((e) => e);

  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({
    status: 422,
    code: 'validation_error',
    message: '提交的信息有误',
    fields: { phone: '手机号格式不正确', real_name: '请填写真实姓名' },
  });
});

test('a response without an envelope still rejects with a Chinese message', async () => {
  route({ 'GET /api/v1/me': { status: 502, body: '<html>Bad Gateway</html>' } });

  await expect(request({ path: '/api/v1/me' })).rejects.toMatchObject({
    status: 502,
    code: 'http_502',
    message: '服务暂时不可用，请稍后重试',
  });
});

test('a network failure rejects with code network', async () => {
  route({ 'GET /api/v1/me': NETWORK_DOWN });

  await expect(request({ path: '/api/v1/me' })).rejects.toMatchObject({
    status: 0,
    code: 'network',
    message: '网络异常，请稍后重试',
  });
});

const FILE = '/api/v1/notices/5/attachments/3';

test('download sends the bearer token and resolves to the temp file', async () => {
  signIn('access-1');
  route({ [`GET ${FILE}`]: ok('%PDF-1.7') });

  const filePath = await download({ path: FILE });

  const [sent] = calls('GET', FILE);
  expect(sent.url).toBe(`http://127.0.0.1:5000${FILE}`);
  expect(bearer(sent)).toBe('Bearer access-1');
  expect(wx.getFileSystemManager().readFileSync(filePath)).toBe('%PDF-1.7');
});

test('download refreshes an expired token once and retries', async () => {
  signIn('access-1', 'refresh-1');
  route({ [`GET ${FILE}`]: needsNewToken, [REFRESH]: refreshed });

  await download({ path: FILE });

  expect(calls('GET', FILE).map(bearer)).toEqual(['Bearer access-1', 'Bearer access-2']);
  expect(calls('POST', '/api/v1/auth/refresh')).toHaveLength(1);
});

test('a refused download rejects with the error envelope it saved', async () => {
  signIn();
  route({ [`GET ${FILE}`]: fail(404, 'not_found', '附件不存在') });

  const err = await download({ path: FILE }).catch((e) => e);

  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ status: 404, code: 'not_found', message: '附件不存在' });
});

test('a failed download without an envelope or network rejects in Chinese', async () => {
  signIn();
  route({ [`GET ${FILE}`]: [{ status: 502, body: '<html>Bad Gateway</html>' }, NETWORK_DOWN] });

  await expect(download({ path: FILE })).rejects.toMatchObject({ status: 502, message: '服务暂时不可用，请稍后重试' });
  await expect(download({ path: FILE })).rejects.toMatchObject({ code: 'network', message: '网络异常，请稍后重试' });
});

const PHOTOS = '/api/v1/estates/7/ticket-photos';
const uploaded = { id: 41, url: '/api/v1/ticket-photos/41', thumb_url: '/api/v1/ticket-photos/41?size=thumb' };
const sendPhoto = (extra = {}) => upload({ path: PHOTOS, filePath: 'wxfile://tmp_photo.jpg', ...extra });

test('upload sends the file as field "file" with the bearer token and parses the string body', async () => {
  signIn('access-1');
  route({ [`POST ${PHOTOS}`]: ok(uploaded, 201) });

  await expect(sendPhoto()).resolves.toEqual(uploaded);

  const [sent] = calls('POST', PHOTOS);
  expect(sent.url).toBe(`http://127.0.0.1:5000${PHOTOS}`);
  expect(sent.file).toEqual({ name: 'file', filePath: 'wxfile://tmp_photo.jpg' });
  expect(bearer(sent)).toBe('Bearer access-1');
  expect(wx.uploadFile.mock.calls[0][0].header['Content-Type']).toBeUndefined();
});

test('upload reports its progress', async () => {
  signIn();
  route({ [`POST ${PHOTOS}`]: ok(uploaded, 201) });
  const onProgress = jest.fn();

  await sendPhoto({ onProgress });

  expect(onProgress).toHaveBeenCalledWith(100);
});

test('upload refreshes an expired token once and sends the file again', async () => {
  signIn('access-1', 'refresh-1');
  route({
    [`POST ${PHOTOS}`]: (req) => (bearer(req) === 'Bearer access-2' ? ok(uploaded, 201) : expired),
    [REFRESH]: refreshed,
  });

  await expect(sendPhoto()).resolves.toEqual(uploaded);

  expect(calls('POST', PHOTOS).map(bearer)).toEqual(['Bearer access-1', 'Bearer access-2']);
  expect(calls('POST', PHOTOS)[1].file.filePath).toBe('wxfile://tmp_photo.jpg');
  expect(calls('POST', '/api/v1/auth/refresh')).toHaveLength(1);
});

test.each([
  [413, 'photo_too_large', '照片过大，请选择10MB以内的照片'],
  [415, 'unsupported_photo', '仅支持 JPEG、PNG、WebP 格式的照片'],
])('a refused upload (%p) rejects with the envelope parsed from the string body', async (status, code, message) => {
  signIn();
  route({ [`POST ${PHOTOS}`]: fail(status, code, message) });

  const err = await sendPhoto().catch((e) => e);

  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ status, code, message });
});

test('a failed upload without an envelope or network rejects in Chinese', async () => {
  signIn();
  route({ [`POST ${PHOTOS}`]: [{ status: 413, body: '<html>413 Request Entity Too Large</html>' }, NETWORK_DOWN] });

  await expect(sendPhoto()).rejects.toMatchObject({ status: 413, code: 'http_413', message: '服务暂时不可用，请稍后重试' });
  await expect(sendPhoto()).rejects.toMatchObject({ code: 'network', message: '网络异常，请稍后重试' });
});
