const { fire, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn, NETWORK_DOWN } = require('./wx');

const LIVENESS = '/api/v1/estates/7/group-chats/liveness';
const REGISTER = '/api/v1/estates/7/group-chats';
const GROUP = '/api/v1/group-chats/3';
const TEST = '/api/v1/group-chats/3/test-messages';
const QR = '/api/v1/group-chats/3/join-qr';
const POSTER = '/api/v1/group-chats/3/poster.png';

const group = (overrides = {}) => ({
  id: 3,
  estate_id: 7,
  name: '阳光小区业主群',
  channel: 'wecom_robot',
  channel_label: '企业微信群机器人',
  profile: 'external',
  profile_label: '外部群（含个人微信业主）',
  address_hint: '••••5aaa',
  active: true,
  member_count: 286,
  member_count_recorded_at: '2026-12-01T02:00:00+00:00',
  has_join_qr: true,
  created_at: '2026-11-01T02:00:00+00:00',
  updated_at: '2026-12-01T02:00:00+00:00',
  ...overrides,
});

const item = (overrides = {}, groupOverrides = {}) => ({
  group: group(groupOverrides),
  delivered_30d: 12,
  members: 286,
  members_source: 'recorded',
  members_source_label: '人工记录',
  last_activity_at: '2026-12-06T12:30:00+00:00',
  is_active: true,
  last_test: { id: 40, group_chat_id: 3, status: 'sent', status_label: '已送达', last_error: null, created_at: '2026-11-30T01:00:00+00:00', sent_at: '2026-11-30T01:00:05+00:00' },
  ...overrides,
});

const liveness = (items, estateActive = true) => ({ items, estate_active: estateActive, window_days: 30 });

const openGroups = () => openPage('group-chats', 'onLoad', { estate_id: '7' });

beforeAll(() => preload('group-chats'));
beforeEach(() => signIn());

test('lists each group with its profile, status, address hint and liveness', async () => {
  const quiet = item(
    { delivered_30d: 0, members: 4, members_source: 'bound_owners', last_activity_at: null, is_active: false, last_test: null },
    { id: 5, name: '业委会内部群', profile: 'internal', profile_label: '内部群（仅企业微信成员）', address_hint: '••••ab12', member_count: null, has_join_qr: false },
  );
  route({ [`GET ${LIVENESS}`]: ok(liveness([item(), quiet])) });
  const page = await openGroups();

  expect(textOf(page.querySelector('#estate-liveness'))).toContain('本小区监督群常态化运行中');
  const first = textOf(page.querySelector('#group-3'));
  [
    '阳光小区业主群',
    '外部群（含个人微信业主）',
    '活跃',
    '企业微信群机器人 · ••••5aaa',
    '近 30 天送达 12 条',
    '286 人（2026-12-01 10:00 记录）',
    '最近活动 2026-12-06 20:30',
    '测试消息：已送达（2026-11-30 09:00）',
    '入群海报',
  ].forEach((shown) => expect(first).toContain(shown));
  const second = textOf(page.querySelector('#group-5'));
  ['业委会内部群', '内部群（仅企业微信成员）', '不活跃', '近 30 天送达 0 条', '4 人（已绑定企业微信的业主）', '尚无消息送达', '尚未发送测试消息', '上传入群二维码'].forEach(
    (shown) => expect(second).toContain(shown),
  );
  expect(second).not.toContain('入群海报');
});

test('an estate with no group says so and offers to register one', async () => {
  route({ [`GET ${LIVENESS}`]: ok(liveness([], false)) });
  const page = await openGroups();

  expect(textOf(page.querySelector('#empty'))).toContain('还没有登记监督群');
  expect(textOf(page.querySelector('#estate-liveness'))).toContain('本小区暂无活跃的监督群');
  expect(page.querySelector('#add-button')).toBeTruthy();
});

test('says it is loading until the answer comes', async () => {
  route({ [`GET ${LIVENESS}`]: () => new Promise(() => {}) });
  const page = await openGroups();

  expect(textOf(page.querySelector('#loading'))).toBe('加载中…');
});

test('a failure says so and shows the server message', async () => {
  route({ [`GET ${LIVENESS}`]: fail(403, 'forbidden', '您没有权限管理本小区的监督群') });
  const page = await openGroups();

  expect(textOf(page.querySelector('#failed'))).toBe('监督群暂时无法加载，请下拉重试');
  expect(toastMessage(page)).toBe('您没有权限管理本小区的监督群');
});

test('registers a robot webhook as an external group, checking the form first', async () => {
  route({
    [`GET ${LIVENESS}`]: [ok(liveness([], false)), ok(liveness([item({ last_test: null })]))],
    [`POST ${REGISTER}`]: ok(group(), 201),
  });
  const page = await openGroups();
  await fire(page.querySelector('#add-button'), 'click');
  await fire(page.querySelector('#submit-add'), 'click');

  expect(page.querySelector('#name').data.errorMessage).toBe('请填写群名称');
  expect(page.querySelector('#address').data.errorMessage).toBe('请粘贴群机器人的 Webhook 地址');
  expect(calls('POST', REGISTER)).toHaveLength(0);

  await fire(page.querySelector('#name'), 'change', ' 阳光小区业主群 ');
  await fire(page.querySelector('#address'), 'change', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa');
  await fire(page.querySelector('#submit-add'), 'click');

  expect(calls('POST', REGISTER).map((r) => r.data)).toEqual([
    {
      name: '阳光小区业主群',
      channel: 'wecom_robot',
      address: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
      profile: 'external',
    },
  ]);
  expect(toastMessage(page)).toBe('已登记监督群，请发送测试消息确认');
  expect(textOf(page.querySelector('#group-3'))).toContain('尚未发送测试消息');
  expect(page.querySelector('#submit-add')).toBeFalsy();
});

test('an app chat is registered as an internal group without offering 外部群; a taken address shows under its field', async () => {
  route({
    [`GET ${LIVENESS}`]: ok(liveness([], false)),
    [`POST ${REGISTER}`]: fail(409, 'conflict', '该群聊地址已被登记', { address: ['已被其他群聊使用'] }),
  });
  const page = await openGroups();
  await fire(page.querySelector('#add-button'), 'click');
  await fire(page.querySelector('#name'), 'change', '业委会内部群');
  expect(page.querySelector('#profile-tabs')).toBeTruthy();
  await fire(page.querySelector('#channel-tabs'), 'change', 'wecom_appchat');
  expect(page.querySelector('#profile-tabs')).toBeFalsy();
  expect(textOf(page.querySelector('#appchat-profile'))).toBe('应用群聊只有企业微信成员，按内部群发送。');
  expect(page.querySelector('#address').data.placeholder).toBe('填写应用群聊的群聊 ID');
  await fire(page.querySelector('#address'), 'change', 'wrs123abc');
  await fire(page.querySelector('#submit-add'), 'click');

  expect(calls('POST', REGISTER)[0].data).toEqual({ name: '业委会内部群', channel: 'wecom_appchat', address: 'wrs123abc', profile: 'internal' });
  expect(page.querySelector('#address').data.errorMessage).toBe('已被其他群聊使用');
  expect(toastMessage(page)).toBe('该群聊地址已被登记');
});

test('sends a test message and shows it queued', async () => {
  const queued = { id: 41, group_chat_id: 3, status: 'pending', status_label: '待发送', last_error: null, created_at: '2026-12-07T02:00:00+00:00', sent_at: null };
  route({
    [`GET ${LIVENESS}`]: [ok(liveness([item()])), ok(liveness([item({ last_test: queued })]))],
    [`POST ${TEST}`]: ok(queued, 201),
  });
  const page = await openGroups();

  await fire(page.querySelectorAll('.test-button')[0], 'click');

  expect(calls('POST', TEST)).toHaveLength(1);
  expect(toastMessage(page)).toBe('测试消息已发出，请到群里查看');
  expect(textOf(page.querySelector('#group-3'))).toContain('测试消息：待发送（2026-12-07 10:00）');
  const button = page.querySelectorAll('.test-button')[0];
  expect(textOf(button)).toBe('测试消息发送中');
  expect(button.data.disabled).toBe(true);
});

test('a test refused while the last one is sending says why', async () => {
  route({
    [`GET ${LIVENESS}`]: ok(liveness([item()])),
    [`POST ${TEST}`]: fail(409, 'conflict', '上一条测试消息还在发送中，请稍后再试'),
  });
  const page = await openGroups();
  await fire(page.querySelectorAll('.test-button')[0], 'click');

  expect(toastMessage(page)).toBe('上一条测试消息还在发送中，请稍后再试');
});

test('switches a group off and on', async () => {
  route({
    [`GET ${LIVENESS}`]: [ok(liveness([item()])), ok(liveness([item({ is_active: false }, { active: false })], false))],
    [`PATCH ${GROUP}`]: ok(group({ active: false })),
  });
  const page = await openGroups();

  await fire(page.querySelectorAll('.toggle-button')[0], 'click');

  expect(calls('PATCH', GROUP).map((r) => r.data)).toEqual([{ active: false }]);
  expect(toastMessage(page)).toBe('已停用');
  const text = textOf(page.querySelector('#group-3'));
  expect(text).toContain('已停用');
  expect(text).toContain('启用');
  expect(page.querySelectorAll('.test-button')).toHaveLength(0);
});

test('records the member count, refusing what is not a count', async () => {
  route({
    [`GET ${LIVENESS}`]: [ok(liveness([item()])), ok(liveness([item({ members: 301 }, { member_count: 301, member_count_recorded_at: '2026-12-07T02:00:00+00:00' })]))],
    [`PATCH ${GROUP}`]: ok(group({ member_count: 301 })),
  });
  const page = await openGroups();
  await fire(page.querySelectorAll('.count-button')[0], 'click');
  await fire(page.querySelector('#member-count'), 'change', '三百');
  await fire(page.querySelector('#save-count'), 'click');
  expect(page.querySelector('#member-count').data.errorMessage).toBe('请填写 0 到 2000 之间的整数');
  expect(calls('PATCH', GROUP)).toHaveLength(0);

  await fire(page.querySelector('#member-count'), 'change', '301');
  await fire(page.querySelector('#save-count'), 'click');

  expect(calls('PATCH', GROUP).map((r) => r.data)).toEqual([{ member_count: 301 }]);
  expect(toastMessage(page)).toBe('已记录群人数');
  expect(textOf(page.querySelector('#group-3'))).toContain('301 人（2026-12-07 10:00 记录）');
  expect(page.querySelector('#member-count')).toBeFalsy();
});

test('uploads the join QR code picked from the album', async () => {
  wx.chooseMedia = jest.fn(({ success }) => success({ tempFiles: [{ tempFilePath: 'wxfile://qr.png', size: 2048 }] }));
  route({
    [`GET ${LIVENESS}`]: [ok(liveness([item({}, { has_join_qr: false })])), ok(liveness([item()]))],
    [`POST ${QR}`]: ok(group()),
  });
  const page = await openGroups();
  expect(page.querySelectorAll('.poster-button')).toHaveLength(0);

  await fire(page.querySelectorAll('.qr-button')[0], 'click');

  expect(calls('POST', QR).map((r) => r.file)).toEqual([{ name: 'file', filePath: 'wxfile://qr.png' }]);
  expect(toastMessage(page)).toBe('已上传入群二维码');
  expect(page.querySelectorAll('.poster-button')).toHaveLength(1);
});

test('previews the poster and saves it to the album', async () => {
  wx.saveImageToPhotosAlbum = jest.fn(({ success }) => success({}));
  route({ [`GET ${LIVENESS}`]: ok(liveness([item()])), [`GET ${POSTER}`]: ok('PNG-BYTES') });
  const page = await openGroups();

  await fire(page.querySelectorAll('.poster-button')[0], 'click');

  expect(calls('GET', POSTER)[0].header.Authorization).toBe('Bearer access-1');
  const [[preview]] = wx.previewImage.mock.calls;
  expect(preview.urls).toEqual([preview.current]);
  expect(preview.current).toMatch(/^wxfile:\/\/tmp_/);
  await fire(page.querySelectorAll('.save-poster-button')[0], 'click');
  expect(wx.saveImageToPhotosAlbum.mock.calls[0][0].filePath).toBe(preview.current);
  expect(toastMessage(page)).toBe('海报已保存到相册');
});

test('a poster that cannot be made says why (no QR yet, or the network)', async () => {
  route({
    [`GET ${LIVENESS}`]: ok(liveness([item()])),
    [`GET ${POSTER}`]: [fail(409, 'conflict', '请先上传该群的入群二维码'), NETWORK_DOWN],
  });
  const page = await openGroups();

  await fire(page.querySelectorAll('.poster-button')[0], 'click');
  expect(toastMessage(page)).toBe('请先上传该群的入群二维码');
  await fire(page.querySelectorAll('.poster-button')[0], 'click');
  expect(toastMessage(page)).toBe('网络异常，请稍后重试');
  expect(wx.previewImage).not.toHaveBeenCalled();
  expect(page.querySelectorAll('.save-poster-button')).toHaveLength(0);
});
