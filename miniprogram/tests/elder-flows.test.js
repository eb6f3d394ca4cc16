// 长辈模式's fewest-step flows: the one-screen ballot and the ticket with only a photo and a category.
const simulate = require('miniprogram-simulate');
const { fire, settle, textOf, openPage, preload } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');
const { MODE_KEY } = require('../utils/elder');
const { motion, ballot } = require('./vote-factories');
const { ticketDetail, ticketPhoto } = require('./ticket-factories');

const MOTION = '/api/v1/motions/12';
const BALLOTS = `${MOTION}/ballots`;
const TICKETS = '/api/v1/estates/7/tickets';

beforeAll(() => ['motion', 'ticket-report'].forEach(preload));

beforeEach(() => {
  signIn();
  wx.setStorageSync(MODE_KEY, true);
});

describe('the one-screen ballot', () => {
  const openMotion = () => openPage('motion', 'onLoad', { id: '12' });

  /** Taps a choice, then answers the confirmation dialog with its cancel or confirm button. */
  async function vote(page, choice, answer) {
    await fire(page.querySelector(`#elder-${choice}-button`), 'click');
    await simulate.sleep(100); // the dialog's buttons render a few frames after it opens
    const [cancel, confirm] = page.querySelector('#vote-dialog').querySelectorAll('.van-dialog__button');
    await fire(answer === 'confirm' ? confirm : cancel, 'click');
  }

  beforeEach(() => route({ [`GET ${MOTION}`]: ok(motion()) }));

  test('shows the question, what passing needs and three large buttons, and nothing else', async () => {
    const page = await openMotion();

    const screen = page.querySelector('#elder-ballot');
    expect(textOf(screen)).toContain('关于使用维修资金更换3号楼电梯的表决');
    expect(textOf(screen)).toContain('3号楼电梯已使用18年，拟使用维修资金更换。');
    expect(textOf(page.querySelector('#ballot-passing'))).toBe(
      '筹集建筑物及其附属设施的维修资金，需参与表决专有部分面积和人数均四分之三以上同意。',
    );
    expect(textOf(screen)).toContain('投票后不可更改');
    const buttons = ['yes', 'no', 'abstain'].map((choice) => page.querySelector(`#elder-${choice}-button`));
    expect(buttons.map(textOf)).toEqual(['赞成', '反对', '弃权']);
    // Each button has an icon beside its word, and they are the large size.
    expect(buttons.map((button) => [button.data.icon, button.data.size])).toEqual([
      ['success', 'large'],
      ['cross', 'large'],
      ['minus', 'large'],
    ]);
    expect(page.querySelector('#matter-cell')).toBeUndefined();
  });

  test('casting asks for the final confirmation, then calls the API once', async () => {
    route({
      [`GET ${MOTION}`]: [ok(motion()), ok(motion({ can_vote: false, my_ballot: ballot({ choice: 'yes', choice_label: '赞成' }) }))],
      [`POST ${BALLOTS}`]: ok(ballot({ choice: 'yes', choice_label: '赞成' }), 201),
    });
    const page = await openMotion();

    await fire(page.querySelector('#elder-yes-button'), 'click');
    const dialog = page.querySelector('#vote-dialog');
    expect([dialog.data.title, dialog.data.message]).toEqual(['确认投票（不可更改）', '您选择「赞成」。投票后不可更改，确认提交吗？']);
    expect(calls('POST', BALLOTS)).toHaveLength(0);

    await simulate.sleep(100);
    await fire(dialog.querySelectorAll('.van-dialog__button')[1], 'click');

    expect(calls('POST', BALLOTS).map((r) => r.data)).toEqual([{ choice: 'yes' }]);
    expect(textOf(page.querySelector('#my-ballot'))).toContain('您已投票：赞成');
  });

  test('cancelling the confirmation sends nothing and keeps the ballot on screen', async () => {
    route({ [`POST ${BALLOTS}`]: ok(ballot(), 201) });
    const page = await openMotion();

    await vote(page, 'no', 'cancel');

    expect(calls('POST', BALLOTS)).toHaveLength(0);
    expect(page.querySelector('#elder-ballot')).not.toBeUndefined();
  });

  test('the full page is one tap away', async () => {
    const page = await openMotion();

    await fire(page.querySelector('#full-view-link'), 'tap');

    expect(page.querySelector('#elder-ballot')).toBeUndefined();
    expect(page.querySelector('#matter-cell')).not.toBeUndefined();
  });

  test('in the normal mode the motion page is as before', async () => {
    wx.setStorageSync(MODE_KEY, false);
    const page = await openMotion();

    expect(page.querySelector('#elder-ballot')).toBeUndefined();
    expect(page.querySelectorAll('.choice-button')).toHaveLength(3);
  });
});

describe('the minimal ticket report', () => {
  const openReport = () => openPage('ticket-report', 'onLoad', { estate_id: '7', name: '阳光小区' });

  async function addPhoto(page) {
    wx.chooseMedia = jest.fn(({ success }) =>
      Promise.resolve().then(() => success({ tempFiles: [{ tempFilePath: 'wxfile://photo_1.jpg', size: 2048 }], type: 'image' })),
    );
    page.querySelector('#uploader').querySelector('.van-uploader__upload').dispatchEvent('tap');
    await settle();
    await settle();
  }

  async function pickElevator(page) {
    await fire(page.querySelector('#category-cell'), 'click');
    await fire(page.querySelector('#category-picker'), 'confirm', { value: '', index: 4 });
  }

  beforeEach(() =>
    route({
      'GET /api/v1/directory/estates/7/buildings': ok({ items: [{ id: 3, name: '3号楼', unit_count: 120 }] }),
      'POST /api/v1/estates/7/ticket-photos': ok(ticketPhoto(101), 201),
      'GET /api/v1/estates/7/tickets/nearby': ok({ items: [] }),
      [`POST ${TICKETS}`]: ok(ticketDetail({ id: 40 }), 201),
    }),
  );

  test('puts the description and the place under 补充说明（可选）', async () => {
    const page = await openReport();

    expect(textOf(page.querySelector('#optional-title'))).toBe('补充说明（可选）');
    const titles = page.querySelectorAll('.section-title').map(textOf);
    expect(titles).toEqual(['现场照片（1–9张）', '补充说明（可选）']);
  });

  test('submits with a photo and a category only', async () => {
    const page = await openReport();

    await pickElevator(page);
    await addPhoto(page);
    expect(page.instance.data.missing).toBe('');
    await fire(page.querySelector('#submit-button'), 'click');

    const [sent] = calls('POST', TICKETS).map((r) => r.data);
    expect(sent).toMatchObject({ category: 'elevator', description: '电梯故障，详见照片', photo_ids: [101] });
    expect(sent).not.toHaveProperty('building_id');
    expect(sent).not.toHaveProperty('location_text');
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=40' });
  });

  test('a description typed all the same is sent as typed', async () => {
    const page = await openReport();

    await pickElevator(page);
    await fire(page.querySelector('#description'), 'change', '8楼按键没反应');
    await addPhoto(page);
    await fire(page.querySelector('#submit-button'), 'click');

    expect(calls('POST', TICKETS)[0].data.description).toBe('8楼按键没反应');
  });

  test('refuses without a photo, and says what is missing', async () => {
    const page = await openReport();

    await pickElevator(page);

    expect(page.instance.data.missing).toBe('还需上传至少1张照片');
    expect(page.instance.data.ready).toBe(false); // the submit button is disabled
    page.instance.onSubmit();
    await settle();
    expect(calls('POST', TICKETS)).toHaveLength(0);
    expect(textOf(page.querySelector('.photos-error'))).toBe('请至少上传1张照片');
  });
});
