const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { forgetPhotos } = require('../utils/tickets-photos');
const {
  ticketDetail,
  ticketEvent,
  ticketPhoto,
  repliedDetail,
  invalidTransition,
} = require('./ticket-factories');

const TICKET = '/api/v1/tickets/31';
const TRANSITIONS = `${TICKET}/transitions`;
const SUPPORTERS = `${TICKET}/supporters`;
const RATING = `${TICKET}/rating`;

const openTicket = () => openPage('ticket', 'onLoad', { id: '31' });
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;
const read = (filePath) => wx.getFileSystemManager().readFileSync(filePath);
const domText = (node) => node.textContent.replace(/\s+/g, ' ').trim();
// Plain views and texts, found by class: simulate prefixes each class with the page's scope.
const allByClass = (page, tag, name) =>
  Array.from(page.dom.querySelectorAll(tag)).filter((node) =>
    Array.from(node.classList).some((c) => c === name || c.endsWith(`--${name}`)));

// Every photo answers with its id and size, so a test can tell which file it was given.
const photoBytes = (req) => ok(`JPEG ${req.path.split('/').pop()} ${req.query.size || 'full'}`);
const photoRoutes = (...ids) => Object.fromEntries(ids.map((id) => [`GET /api/v1/ticket-photos/${id}`, photoBytes]));

/** Opens the ticket and starts one of the handler's actions that needs a form. */
async function startAction(detail, action) {
  route({ [`GET ${TICKET}`]: ok(detail) });
  const page = await openTicket();
  await fire(page.querySelector(`#${action}-button`), 'click');
  return page;
}

beforeAll(() => preload('ticket'));

beforeEach(() => {
  signIn();
  forgetPhotos();
  route({ [`GET ${TICKET}`]: ok(ticketDetail()), ...photoRoutes(51, 52, 61) });
});

describe('the ticket', () => {
  test('shows what, where, who and when, in Shanghai time', async () => {
    const page = await openTicket();

    const text = textOf(page);
    [
      '电梯故障',
      '待受理',
      '工单 #31 · 阳光小区 · 来自小程序',
      '3号楼电梯停在8楼，按键无反应',
      '位置3号楼 2单元电梯厅',
      '反映人张*',
      '提交时间2026-11-23 10:00',
      '受理时限2026-11-23 12:00',
      '反馈时限2026-11-25 10:00',
      '还没有人附议',
    ].forEach((shown) => expect(text).toContain(shown));
    expect(text).not.toContain('已超时');
    expect(text).not.toContain('已升级');
  });

  test('an escalated ticket says to whom', async () => {
    route({ [`GET ${TICKET}`]: ok(ticketDetail({ escalation_level: 2, escalation_label: '社区' })) });
    const page = await openTicket();

    expect(textOf(page.querySelector('#escalation-tag'))).toBe('已升级至社区');
  });

  test('a deadline that ran out shows red, and only that one', async () => {
    route({ [`GET ${TICKET}`]: ok(ticketDetail({ overdue: true })) });
    const page = await openTicket();

    expect(textOf(page.querySelector('#accept-due-cell'))).toBe('受理时限2026-11-23 12:00（已超时）');
    expect(textOf(page.querySelector('#reply-due-cell'))).toBe('反馈时限2026-11-25 10:00');
    expect(allByClass(page, 'wx-text', 'overdue').map(domText)).toEqual(['2026-11-23 12:00（已超时）']);
    expect(textOf(page)).toContain('已超时');
  });

  test('once accepted, it is the reply deadline that runs late', async () => {
    route({ [`GET ${TICKET}`]: ok(ticketDetail({ status: 'in_progress', status_label: '办理中', overdue: true })) });
    const page = await openTicket();

    expect(textOf(page.querySelector('#reply-due-cell'))).toContain('（已超时）');
    expect(textOf(page.querySelector('#accept-due-cell'))).not.toContain('已超时');
  });

  test('a rejected ticket gives the reason, a duplicate links to the original', async () => {
    route({
      [`GET ${TICKET}`]: ok(ticketDetail({
        status: 'duplicate',
        status_label: '重复工单',
        duplicate_of_id: 12,
      })),
    });
    const page = await openTicket();

    await fire(page.querySelector('#original-banner'), 'tap');

    expect(textOf(page)).toContain('与工单 #12 重复，已并入该工单办理');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=12' });

    route({ [`GET ${TICKET}`]: ok(ticketDetail({ status: 'rejected', status_label: '不予受理', reject_reason: '属于业主家中问题' })) });
    const rejected = await openTicket();
    expect(textOf(rejected)).toContain('不予受理：属于业主家中问题');
  });

  test('a ticket out of reach shows the server message', async () => {
    route({ [`GET ${TICKET}`]: fail(404, 'not_found', '未找到该对象，或您无权查看') });
    const page = await openTicket();

    expect(toastMessage(page)).toBe('未找到该对象，或您无权查看');
  });

  test('pulling down reloads, then stops the spinner', async () => {
    const page = await openTicket();

    await page.instance.onPullDownRefresh();

    expect(calls('GET', TICKET)).toHaveLength(2);
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });
});

describe('photos', () => {
  test('thumbnails are fetched with the token and shown from temp files', async () => {
    route({ [`GET ${TICKET}`]: ok(ticketDetail({ photos: [ticketPhoto(51), ticketPhoto(52)] })) });
    const page = await openTicket();

    const [sent] = calls('GET', '/api/v1/ticket-photos/51');
    expect(sent.query).toEqual({ size: 'thumb' });
    expect(sent.header.Authorization).toBe('Bearer access-1');
    const srcs = page.querySelectorAll('.ticket-photo').map((image) => image.data.src);
    expect(srcs.map(read)).toEqual(['JPEG 51 thumb', 'JPEG 52 thumb']);
  });

  test('tapping one previews the full-size photos, starting at that one', async () => {
    route({ [`GET ${TICKET}`]: ok(ticketDetail({ photos: [ticketPhoto(51), ticketPhoto(52)] })) });
    const page = await openTicket();

    await fire(page.querySelectorAll('.ticket-photo')[1], 'click');

    const [[previewed]] = wx.previewImage.mock.calls;
    expect(previewed.urls.map(read)).toEqual(['JPEG 51 full', 'JPEG 52 full']);
    expect(read(previewed.current)).toBe('JPEG 52 full');
    expect(wx.hideLoading).toHaveBeenCalled();
  });

  test('a photo fetched once is not fetched again', async () => {
    const page = await openTicket();
    await fire(page.querySelector('.ticket-photo'), 'click');
    await fire(page.querySelector('.ticket-photo'), 'click');

    await openTicket();

    expect(calls('GET', '/api/v1/ticket-photos/51').map((r) => r.query.size || 'full')).toEqual(['thumb', 'full']);
  });

  test('a photo that cannot be fetched shows the server message instead of the viewer', async () => {
    route({ 'GET /api/v1/ticket-photos/51': (req) => (req.query.size ? photoBytes(req) : fail(404, 'not_found', '照片不存在')) });
    const page = await openTicket();

    await fire(page.querySelector('.ticket-photo'), 'click');

    expect(wx.previewImage).not.toHaveBeenCalled();
    expect(toastMessage(page)).toBe('照片不存在');
  });
});

describe('timeline', () => {
  test('lists the events oldest first, with who, when, notes and escalations', async () => {
    route({
      [`GET ${TICKET}`]: ok(repliedDetail(1, {
        events: [
          ticketEvent(),
          ticketEvent({
            id: 303,
            kind: 'escalated',
            kind_label: '超时升级',
            actor_label: '系统',
            escalation_level: 1,
            created_at: '2026-11-23T04:00:00+00:00',
          }),
          ticketEvent({
            id: 304,
            kind: 'replied',
            kind_label: '反馈结果',
            actor_label: '物业项目经理 李*',
            note: '已联系电梯维保单位修复',
            photos: [ticketPhoto(61)],
            created_at: '2026-11-24T01:30:00+00:00',
          }),
        ],
      })),
    });
    const page = await openTicket();

    expect(allByClass(page, 'wx-view', 'event').map(domText)).toEqual([
      '提交业主 张*2026-11-23 10:00',
      '超时升级系统2026-11-23 12:00已升级至业委会',
      '反馈结果物业项目经理 李*2026-11-24 09:30已联系电梯维保单位修复',
    ]);
  });

  test('an event photo previews that event photos', async () => {
    route({ [`GET ${TICKET}`]: ok(repliedDetail()) });
    const page = await openTicket();

    const [image] = page.querySelectorAll('#timeline >>> .event-photo');
    expect(read(image.data.src)).toBe('JPEG 61 thumb');
    await fire(image, 'click');

    expect(wx.previewImage.mock.calls[0][0].urls.map(read)).toEqual(['JPEG 61 full']);
  });
});

describe('我也遇到', () => {
  test('supports the ticket and offers to withdraw', async () => {
    route({
      [`GET ${TICKET}`]: ok(ticketDetail({ can_support: true, supporter_count: 2 })),
      [`POST ${SUPPORTERS}`]: ok(ticketDetail({ i_support: true, supporter_count: 3 })),
    });
    const page = await openTicket();
    expect(textOf(page.querySelector('#supporters-cell'))).toBe('2人也遇到我也遇到');

    await fire(page.querySelector('#support-button'), 'click');

    expect(calls('POST', SUPPORTERS)).toHaveLength(1);
    expect(textOf(page.querySelector('#supporters-cell'))).toBe('3人也遇到撤销附议');
    expect(toastMessage(page)).toBe('已附议');
  });

  test('withdrawing sends DELETE', async () => {
    route({
      [`GET ${TICKET}`]: ok(ticketDetail({ i_support: true, supporter_count: 3 })),
      [`DELETE ${SUPPORTERS}`]: ok(ticketDetail({ can_support: true, supporter_count: 2 })),
    });
    const page = await openTicket();

    await fire(page.querySelector('#withdraw-support-button'), 'click');

    expect(calls('DELETE', SUPPORTERS)).toHaveLength(1);
    expect(page.querySelector('#support-button')).toBeDefined();
    expect(toastMessage(page)).toBe('已撤销附议');
  });

  test('is not offered to whom may not support', async () => {
    const page = await openTicket();

    expect(page.querySelector('#support-button')).toBeUndefined();
    expect(page.querySelector('#withdraw-support-button')).toBeUndefined();
  });

  test('supported already (on another phone) shows the server message and the ticket as it is', async () => {
    route({
      [`GET ${TICKET}`]: [
        ok(ticketDetail({ can_support: true })),
        ok(ticketDetail({ i_support: true, supporter_count: 1 })),
      ],
      [`POST ${SUPPORTERS}`]: fail(409, 'already_supported', '您已附议过该问题'),
    });
    const page = await openTicket();

    await fire(page.querySelector('#support-button'), 'click');

    expect(toastMessage(page)).toBe('您已附议过该问题');
    expect(page.querySelector('#withdraw-support-button')).toBeDefined();
  });
});

describe('rating', () => {
  test('stars are required', async () => {
    route({ [`GET ${TICKET}`]: ok(repliedDetail()) });
    const page = await openTicket();

    await fire(page.querySelector('#rate-button'), 'click');

    expect(textOf(page)).toContain('请选择1到5星评分');
    expect(calls('POST', RATING)).toHaveLength(0);
  });

  test('sends the stars and the comment, then shows the rating instead of the form', async () => {
    const rated = repliedDetail(1, {
      status: 'closed',
      status_label: '已办结',
      close_reason: 'rated',
      rating: 4,
      rating_comment: '修得很快',
      rated_at: '2026-11-24T02:00:00+00:00',
      can_rate: false,
      can_reopen: false,
    });
    route({ [`GET ${TICKET}`]: ok(repliedDetail()), [`POST ${RATING}`]: ok(rated) });
    const page = await openTicket();

    await fire(page.querySelector('#rate'), 'change', 4);
    await fire(page.querySelector('#rating-comment'), 'change', ' 修得很快 ');
    await fire(page.querySelector('#rate-button'), 'click');

    expect(calls('POST', RATING).map((r) => r.data)).toEqual([{ rating: 4, comment: '修得很快' }]);
    expect(page.querySelector('#rate-button')).toBeUndefined();
    expect(page.querySelector('#reopen-button')).toBeUndefined();
    expect(textOf(page.querySelector('#rating'))).toBe('修得很快2026-11-24 10:00');
    expect(textOf(page)).toContain('已评价，办结');
    expect(toastMessage(page)).toBe('感谢您的评价');
  });

  test('a comment is optional', async () => {
    route({
      [`GET ${TICKET}`]: ok(repliedDetail()),
      [`POST ${RATING}`]: ok(repliedDetail(1, { rating: 5, can_rate: false })),
    });
    const page = await openTicket();

    await fire(page.querySelector('#rate'), 'change', 5);
    await fire(page.querySelector('#rate-button'), 'click');

    expect(calls('POST', RATING).map((r) => r.data)).toEqual([{ rating: 5 }]);
  });

  test('closed meanwhile (not rated in time) shows the server message and the ticket as it is', async () => {
    const closed = repliedDetail(8, {
      status: 'closed',
      status_label: '已办结',
      close_reason: 'not_rated',
      can_rate: false,
      can_reopen: false,
    });
    route({
      [`GET ${TICKET}`]: [ok(repliedDetail()), ok(closed)],
      [`POST ${RATING}`]: fail(409, 'invalid_transition', '该工单已办结，无法评价'),
    });
    const page = await openTicket();
    await fire(page.querySelector('#rate'), 'change', 2);

    await fire(page.querySelector('#rate-button'), 'click');

    expect(toastMessage(page)).toBe('该工单已办结，无法评价');
    expect(page.querySelector('#rate-button')).toBeUndefined();
    expect(textOf(page)).toContain('超时未评价，自动办结');
  });
});

describe('reopening', () => {
  test('is offered until the deadline, which is shown', async () => {
    // A deadline far ahead, so the test reads the same whenever it runs.
    route({ [`GET ${TICKET}`]: ok(repliedDetail(1, { reopen_deadline: '2099-11-30T02:00:00+00:00' })) });
    const page = await openTicket();

    expect(textOf(page)).toContain('对结果不满意？11 月 30 日前可申请重新办理');
    expect(page.querySelector('#reopen-button')).toBeDefined();
  });

  test('is hidden after the deadline, whatever the flag says', async () => {
    route({ [`GET ${TICKET}`]: ok(repliedDetail(8)) });
    const page = await openTicket();

    expect(page.querySelector('#reopen-button')).toBeUndefined();
    expect(textOf(page)).not.toContain('可申请重新办理');
  });

  test('is hidden when the server says no', async () => {
    route({ [`GET ${TICKET}`]: ok(repliedDetail(1, { can_reopen: false })) });
    const page = await openTicket();

    expect(page.querySelector('#reopen-button')).toBeUndefined();
  });

  test('needs a reason', async () => {
    route({ [`GET ${TICKET}`]: ok(repliedDetail()) });
    const page = await openTicket();
    await fire(page.querySelector('#reopen-button'), 'click');
    await fire(page.querySelector('#reopen-dialog >>> #reason'), 'change', '  ');

    await fire(page.querySelector('#reopen-dialog >>> #confirm-button'), 'click');

    expect(fieldError(page, '#reopen-dialog >>> #reason')).toBe('请说明不满意的原因');
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);
  });

  test('sends the reason and shows the ticket back in hand', async () => {
    const reopened = repliedDetail(1, {
      status: 'in_progress',
      status_label: '办理中',
      can_rate: false,
      can_reopen: false,
      reopen_count: 1,
    });
    route({ [`GET ${TICKET}`]: ok(repliedDetail()), [`POST ${TRANSITIONS}`]: ok(reopened) });
    const page = await openTicket();
    await fire(page.querySelector('#reopen-button'), 'click');
    await fire(page.querySelector('#reopen-dialog >>> #reason'), 'change', ' 电梯又坏了 ');

    await fire(page.querySelector('#reopen-dialog >>> #confirm-button'), 'click');

    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'reopen', note: '电梯又坏了' }]);
    expect(textOf(page)).toContain('办理中');
    expect(page.querySelector('#reopen-dialog >>> #reason')).toBeUndefined();
    expect(toastMessage(page)).toBe('已申请重新办理');
  });

  test('cancelling sends nothing', async () => {
    route({ [`GET ${TICKET}`]: ok(repliedDetail()) });
    const page = await openTicket();
    await fire(page.querySelector('#reopen-button'), 'click');

    await fire(page.querySelector('#reopen-dialog >>> #cancel-button'), 'click');

    expect(page.querySelector('#reopen-dialog >>> #reason')).toBeUndefined();
    expect(page.querySelector('#reopen-button')).toBeDefined();
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);
  });
});

describe("the handler's actions", () => {
  test.each([
    [[], []],
    [['accept', 'reject', 'duplicate'], ['受理', '不予受理', '标记重复']],
    [['assign', 'start', 'reject'], ['转办', '开始办理', '不予受理']],
    [['reply'], ['反馈结果']],
    // Shown in a fixed order, whatever the server's; reopen is the reporter's, not a handler button.
    [['duplicate', 'accept', 'reopen'], ['受理', '标记重复']],
  ])('allowed %j shows exactly %j', async (allowed, labels) => {
    route({ [`GET ${TICKET}`]: ok(ticketDetail({ allowed_actions: allowed })) });
    const page = await openTicket();

    expect(page.querySelectorAll('.action-button').map(textOf)).toEqual(labels);
    expect(textOf(page).includes('办理经过')).toBe(true);
    expect(allByClass(page, 'wx-view', 'section-title').map(domText).includes('办理')).toBe(labels.length > 0);
  });

  test('受理 takes one tap and shows the answer', async () => {
    const accepted = ticketDetail({
      status: 'accepted',
      status_label: '已受理',
      allowed_actions: ['assign', 'start', 'reject'],
    });
    route({
      [`GET ${TICKET}`]: ok(ticketDetail({ allowed_actions: ['accept', 'reject', 'duplicate'] })),
      [`POST ${TRANSITIONS}`]: ok(accepted),
    });
    const page = await openTicket();

    await fire(page.querySelector('#accept-button'), 'click');

    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'accept' }]);
    expect(page.querySelectorAll('.action-button').map(textOf)).toEqual(['转办', '开始办理', '不予受理']);
    expect(textOf(page)).toContain('已受理');
    expect(toastMessage(page)).toBe('已受理');
  });

  test('tapping twice acts once, and the buttons are disabled meanwhile', async () => {
    let answer;
    route({
      [`GET ${TICKET}`]: ok(ticketDetail({ allowed_actions: ['accept', 'reject'] })),
      [`POST ${TRANSITIONS}`]: () => new Promise((resolve) => (answer = resolve)),
    });
    const page = await openTicket();

    const button = page.querySelector('#accept-button');
    button.dispatchEvent('click');
    await settle();
    button.dispatchEvent('click');
    await settle();
    expect(page.querySelector('#reject-button').data.disabled).toBe(true);
    answer(ok(ticketDetail({ status: 'accepted', allowed_actions: [] })));
    await settle();

    expect(calls('POST', TRANSITIONS)).toHaveLength(1);
  });

  test('转办 picks one of the assignees and sends the note', async () => {
    const assignees = [{ id: 21, label: '保洁主管 王*' }, { id: 22, label: '工程主管 赵*' }];
    const page = await startAction(ticketDetail({ status: 'accepted', allowed_actions: ['assign'], assignees }), 'assign');
    route({ [`POST ${TRANSITIONS}`]: ok(ticketDetail({ status: 'assigned', assignee_label: '工程主管 赵*' })) });

    await fire(page.querySelector('#confirm-action-button'), 'click');
    expect(textOf(page)).toContain('请选择转办对象');
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);

    await fire(page.querySelector('#assignee-cell'), 'click');
    expect(page.querySelector('#assignee-picker').data.columns.map((c) => c.label)).toEqual(['保洁主管 王*', '工程主管 赵*']);
    await fire(page.querySelector('#assignee-picker'), 'confirm', { value: assignees[1], index: 1 });
    await fire(page.querySelector('#note'), 'change', '请今天处理');
    await fire(page.querySelector('#confirm-action-button'), 'click');

    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'assign', assignee_id: 22, note: '请今天处理' }]);
    expect(textOf(page)).toContain('承办人工程主管 赵*');
    expect(toastMessage(page)).toBe('已转办');
  });

  test('反馈结果 needs a note and may carry photos', async () => {
    const page = await startAction(ticketDetail({ status: 'in_progress', allowed_actions: ['reply', 'reject'] }), 'reply');
    route({
      'POST /api/v1/estates/7/ticket-photos': [ok(ticketPhoto(71), 201), ok(ticketPhoto(72), 201)],
      [`POST ${TRANSITIONS}`]: ok(repliedDetail()),
    });

    await fire(page.querySelector('#confirm-action-button'), 'click');
    expect(fieldError(page, '#note')).toBe('请填写办理结果');

    wx.chooseMedia = jest.fn(({ success }) => Promise.resolve().then(() => success({
      tempFiles: [{ tempFilePath: 'wxfile://after_1.jpg' }, { tempFilePath: 'wxfile://after_2.jpg' }],
    })));
    page.querySelector('#uploader').querySelector('.van-uploader__upload').dispatchEvent('tap');
    await settle();
    await fire(page.querySelector('#note'), 'change', '已更换按键面板');
    await fire(page.querySelector('#confirm-action-button'), 'click');

    expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 9, mediaType: ['image'], sizeType: ['compressed'] });
    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([
      { action: 'reply', note: '已更换按键面板', photo_ids: [71, 72] },
    ]);
    expect(toastMessage(page)).toBe('已反馈');
    expect(page.instance.data.uploads).toEqual([]);
  });

  test('不予受理 needs a reason', async () => {
    const page = await startAction(ticketDetail({ allowed_actions: ['accept', 'reject'] }), 'reject');
    route({ [`POST ${TRANSITIONS}`]: ok(ticketDetail({ status: 'rejected', reject_reason: '属于业主家中问题' })) });

    await fire(page.querySelector('#confirm-action-button'), 'click');
    expect(fieldError(page, '#reason')).toBe('请填写不予受理的原因');
    await fire(page.querySelector('#reason'), 'change', ' 属于业主家中问题 ');
    await fire(page.querySelector('#confirm-action-button'), 'click');

    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'reject', reason: '属于业主家中问题' }]);
  });

  test.each([
    ['', '请填写原工单编号'],
    ['abc', '请填写原工单编号'],
    ['31', '不能标记为与本工单重复'],
  ])('标记重复 with original %p is refused locally', async (original, message) => {
    const page = await startAction(ticketDetail({ allowed_actions: ['duplicate'] }), 'duplicate');
    await fire(page.querySelector('#duplicate-of'), 'change', original);

    await fire(page.querySelector('#confirm-action-button'), 'click');

    expect(fieldError(page, '#duplicate-of')).toBe(message);
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);
  });

  test('标记重复 asks for the original ticket number', async () => {
    const page = await startAction(ticketDetail({ allowed_actions: ['duplicate'] }), 'duplicate');
    route({ [`POST ${TRANSITIONS}`]: ok(ticketDetail({ status: 'duplicate', duplicate_of_id: 12 })) });
    await fire(page.querySelector('#duplicate-of'), 'change', ' 12 ');

    await fire(page.querySelector('#confirm-action-button'), 'click');

    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'duplicate', duplicate_of_id: 12 }]);
    expect(textOf(page)).toContain('与工单 #12 重复');
  });

  test('the server refusing a field shows its message under it', async () => {
    const page = await startAction(ticketDetail({ allowed_actions: ['duplicate'] }), 'duplicate');
    route({
      [`POST ${TRANSITIONS}`]: fail(422, 'validation_failed', '提交的内容有误，请按提示修改', {
        duplicate_of_id: ['原工单须为本小区未办结的工单'],
      }),
    });
    await fire(page.querySelector('#duplicate-of'), 'change', '12');

    await fire(page.querySelector('#confirm-action-button'), 'click');

    expect(fieldError(page, '#duplicate-of')).toBe('原工单须为本小区未办结的工单');
    expect(toastMessage(page)).toBe('提交的内容有误，请按提示修改');
  });

  test('a ticket that moved on meanwhile shows the server message and then its new state', async () => {
    route({
      [`GET ${TICKET}`]: [
        ok(ticketDetail({ allowed_actions: ['accept', 'reject'] })),
        ok(ticketDetail({ status: 'accepted', status_label: '已受理', allowed_actions: [] })),
      ],
      [`POST ${TRANSITIONS}`]: invalidTransition([], 'accepted'),
    });
    const page = await openTicket();
    await fire(page.querySelector('#reject-button'), 'click');
    await fire(page.querySelector('#reason'), 'change', '重复');

    await fire(page.querySelector('#confirm-action-button'), 'click');

    expect(toastMessage(page)).toBe('工单状态已变化，请刷新后重试');
    expect(calls('GET', TICKET)).toHaveLength(2);
    expect(textOf(page)).toContain('已受理');
    expect(page.querySelector('#reason')).toBeUndefined();
    expect(page.querySelectorAll('.action-button')).toHaveLength(0);
  });

  test('cancelling a form sends nothing and brings the buttons back', async () => {
    const page = await startAction(ticketDetail({ allowed_actions: ['accept', 'reject'] }), 'reject');

    await fire(page.querySelector('#cancel-action-button'), 'click');

    expect(page.querySelector('#reason')).toBeUndefined();
    expect(page.querySelectorAll('.action-button').map(textOf)).toEqual(['受理', '不予受理']);
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);
  });
});
