const ticketsApi = require('../utils/tickets-api');
const ticketsForm = require('../utils/tickets-form');
const ticketPhotos = require('../utils/tickets-photos');
const ticketsView = require('../utils/tickets-view');
const { ok, fail, route, calls, signIn } = require('./wx');
const { ticket, ticketDetail, ticketEvent, ticketPhoto } = require('./ticket-factories');

const NOW = Date.parse('2026-11-24T00:00:00Z');

beforeEach(() => {
  signIn();
  ticketPhotos.forgetPhotos();
});

describe('labels', () => {
  test('the 11 categories, in the order the form offers them', () => {
    expect(ticketsView.CATEGORIES.map((c) => `${c.code} ${c.label}`)).toEqual([
      'security 治安安全',
      'cleaning 环境卫生',
      'fire_safety 消防安全',
      'ebike 电动车停放充电',
      'elevator 电梯故障',
      'parking 车辆停放',
      'drains 管道疏通',
      'pavement 路面破损',
      'lighting 公共照明',
      'green_land 绿地裸土',
      'other 其他',
    ]);
  });

  test('every status has a label and a Vant tag type', () => {
    const types = ['default', 'primary', 'success', 'warning', 'danger'];
    Object.keys(ticketsView.STATUS_LABELS).forEach((status) => {
      expect(types).toContain(ticketsView.STATUS_TAG_TYPES[status]);
    });
    expect(Object.keys(ticketsView.STATUS_LABELS)).toHaveLength(8);
  });

  test('channels, escalation levels and actions read in Chinese', () => {
    expect(ticketsView.CHANNEL_LABELS.hotline).toBe('12345热线');
    expect(ticketsView.ESCALATION_LABELS).toEqual(['物业项目经理', '业委会', '社区', '街道（乡镇）', '县住建局']);
    expect(ticketsView.HANDLER_ACTIONS.map((a) => ticketsView.ACTION_LABELS[a])).toEqual([
      '受理',
      '转办',
      '开始办理',
      '反馈结果',
      '不予受理',
      '标记重复',
    ]);
  });

  test.each([
    [[{ role: 'property_manager' }], true],
    [[{ role: 'owner' }, { role: 'committee_member' }], true],
    [[{ role: 'committee_chair' }], true],
    [[{ role: 'owner' }], false],
    [[], false],
    [undefined, false],
  ])('canHandleTickets(%j) is %p', (roles, handles) => {
    expect(ticketsView.canHandleTickets(roles)).toBe(handles);
  });
});

describe('ticketView', () => {
  test('reads a list ticket', () => {
    expect(ticketsView.ticketView(ticket({ supporter_count: 2 }), NOW)).toMatchObject({
      categoryText: '电梯故障',
      statusText: '待受理',
      tagType: 'warning',
      channelText: '小程序',
      escalationText: '',
      locationText: '3号楼 2单元电梯厅',
      createdText: '2026-11-23 10:00',
      dueText: '2026-11-23 12:00 前受理',
      supportText: '2人也遇到',
      metaText: '3号楼 2单元电梯厅 · 2026-11-23 10:00 · 附议 2',
      mineText: '',
    });
  });

  test('falls back to its own labels when the server sends none', () => {
    const bare = ticket({
      category_label: undefined,
      status_label: undefined,
      channel_label: undefined,
      channel: 'hotline',
    });

    expect(ticketsView.ticketView(bare, NOW)).toMatchObject({ categoryText: '电梯故障', statusText: '待受理', channelText: '12345热线' });
  });

  test.each([
    [0, ''],
    [1, '已升级至业委会'],
    [2, '已升级至社区'],
    [3, '已升级至街道（乡镇）'],
    [4, '已升级至县住建局'],
  ])('escalation level %p reads %p', (level, text) => {
    expect(ticketsView.ticketView(ticket({ escalation_level: level }), NOW).escalationText).toBe(text);
  });

  test.each([
    ['submitted', '2026-11-23 12:00 前受理'],
    ['accepted', '2026-11-25 10:00 前反馈'],
    ['assigned', '2026-11-25 10:00 前反馈'],
    ['in_progress', '2026-11-25 10:00 前反馈'],
    ['replied', ''],
    ['closed', ''],
    ['rejected', ''],
  ])('a %s ticket runs against %p', (status, due) => {
    expect(ticketsView.ticketView(ticket({ status }), NOW).dueText).toBe(due);
  });

  test('an overdue ticket marks the deadline that ran out', () => {
    expect(ticketsView.ticketView(ticket({ overdue: true }), NOW)).toMatchObject({ acceptOverdue: true, replyOverdue: false });
    expect(ticketsView.ticketView(ticket({ overdue: true, status: 'assigned' }), NOW)).toMatchObject({
      acceptOverdue: false,
      replyOverdue: true,
    });
  });

  test('a ticket without a location shows none', () => {
    expect(ticketsView.ticketView(ticket({ location: null }), NOW).locationText).toBe('');
    expect(ticketsView.ticketView(ticket({ location: { building_name: null, text: '北门' } }), NOW).locationText).toBe('北门');
  });

  test('a nearby answer says how far it is', () => {
    expect(ticketsView.ticketView({ ...ticket(), distance_m: 0 }, NOW).distanceText).toBe('距您约0米');
    expect(ticketsView.ticketView({ ...ticket(), distance_m: null }, NOW).distanceText).toBe('');
  });

  test('says whose it is', () => {
    expect(ticketsView.ticketView(ticket({ is_mine: true }), NOW).mineText).toBe('我提交的');
    expect(ticketsView.ticketView(ticket({ i_support: true }), NOW).mineText).toBe('我附议的');
  });

  test('lists the handler actions allowed, in a fixed order, leaving reopen to the reporter', () => {
    const view = ticketsView.ticketView(ticketDetail({ allowed_actions: ['reject', 'reopen', 'accept'] }), NOW);

    expect(view.actions).toEqual([
      { action: 'accept', label: '受理' },
      { action: 'reject', label: '不予受理' },
    ]);
  });

  test('reopening is offered until the deadline only', () => {
    const replied = (deadline) => ticketDetail({ status: 'replied', can_reopen: true, reopen_deadline: deadline });

    expect(ticketsView.ticketView(replied('2026-11-30T02:00:00+00:00'), NOW)).toMatchObject({
      canReopen: true,
      reopenDeadlineText: '11 月 30 日前可申请重新办理',
    });
    expect(ticketsView.ticketView(replied('2026-11-23T23:59:59+00:00'), NOW).canReopen).toBe(false);
    const refused = ticketDetail({ can_reopen: false, reopen_deadline: '2026-11-30T02:00:00Z' });
    expect(ticketsView.ticketView(refused, NOW).canReopen).toBe(false);
  });

  test('the reopen deadline reads in Shanghai', () => {
    // 17:00 UTC on the 30th is already 1 December in Shanghai.
    expect(ticketsView.monthDay('2026-11-30T17:00:00+00:00')).toBe('12 月 1 日');
    expect(ticketsView.monthDay(null)).toBe('');
  });

  test('support: offered when allowed, withdrawn while the ticket is open', () => {
    const view = (overrides) => ticketsView.ticketView(ticketDetail(overrides), NOW);
    expect(view({ can_support: true })).toMatchObject({ canSupport: true, canWithdrawSupport: false });
    // The server keeps can_support true for a supporter: the button turns into withdrawing.
    expect(view({ can_support: true, i_support: true })).toMatchObject({ canSupport: false, canWithdrawSupport: true });
    expect(view({ i_support: true, status: 'closed' }).canWithdrawSupport).toBe(false);
  });

  test('events get their labels, local times and escalation', () => {
    const view = ticketsView.ticketView(ticketDetail({
      events: [
        ticketEvent({ kind_label: undefined }),
        ticketEvent({
          id: 2,
          kind: 'escalated',
          kind_label: '超时升级',
          escalation_level: 3,
          created_at: '2026-11-23T16:30:00Z',
        }),
      ],
    }), NOW);

    expect(view.events.map((e) => [e.kindText, e.atText, e.escalationText])).toEqual([
      ['提交', '2026-11-23 10:00', ''],
      ['超时升级', '2026-11-24 00:30', '已升级至街道（乡镇）'],
    ]);
  });

  test('a closed ticket says how it closed', () => {
    const closed = (reason) => ticketsView.ticketView(ticket({ status: 'closed', close_reason: reason }), NOW).closeReasonText;
    expect(closed('not_rated')).toBe('超时未评价，自动办结');
    expect(closed('rated')).toBe('已评价，办结');
    expect(closed(null)).toBe('');
  });
});

describe('nearbyQuery', () => {
  test.each([
    [{ category: 'elevator', buildingId: 3 }, { category: 'elevator', building_id: 3 }],
    [{ category: 'elevator', lat: 31.2, lng: 121.4 }, { category: 'elevator', lat: 31.2, lng: 121.4 }],
    [{ category: 'elevator', buildingId: 3, lat: 0, lng: 0 }, { category: 'elevator', building_id: 3, lat: 0, lng: 0 }],
    [{ category: 'elevator', buildingId: null, lat: null, lng: null }, null],
    [{ category: 'elevator', lat: 31.2, lng: null }, null],
    [{ category: '', buildingId: 3 }, null],
  ])('%j asks %j', (form, query) => {
    expect(ticketsApi.nearbyQuery(form)).toEqual(query);
  });
});

describe('form checks', () => {
  const report = (overrides = {}) => ({
    category: 'elevator',
    description: '电梯坏了',
    locationText: '',
    photoIds: [1],
    ...overrides,
  });

  test('a complete report passes', () => {
    expect(ticketsForm.reportErrors(report())).toEqual({});
    const longest = report({ description: '😀'.repeat(1000), photoIds: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(ticketsForm.reportErrors(longest)).toEqual({});
  });

  test.each([
    [{ category: '' }, { category: '请选择问题类型' }],
    [{ category: 'weather' }, { category: '请选择问题类型' }],
    [{ description: ' \n ' }, { description: '请描述遇到的问题' }],
    [{ description: '坏'.repeat(1001) }, { description: '问题描述不能超过1000个字' }],
    [{ locationText: '门'.repeat(101) }, { location_text: '位置说明不能超过100个字' }],
    [{ photoIds: [] }, { photo_ids: '请至少上传1张照片' }],
    [{ photoIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, { photo_ids: '最多上传9张照片' }],
  ])('report %j is refused with %j', (overrides, errors) => {
    expect(ticketsForm.reportErrors(report(overrides))).toEqual(errors);
  });

  test('says what a report still lacks', () => {
    expect(ticketsForm.reportMissing({ category: '', description: '', photoCount: 0 })).toBe('还需选择问题类型、描述问题、上传至少1张照片');
    expect(ticketsForm.reportMissing({ category: 'elevator', description: 'x', photoCount: 0 })).toBe('还需上传至少1张照片');
    expect(ticketsForm.reportMissing({ category: 'elevator', description: 'x', photoCount: 1 })).toBe('');
  });

  test('in 长辈模式 the description is optional, but still bounded, and a blank one is the category', () => {
    const optional = (overrides) => report({ descriptionOptional: true, ...overrides });
    expect(ticketsForm.reportErrors(optional({ description: '' }))).toEqual({});
    expect(ticketsForm.reportErrors(optional({ description: '坏'.repeat(1001) }))).toEqual({ description: '问题描述不能超过1000个字' });
    expect(ticketsForm.reportErrors(optional({ description: '', photoIds: [] }))).toEqual({ photo_ids: '请至少上传1张照片' });
    expect(ticketsForm.reportMissing({ category: 'elevator', description: '', photoCount: 0, descriptionOptional: true })).toBe('还需上传至少1张照片');
    expect(ticketsForm.reportDescription(' ', 'elevator')).toBe('电梯故障，详见照片');
    expect(ticketsForm.reportDescription(' 8楼按键没反应 ', 'elevator')).toBe('8楼按键没反应');
  });

  test.each([
    ['accept', {}, {}],
    ['start', { note: '说'.repeat(1001) }, { note: '说明不能超过1000个字' }],
    ['assign', {}, { assignee_id: '请选择转办对象' }],
    ['assign', { assigneeId: 22 }, {}],
    ['reply', { note: ' ' }, { note: '请填写办理结果' }],
    ['reply', { note: '说'.repeat(1001) }, { note: '说明不能超过1000个字' }],
    ['reply', { note: '说'.repeat(1000) }, {}],
    ['reject', { reason: '因'.repeat(201) }, { reason: '原因不能超过200个字' }],
    ['reject', { reason: '' }, { reason: '请填写不予受理的原因' }],
    ['reopen', { note: '' }, { note: '请说明不满意的原因' }],
    ['duplicate', { duplicateOf: '0' }, { duplicate_of_id: '请填写原工单编号' }],
    ['duplicate', { duplicateOf: '1.5' }, { duplicate_of_id: '请填写原工单编号' }],
    ['duplicate', { duplicateOf: '31', ticketId: 31 }, { duplicate_of_id: '不能标记为与本工单重复' }],
    ['duplicate', { duplicateOf: '12', ticketId: 31 }, {}],
  ])('%s with %j gives %j', (action, form, errors) => {
    expect(ticketsForm.actionErrors(action, form)).toEqual(errors);
  });

  test.each([
    ['accept', { note: '' }, { action: 'accept' }],
    ['accept', { note: ' 马上派人 ' }, { action: 'accept', note: '马上派人' }],
    ['assign', { assigneeId: 22, note: '' }, { action: 'assign', assignee_id: 22 }],
    ['reply', { note: '已修复', photoIds: [] }, { action: 'reply', note: '已修复' }],
    ['reply', { note: '已修复', photoIds: [7, 8] }, { action: 'reply', note: '已修复', photo_ids: [7, 8] }],
    ['reject', { reason: ' 不属于公共区域 ', note: '忽略' }, { action: 'reject', reason: '不属于公共区域' }],
    ['duplicate', { duplicateOf: ' 12 ' }, { action: 'duplicate', duplicate_of_id: 12 }],
    ['reopen', { note: '又坏了' }, { action: 'reopen', note: '又坏了' }],
  ])('%s with %j sends %j', (action, form, body) => {
    expect(ticketsForm.actionBody(action, form)).toEqual(body);
  });

  test.each([
    [{ rating: 0, comment: '' }, { rating: '请选择1到5星评分' }],
    [{ rating: 6, comment: '' }, { rating: '请选择1到5星评分' }],
    [{ rating: 3.5, comment: '' }, { rating: '请选择1到5星评分' }],
    [{ rating: 5, comment: '好'.repeat(201) }, { comment: '评价不能超过200个字' }],
    [{ rating: 1, comment: '好'.repeat(200) }, {}],
  ])('rating %j gives %j', (form, errors) => {
    expect(ticketsForm.ratingErrors(form)).toEqual(errors);
  });
});

describe('photos', () => {
  const PHOTO = '/api/v1/ticket-photos/51';

  test('are fetched from the urls the API gives, by size', async () => {
    route({ [`GET ${PHOTO}`]: (req) => ok(`JPEG ${req.query.size || 'full'}`) });

    const thumb = await ticketPhotos.photoPath(ticketPhoto(51), 'thumb');
    const full = await ticketPhotos.photoPath(ticketPhoto(51), 'full');

    const read = (filePath) => wx.getFileSystemManager().readFileSync(filePath);
    expect([read(thumb), read(full)]).toEqual(['JPEG thumb', 'JPEG full']);
  });

  test('without urls, the id finds them', async () => {
    route({ [`GET ${PHOTO}`]: ok('JPEG') });

    await ticketPhotos.photoPath({ id: 51 }, 'thumb');
    await ticketPhotos.photoPath({ id: 51 }, 'full');

    expect(calls('GET', PHOTO).map((r) => r.query)).toEqual([{ size: 'thumb' }, {}]);
  });

  test('are fetched once per id and size, even when asked for at the same time', async () => {
    route({ [`GET ${PHOTO}`]: ok('JPEG') });

    const paths = await Promise.all([ticketPhotos.photoPath(ticketPhoto(51)), ticketPhotos.photoPath(ticketPhoto(51))]);
    await ticketPhotos.photoPath(ticketPhoto(51));

    expect(calls('GET', PHOTO)).toHaveLength(1);
    expect(paths[1]).toBe(paths[0]);
  });

  test('a failure is not remembered', async () => {
    route({ [`GET ${PHOTO}`]: [fail(503, 'unavailable', '服务暂时不可用'), ok('JPEG')] });

    await expect(ticketPhotos.photoPath(ticketPhoto(51))).rejects.toMatchObject({ status: 503 });
    await expect(ticketPhotos.photoPath(ticketPhoto(51))).resolves.toMatch(/^wxfile:/);
  });

  test('the cache keeps the 60 most recently used', async () => {
    const photos = Array.from({ length: 61 }, (_, i) => ticketPhoto(i + 1));
    photos.forEach((photo) => route({ [`GET /api/v1/ticket-photos/${photo.id}`]: ok('JPEG') }));
    await ticketPhotos.photoPaths(photos.slice(0, 60));
    await ticketPhotos.photoPath(photos[0]); // used again: now the newest
    await ticketPhotos.photoPath(photos[60]); // pushes out the oldest, photo 2

    await ticketPhotos.photoPaths([photos[0], photos[1]]);

    expect(calls('GET', '/api/v1/ticket-photos/1')).toHaveLength(1);
    expect(calls('GET', '/api/v1/ticket-photos/2')).toHaveLength(2);
  });

  test('photoPaths leaves out the photos that could not be fetched', async () => {
    route({
      [`GET ${PHOTO}`]: ok('JPEG'),
      'GET /api/v1/ticket-photos/52': fail(404, 'not_found', '照片不存在'),
    });

    const paths = await ticketPhotos.photoPaths([ticketPhoto(51), ticketPhoto(52)]);

    expect(Object.keys(paths)).toEqual(['51']);
  });

  test('uploadPhoto posts to the estate and resolves to the photo', async () => {
    route({ 'POST /api/v1/estates/7/ticket-photos': ok(ticketPhoto(101), 201) });

    await expect(ticketPhotos.uploadPhoto(7, 'wxfile://a.jpg')).resolves.toMatchObject({ id: 101 });

    expect(calls('POST', '/api/v1/estates/7/ticket-photos')[0].file).toEqual({ name: 'file', filePath: 'wxfile://a.jpg' });
  });
});
