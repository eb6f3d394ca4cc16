const simulate = require('miniprogram-simulate');
const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const {
  motion,
  announcedMotion,
  closedMotion,
  ballot,
  motionAttachment,
  isoIn,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
} = require('./vote-factories');

const MOTION = '/api/v1/motions/12';
const BALLOTS = `${MOTION}/ballots`;
const CANCEL = `${MOTION}/cancel`;
const CLOSE = `${MOTION}/close`;

const openMotion = () => openPage('motion', 'onLoad', { id: '12' });
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;
const domText = (node) => node.textContent.replace(/\s+/g, ' ').trim();
// Plain views, found by class: simulate prefixes each class with the page's scope ("main--").
const allByClass = (page, name) =>
  Array.from(page.dom.querySelectorAll('wx-view')).filter((node) =>
    Array.from(node.classList).some((c) => c === name || c.endsWith(`--${name}`)));

// The dialog's popup renders its buttons a couple of animation frames after it is shown.
const DIALOG_OPEN_MS = 100;

/** The confirmation dialog's [cancel, confirm] buttons, once it has opened. */
async function dialogButtons(page) {
  await simulate.sleep(DIALOG_OPEN_MS);
  return page.querySelector('#vote-dialog').querySelectorAll('.van-dialog__button');
}

/** Opens the motion, taps a choice and answers the confirmation with "cancel" or "confirm". */
async function voteFor(choice, answer = 'confirm') {
  const page = await openMotion();
  await fire(page.querySelector(`#vote-${choice}-button`), 'click');
  const [cancel, confirm] = await dialogButtons(page);
  await fire(answer === 'confirm' ? confirm : cancel, 'click');
  return page;
}

beforeAll(() => preload('motion'));

beforeEach(() => {
  signIn();
  route({ [`GET ${MOTION}`]: ok(motion()) });
});

describe('the motion', () => {
  test('shows what is decided, by whom, its threshold and its times in Shanghai', async () => {
    route({
      [`GET ${MOTION}`]: ok(closedMotion({
        announced_at: '2026-11-10T01:00:00Z',
        opens_at: '2026-11-20T00:00:00Z',
        closes_at: '2026-11-27T10:00:00Z',
        closed_at: '2026-11-27T10:05:00Z',
      })),
    });
    const page = await openMotion();

    const text = textOf(page);
    [
      '已结束',
      '关于使用维修资金更换3号楼电梯的表决',
      '筹集建筑物及其附属设施的维修资金通过条件：参与表决专有部分面积和人数均四分之三以上同意',
      '组织者业主委员会',
      '公示时间2026-11-10 09:00',
      '投票开始2026-11-20 08:00',
      '投票截止2026-11-27 18:00',
      '计票时间2026-11-27 18:05',
      '表决结果：未通过',
    ].forEach((shown) => expect(text).toContain(shown));
  });

  test('keeps the body as typed, line breaks included', async () => {
    const page = await openMotion();

    expect(page.dom.querySelector('wx-text[class$="body__text"]').textContent).toBe(
      '3号楼电梯已使用18年，拟使用维修资金更换。\n预算：¥480,000.00',
    );
  });

  test.each([
    ['open', '距投票结束 2 小时 5 分', () => motion()],
    ['announced', '距投票开始 3 天 4 小时', () => announcedMotion()],
    ['closed', '投票已结束', () => closedMotion()],
  ])('the countdown of a motion %s reads %p', async (status, shown, make) => {
    route({ [`GET ${MOTION}`]: ok(make()) });
    const page = await openMotion();

    expect(textOf(page.querySelector('#countdown'))).toBe(shown);
  });

  test('the countdown moves on while the page stays open', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      route({ [`GET ${MOTION}`]: ok(motion({ closes_at: isoIn(2 * HOUR_MS + 5 * MINUTE_MS + 30 * 1000) })) });
      const page = await openMotion();
      expect(textOf(page.querySelector('#countdown'))).toBe('距投票结束 2 小时 5 分');

      jest.advanceTimersByTime(2 * HOUR_MS);
      await settle();

      expect(textOf(page.querySelector('#countdown'))).toBe('距投票结束 5 分');
      page.instance.onUnload();
    } finally {
      jest.useRealTimers();
    }
  });

  test('a cancelled motion says why and offers no vote', async () => {
    route({
      [`GET ${MOTION}`]: ok(announcedMotion({ status: 'cancelled', status_label: '已取消', cancel_reason: '方案需重新论证' })),
    });
    const page = await openMotion();

    expect(textOf(page.querySelector('#cancelled-banner'))).toBe('该表决已取消：方案需重新论证');
    expect(page.querySelector('#countdown')).toBeUndefined();
    expect(page.querySelector('#vote-yes-button')).toBeUndefined();
  });

  test('lists attachments with a readable size; tapping one opens it with the token', async () => {
    const pdf = motionAttachment(3);
    const photo = motionAttachment(4, { filename: '电梯现状.jpg', content_type: 'image/jpeg', size: 2048 });
    route({
      [`GET ${MOTION}`]: ok(motion({ attachments: [pdf, photo] })),
      [`GET ${pdf.url}`]: ok('%PDF'),
      [`GET ${photo.url}`]: ok('JPEG'),
    });
    const page = await openMotion();

    expect(page.querySelectorAll('.attachment').map(textOf)).toEqual(['维修方案.pdf1.2 MB', '电梯现状.jpg2 KB']);
    const [pdfCell, photoCell] = page.querySelectorAll('.attachment');
    await fire(pdfCell, 'click');
    await fire(photoCell, 'click');

    expect(calls('GET', pdf.url)[0].header.Authorization).toBe('Bearer access-1');
    const [[opened]] = wx.openDocument.mock.calls;
    expect(opened).toMatchObject({ fileType: 'pdf', showMenu: true });
    expect(wx.getFileSystemManager().readFileSync(opened.filePath)).toBe('%PDF');
    const [[previewed]] = wx.previewImage.mock.calls;
    expect(wx.getFileSystemManager().readFileSync(previewed.urls[0])).toBe('JPEG');
    expect(wx.hideLoading).toHaveBeenCalledTimes(2);
  });

  test('an attachment that cannot be fetched shows the server message', async () => {
    const pdf = motionAttachment(3);
    route({ [`GET ${MOTION}`]: ok(motion({ attachments: [pdf] })), [`GET ${pdf.url}`]: fail(404, 'not_found', '附件不存在') });
    const page = await openMotion();

    await fire(page.querySelector('.attachment'), 'click');

    expect(toastMessage(page)).toBe('附件不存在');
    expect(wx.openDocument).not.toHaveBeenCalled();
  });

  test('while open, the turnout of owners and of area, with bars', async () => {
    const page = await openMotion();

    expect(allByClass(page, 'turnout').map(domText)).toEqual([
      '已投票人数86 / 120 人 · 71.7%',
      '已投票面积8,000.00 ㎡ / 12,345.67 ㎡ · 64.8%',
    ]);
    expect(allByClass(page, 'bar__fill').map((bar) => bar.getAttribute('style'))).toEqual([
      'width: 71.7%',
      'width: 64.8%',
    ]);
  });

  test('before voting opens there is no turnout', async () => {
    route({ [`GET ${MOTION}`]: ok(announcedMotion()) });
    const page = await openMotion();

    expect(allByClass(page, 'turnout')).toHaveLength(0);
    expect(textOf(page)).not.toContain('投票进度');
  });

  test('a motion out of reach shows the server message', async () => {
    route({ [`GET ${MOTION}`]: fail(404, 'not_found', '表决不存在或无权查看') });
    const page = await openMotion();

    expect(toastMessage(page)).toBe('表决不存在或无权查看');
  });
});

describe('voting', () => {
  test('offers 赞成, 反对 and 弃权 and says a ballot is final', async () => {
    const page = await openMotion();

    expect(page.querySelectorAll('.choice-button').map(textOf)).toEqual(['赞成', '反对', '弃权']);
    expect(textOf(page)).toContain('投票后不可更改');
  });

  test('a choice asks for confirmation first, naming it, and sends nothing yet', async () => {
    const page = await openMotion();

    await fire(page.querySelector('#vote-no-button'), 'click');

    const dialog = page.querySelector('#vote-dialog');
    expect(dialog.data.show).toBe(true);
    expect(dialog.data.message).toBe('您选择「反对」。投票后不可更改，确认提交吗？');
    expect(calls('POST', BALLOTS)).toHaveLength(0);
  });

  test('cancelling the confirmation sends nothing and keeps the choices', async () => {
    const page = await voteFor('yes', 'cancel');

    expect(calls('POST', BALLOTS)).toHaveLength(0);
    expect(page.querySelector('#vote-dialog').data.show).toBe(false);
    expect(page.querySelectorAll('.choice-button')).toHaveLength(3);
  });

  test('confirming sends the choice, then shows the motion with my ballot and no choices', async () => {
    route({
      [`GET ${MOTION}`]: [
        ok(motion()),
        ok(motion({ can_vote: false, my_ballot: ballot({ choice: 'no', choice_label: '反对' }), vote_block_reason: '您已投票' })),
      ],
      [`POST ${BALLOTS}`]: ok(ballot({ choice: 'no', choice_label: '反对' }), 201),
    });
    const page = await voteFor('no');

    expect(calls('POST', BALLOTS).map((r) => r.data)).toEqual([{ choice: 'no' }]);
    expect(calls('GET', MOTION)).toHaveLength(2);
    expect(textOf(page.querySelector('#my-ballot'))).toBe('您已投票：反对（2026-11-23 10:30）');
    expect(page.querySelectorAll('.choice-button')).toHaveLength(0);
    expect(page.querySelector('#block-reason')).toBeUndefined();
    expect(toastMessage(page)).toBe('投票成功');
  });

  test('already voted elsewhere: the server message, then the ballot as recorded', async () => {
    route({
      [`GET ${MOTION}`]: [ok(motion()), ok(motion({ can_vote: false, my_ballot: ballot({ channel: 'wecom_card', channel_label: '企业微信投票卡片' }) }))],
      [`POST ${BALLOTS}`]: fail(409, 'already_voted', '您已投票，投票不可更改'),
    });
    const page = await voteFor('abstain');

    expect(calls('POST', BALLOTS).map((r) => r.data)).toEqual([{ choice: 'abstain' }]);
    expect(toastMessage(page)).toBe('您已投票，投票不可更改');
    expect(calls('GET', MOTION)).toHaveLength(2);
    expect(textOf(page.querySelector('#my-ballot'))).toBe('您已投票：赞成（2026-11-23 10:30）');
  });

  test('voting that closed meanwhile: the server message, then the motion as it is', async () => {
    route({
      [`GET ${MOTION}`]: [ok(motion()), ok(closedMotion())],
      [`POST ${BALLOTS}`]: fail(409, 'motion_not_open', '投票已结束'),
    });
    const page = await voteFor('yes');

    expect(toastMessage(page)).toBe('投票已结束');
    expect(textOf(page)).toContain('表决结果：未通过');
    expect(page.querySelectorAll('.choice-button')).toHaveLength(0);
  });

  test('a network failure keeps the choices to try again', async () => {
    route({ [`POST ${BALLOTS}`]: { network: true } });
    const page = await voteFor('yes');

    expect(toastMessage(page)).toBe('网络异常，请稍后重试');
    expect(calls('GET', MOTION)).toHaveLength(1);
    expect(page.querySelector('#vote-yes-button').data.disabled).toBe(false);
  });

  test('while a ballot is on its way the choices are disabled', async () => {
    let answer;
    route({ [`POST ${BALLOTS}`]: () => new Promise((resolve) => (answer = resolve)) });
    const page = await voteFor('yes');

    expect(page.querySelector('#vote-no-button').data.disabled).toBe(true);
    expect(page.querySelector('#vote-yes-button').data.loading).toBe(true);
    await fire(page.querySelector('#vote-no-button'), 'click');
    expect(page.querySelector('#vote-dialog').data.show).toBe(false);
    answer(ok(ballot(), 201));
    await settle();

    expect(calls('POST', BALLOTS)).toHaveLength(1);
  });

  test('someone who may not vote is told why', async () => {
    route({ [`GET ${MOTION}`]: ok(motion({ can_vote: false, vote_block_reason: '您不在本次表决的业主名册中' })) });
    const page = await openMotion();

    expect(textOf(page.querySelector('#block-reason'))).toBe('您不在本次表决的业主名册中');
    expect(page.querySelectorAll('.choice-button')).toHaveLength(0);
  });
});

describe('after the vote', () => {
  test('a closed motion links to its result', async () => {
    route({ [`GET ${MOTION}`]: ok(closedMotion()) });
    const page = await openMotion();

    await fire(page.querySelector('#result-button'), 'click');

    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/motion-result/index?id=12' });
  });

  test('an open motion has no result link yet', async () => {
    const page = await openMotion();

    expect(page.querySelector('#result-button')).toBeUndefined();
  });
});

describe('the organiser', () => {
  const pastClose = { can_manage: true, can_organise: true, can_vote: false, opens_at: isoIn(-2 * DAY_MS), closes_at: isoIn(-MINUTE_MS) };

  test('立即计票 once closes_at has passed: counts and shows the result', async () => {
    route({
      [`GET ${MOTION}`]: ok(motion(pastClose)),
      [`POST ${CLOSE}`]: ok(closedMotion({ can_manage: true, can_organise: true })),
    });
    const page = await openMotion();

    await fire(page.querySelector('#close-button'), 'click');

    expect(calls('POST', CLOSE)).toHaveLength(1);
    expect(textOf(page)).toContain('表决结果：未通过');
    expect(page.querySelector('#close-button')).toBeUndefined();
    expect(page.querySelector('#result-button')).toBeDefined();
    expect(toastMessage(page)).toBe('已完成计票');
  });

  test('no 立即计票 before closes_at, nor for anyone else', async () => {
    route({ [`GET ${MOTION}`]: ok(motion({ can_manage: true, can_organise: true })) });
    const before = await openMotion();
    route({ [`GET ${MOTION}`]: ok(motion({ ...pastClose, can_manage: false })) });
    const notMine = await openMotion();

    expect(before.querySelector('#close-button')).toBeUndefined();
    expect(notMine.querySelector('#close-button')).toBeUndefined();
  });

  test('a refused count shows the server message and the motion as it is', async () => {
    route({
      [`GET ${MOTION}`]: [ok(motion(pastClose)), ok(closedMotion({ can_manage: true, can_organise: true }))],
      [`POST ${CLOSE}`]: fail(409, 'invalid_transition', '表决已计票'),
    });
    const page = await openMotion();

    await fire(page.querySelector('#close-button'), 'click');

    expect(toastMessage(page)).toBe('表决已计票');
    expect(calls('GET', MOTION)).toHaveLength(2);
    expect(page.querySelector('#close-button')).toBeUndefined();
  });

  test('cancelling an announced motion needs a reason', async () => {
    route({ [`GET ${MOTION}`]: ok(announcedMotion({ can_manage: true, can_organise: true })) });
    const page = await openMotion();
    await fire(page.querySelector('#cancel-button'), 'click');
    await fire(page.querySelector('#cancel-dialog >>> #reason'), 'change', '  ');

    await fire(page.querySelector('#cancel-dialog >>> #confirm-button'), 'click');

    expect(fieldError(page, '#cancel-dialog >>> #reason')).toBe('请填写取消原因');
    expect(calls('POST', CANCEL)).toHaveLength(0);
  });

  test('cancelling sends the reason and shows the motion as cancelled', async () => {
    route({
      [`GET ${MOTION}`]: ok(announcedMotion({ can_manage: true, can_organise: true })),
      [`POST ${CANCEL}`]: ok(announcedMotion({
        status: 'cancelled',
        status_label: '已取消',
        cancel_reason: '方案需重新论证',
        can_manage: true, can_organise: true,
      })),
    });
    const page = await openMotion();
    await fire(page.querySelector('#cancel-button'), 'click');
    await fire(page.querySelector('#cancel-dialog >>> #reason'), 'change', ' 方案需重新论证 ');

    await fire(page.querySelector('#cancel-dialog >>> #confirm-button'), 'click');

    expect(calls('POST', CANCEL).map((r) => r.data)).toEqual([{ reason: '方案需重新论证' }]);
    expect(textOf(page.querySelector('#cancelled-banner'))).toBe('该表决已取消：方案需重新论证');
    expect(page.querySelector('#cancel-button')).toBeUndefined();
    expect(page.querySelector('#cancel-dialog >>> #reason')).toBeUndefined();
    expect(toastMessage(page)).toBe('表决已取消');
  });

  test('going back from the cancel form sends nothing', async () => {
    route({ [`GET ${MOTION}`]: ok(announcedMotion({ can_manage: true, can_organise: true })) });
    const page = await openMotion();
    await fire(page.querySelector('#cancel-button'), 'click');

    await fire(page.querySelector('#cancel-dialog >>> #cancel-button'), 'click');

    expect(page.querySelector('#cancel-dialog >>> #reason')).toBeUndefined();
    expect(page.querySelector('#cancel-button')).toBeDefined();
    expect(calls('POST', CANCEL)).toHaveLength(0);
  });

  test('voting that opened meanwhile: the server message, then the motion as it is', async () => {
    route({
      [`GET ${MOTION}`]: [ok(announcedMotion({ can_manage: true, can_organise: true })), ok(motion({ can_manage: true, can_organise: true }))],
      [`POST ${CANCEL}`]: fail(409, 'invalid_transition', '投票已开始，不能取消'),
    });
    const page = await openMotion();
    await fire(page.querySelector('#cancel-button'), 'click');
    await fire(page.querySelector('#cancel-dialog >>> #reason'), 'change', '方案需重新论证');

    await fire(page.querySelector('#cancel-dialog >>> #confirm-button'), 'click');

    expect(toastMessage(page)).toBe('投票已开始，不能取消');
    expect(textOf(page)).toContain('投票中');
    expect(page.querySelector('#cancel-button')).toBeUndefined();
  });

  test('while open, the organiser reaches the roll; back, the motion is fetched again', async () => {
    route({ [`GET ${MOTION}`]: ok(motion({ can_manage: true, can_organise: true, can_vote: false })) });
    const page = await openMotion();

    await fire(page.querySelector('#electors-button'), 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/motion-electors/index?id=12' });
    page.instance.onShow();
    await settle();
    page.instance.onShow();
    await settle();

    expect(textOf(page.querySelector('#electors-button'))).toBe('表决名册 / 录入纸质票');
    expect(calls('GET', MOTION)).toHaveLength(2);
  });

  test.each([
    ['an owner', () => motion({ can_manage: false, can_organise: false })],
    ['an announced motion', () => announcedMotion({ can_manage: true, can_organise: true })],
    ['a closed motion', () => closedMotion({ can_manage: true, can_organise: true })],
  ])('no roll button for %s', async (_, make) => {
    route({ [`GET ${MOTION}`]: ok(make()) });
    const page = await openMotion();

    expect(page.querySelector('#electors-button')).toBeUndefined();
  });

  test('only the organiser of an announced motion may cancel it', async () => {
    route({ [`GET ${MOTION}`]: ok(announcedMotion({ can_manage: false })) });
    const owner = await openMotion();
    route({ [`GET ${MOTION}`]: ok(motion({ can_manage: true, can_organise: true })) });
    const open = await openMotion();

    expect(owner.querySelector('#cancel-button')).toBeUndefined();
    expect(open.querySelector('#cancel-button')).toBeUndefined();
  });
});

describe('the scope (表决范围)', () => {
  const BUILDINGS = '/api/v1/directory/estates/7/buildings';

  test('a motion of the whole estate is put to all owners', async () => {
    route({ 'GET /api/v1/motions/12': ok(motion({ building_ids: null })) });
    const page = await openPage('motion', 'onLoad', { id: '12' });

    expect(textOf(page.querySelector('#scope-cell'))).toBe('表决范围全体业主');
  });

  test('a use of the fund put to some buildings names them', async () => {
    route({
      'GET /api/v1/motions/12': ok(motion({ matter: 'use_maintenance_fund', building_ids: [3, 5] })),
      [`GET ${BUILDINGS}`]: ok({ items: [{ id: 3, name: '1号楼' }, { id: 4, name: '2号楼' }, { id: 5, name: '3号楼' }] }),
    });
    const page = await openPage('motion', 'onLoad', { id: '12' });

    expect(textOf(page.querySelector('#scope-cell'))).toBe('表决范围1号楼、3号楼业主');
  });

  test('names the server sends are used as they are', async () => {
    route({ 'GET /api/v1/motions/12': ok(motion({ building_ids: [3], building_names: ['1号楼'] })) });
    const page = await openPage('motion', 'onLoad', { id: '12' });

    expect(textOf(page.querySelector('#scope-cell'))).toBe('表决范围1号楼业主');
    expect(calls('GET', BUILDINGS)).toHaveLength(0);
  });

  test('without the directory it still says only some buildings vote', async () => {
    route({
      'GET /api/v1/motions/12': ok(motion({ building_ids: [3] })),
      [`GET ${BUILDINGS}`]: fail(404, 'not_found', '小区不存在'),
    });
    const page = await openPage('motion', 'onLoad', { id: '12' });

    expect(textOf(page.querySelector('#scope-cell'))).toBe('表决范围部分楼栋业主');
  });
});
