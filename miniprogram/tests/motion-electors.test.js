const simulate = require('miniprogram-simulate');
const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, NETWORK_DOWN, route, calls, signIn } = require('./wx');
const { motion, closedMotion, elector, ballot, pageOf, isoIn, DAY_MS, MINUTE_MS } = require('./vote-factories');

const MOTION = '/api/v1/motions/12';
const ELECTORS = `${MOTION}/electors`;
const PAPER = `${MOTION}/paper-ballots`;

const openRoll = () => openPage('motion-electors', 'onLoad', { id: '12' });
const rows = (page) => page.querySelectorAll('.elector');
const listed = (page) => rows(page).map(textOf);
const recordButtons = (page) => page.querySelectorAll('.record-button');
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;
const byClass = (page, name) =>
  Array.from(page.dom.querySelectorAll('wx-view')).find((node) =>
    Array.from(node.classList).some((c) => c === name || c.endsWith(`--${name}`)));

const paperBallot = (overrides = {}) => ballot({ channel: 'paper', channel_label: '纸质表决票', ...overrides });

const ROLL = [
  elector(),
  elector({ id: 502, kind: 'developer', label: '开发建设单位（未售房屋）', area_dm2: 1200000, unit_count: 96 }),
  elector({ id: 503, kind: 'unverified', label: '3号楼1201', area_dm2: 8912, unit_count: 1, voted: true }),
];

// 23 electors, 20 a page.
const range = (from, to) =>
  Array.from({ length: to - from + 1 }, (_, i) => elector({ id: from + i, label: `业主${from + i}` }));
const twoPages = (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 23) : pageOf(range(21, 23), 2, 23));

// The dialog's popup renders its buttons a couple of animation frames after it is shown.
async function dialogButtons(page) {
  await simulate.sleep(100);
  return page.querySelector('#record-dialog').querySelectorAll('.van-dialog__button');
}

/** Taps 录入纸质票 on a row, picks a choice and a note, and submits the form. */
async function fillRecord(page, { row = 0, choice = 'no', note = '' } = {}) {
  await fire(recordButtons(page)[row], 'click');
  if (choice) await fire(page.querySelector(`#choice-${choice}-button`), 'click');
  if (note) await fire(page.querySelector('#note'), 'change', note);
  await fire(page.querySelector('#record-submit-button'), 'click');
}

/** Fills the form and answers the confirmation. */
async function record(page, options = {}, answer = 'confirm') {
  await fillRecord(page, options);
  const [cancel, confirm] = await dialogButtons(page);
  await fire(answer === 'confirm' ? confirm : cancel, 'click');
}

async function search(page, q) {
  await fire(page.querySelector('#search'), 'change', q);
  await fire(page.querySelector('#search'), 'search', q);
}

beforeAll(() => preload('motion-electors'));

beforeEach(() => {
  signIn();
  route({
    [`GET ${MOTION}`]: ok(motion({ can_manage: true, can_organise: true, can_vote: false })),
    [`GET ${ELECTORS}`]: ok(pageOf(ROLL)),
  });
});

describe('the roll', () => {
  test('lists each elector with its kind, units, area and whether it has voted', async () => {
    const page = await openRoll();

    expect(calls('GET', ELECTORS)[0].query).toEqual({ page: '1', page_size: '20' });
    expect(listed(page)).toEqual([
      '认证业主张*2 套 · 245.67 ㎡录入纸质票',
      '开发建设单位开发建设单位（未售房屋）96 套 · 12,000.00 ㎡录入纸质票',
      '未认证房屋3号楼12011 套 · 89.12 ㎡已投票',
    ]);
    expect(recordButtons(page)).toHaveLength(2);
    expect(textOf(page.querySelector('#summary'))).toBe('名册共 3 位业主');
  });

  test('names the motion the ballots are for', async () => {
    const page = await openRoll();

    expect(textOf(page)).toContain('投票中关于使用维修资金更换3号楼电梯的表决');
    expect(byClass(page, 'header__hint').textContent).toContain('纸质票录入后与线上投票同等计票');
  });

  test('reaching the bottom loads the next page and stops at the total', async () => {
    route({ [`GET ${ELECTORS}`]: twoPages });
    const page = await openRoll();

    for (let i = 0; i < 3; i += 1) {
      page.instance.onReachBottom();
      await settle();
    }

    expect(calls('GET', ELECTORS).map((r) => r.query.page)).toEqual(['1', '2']);
    expect(rows(page)).toHaveLength(23);
    expect(textOf(page)).toContain('没有更多了');
  });

  test.each([
    ['a closed motion', closedMotion({ can_manage: true, can_organise: true })],
    [
      'an open motion past its closing, not yet counted',
      motion({ can_manage: true, can_organise: true, opens_at: isoIn(-DAY_MS), closes_at: isoIn(-MINUTE_MS) }),
    ],
    ['someone who may only look', motion({ can_manage: false, can_organise: false })],
  ])('%s offers no paper ballot', async (_, shown) => {
    route({ [`GET ${MOTION}`]: ok(shown) });
    const page = await openRoll();

    expect(rows(page)).toHaveLength(3);
    expect(recordButtons(page)).toHaveLength(0);
    expect(page.querySelector('#closed-hint')).toBeDefined();
  });

  test('a roll out of reach shows the server message', async () => {
    route({ [`GET ${ELECTORS}`]: fail(403, 'forbidden', '只有业主委员会、社区和主管部门可以查看表决名册') });
    const page = await openRoll();

    expect(toastMessage(page)).toBe('只有业主委员会、社区和主管部门可以查看表决名册');
  });
});

describe('search', () => {
  test('by name or unit asks the server from page 1 and shows only what it found', async () => {
    route({
      [`GET ${ELECTORS}`]: (req) => ok(req.query.q ? pageOf([ROLL[2]]) : pageOf(ROLL)),
    });
    const page = await openRoll();

    await search(page, ' 3号楼1201 ');

    expect(calls('GET', ELECTORS)[1].query).toEqual({ q: '3号楼1201', page: '1', page_size: '20' });
    expect(listed(page)).toEqual(['未认证房屋3号楼12011 套 · 89.12 ㎡已投票']);
    expect(textOf(page.querySelector('#summary'))).toBe('找到 1 位业主');
  });

  test('the 搜索 action searches for what was typed', async () => {
    const page = await openRoll();
    await fire(page.querySelector('#search'), 'change', '张');

    await fire(page.querySelector('#search-action'), 'tap');

    expect(calls('GET', ELECTORS).map((r) => r.query.q)).toEqual([undefined, '张']);
  });

  test('the next page keeps the search', async () => {
    route({ [`GET ${ELECTORS}`]: twoPages });
    const page = await openRoll();
    await search(page, '业主');

    page.instance.onReachBottom();
    await settle();

    expect(calls('GET', ELECTORS).slice(1).map((r) => r.query)).toEqual([
      { q: '业主', page: '1', page_size: '20' },
      { q: '业主', page: '2', page_size: '20' },
    ]);
  });

  test('nothing found says so; clearing lists everyone again', async () => {
    route({ [`GET ${ELECTORS}`]: (req) => ok(req.query.q ? pageOf([]) : pageOf(ROLL)) });
    const page = await openRoll();

    await search(page, '欧阳');
    expect(rows(page)).toHaveLength(0);
    expect(textOf(page)).toContain('没有找到，换个姓氏或房号试试');

    await fire(page.querySelector('#search'), 'clear');
    expect(calls('GET', ELECTORS).slice(-1)[0].query).toEqual({ page: '1', page_size: '20' });
    expect(rows(page)).toHaveLength(3);
  });

  test('while a search is asked, the former list is gone rather than passed off as its answer', async () => {
    route({ [`GET ${ELECTORS}`]: (req) => (req.query.q ? new Promise(() => {}) : ok(pageOf(ROLL))) });
    const page = await openRoll();

    await search(page, '张');

    expect(rows(page)).toHaveLength(0);
    expect(page.querySelector('#summary')).toBeUndefined();
    expect(textOf(page)).toContain('加载中');
  });

  test('an answer to an earlier search arriving late is dropped', async () => {
    const answers = {};
    route({
      [`GET ${ELECTORS}`]: (req) =>
        (req.query.q ? new Promise((resolve) => (answers[req.query.q] = resolve)) : ok(pageOf(ROLL))),
    });
    const page = await openRoll();

    await search(page, '张');
    await search(page, '李');
    answers['李'](ok(pageOf([elector({ id: 510, label: '李*' })])));
    await settle();
    answers['张'](ok(pageOf([elector()])));
    await settle();

    expect(listed(page)).toEqual(['认证业主李*2 套 · 245.67 ㎡录入纸质票']);
  });
});

describe('a paper ballot', () => {
  test('names the elector and needs a choice before anything is asked or sent', async () => {
    const page = await openRoll();

    await fillRecord(page, { choice: '' });

    expect(textOf(page.querySelector('#record-elector'))).toBe('张*（认证业主，2 套 · 245.67 ㎡）');
    expect(textOf(page.querySelector('.choice-error'))).toBe('请选择表决意见');
    expect(page.querySelector('#record-dialog').data.show).toBe(false);
    expect(calls('POST', PAPER)).toHaveLength(0);
  });

  test('a note over 200 characters is refused', async () => {
    const page = await openRoll();

    await fillRecord(page, { note: '注'.repeat(201) });

    expect(fieldError(page, '#note')).toBe('备注不能超过200个字');
    expect(calls('POST', PAPER)).toHaveLength(0);
  });

  test('asks for confirmation naming whose ballot and which choice', async () => {
    const page = await openRoll();

    await fillRecord(page, { row: 1, choice: 'abstain' });

    const dialog = page.querySelector('#record-dialog');
    expect(dialog.data.show).toBe(true);
    expect(dialog.data.message).toBe('为「开发建设单位（未售房屋）」录入「弃权」。录入后不可更改，确认提交吗？');
    expect(calls('POST', PAPER)).toHaveLength(0);
  });

  test('cancelling the confirmation sends nothing and keeps the form', async () => {
    const page = await openRoll();

    await record(page, {}, 'cancel');

    expect(calls('POST', PAPER)).toHaveLength(0);
    expect(page.querySelector('#record-submit-button')).toBeDefined();
    expect(page.instance.data.choice).toBe('no');
  });

  test('取消 closes the form and sends nothing', async () => {
    const page = await openRoll();
    await fire(recordButtons(page)[0], 'click');

    await fire(page.querySelector('#record-cancel-button'), 'click');

    expect(page.instance.data.recording).toBe(null);
    expect(calls('POST', PAPER)).toHaveLength(0);
  });

  test('confirming sends elector, choice and note, then marks the row voted in place', async () => {
    route({ [`POST ${PAPER}`]: ok(paperBallot({ choice: 'no', choice_label: '反对' }), 201) });
    const page = await openRoll();

    await record(page, { choice: 'no', note: ' 纸质票第12号，王*代收 ' });

    expect(calls('POST', PAPER).map((r) => r.data)).toEqual([{ elector_id: 501, choice: 'no', note: '纸质票第12号，王*代收' }]);
    expect(listed(page)[0]).toBe('认证业主张*2 套 · 245.67 ㎡已投票');
    expect(recordButtons(page)).toHaveLength(1);
    expect(page.instance.data.recording).toBe(null);
    expect(toastMessage(page)).toBe('已录入纸质票');
    expect(calls('GET', ELECTORS)).toHaveLength(1);
  });

  test('without a note, the note is sent empty', async () => {
    route({ [`POST ${PAPER}`]: ok(paperBallot(), 201) });
    const page = await openRoll();

    await record(page, { row: 1, choice: 'yes' });

    expect(calls('POST', PAPER).map((r) => r.data)).toEqual([{ elector_id: 502, choice: 'yes', note: '' }]);
  });

  test('already voted meanwhile: the server message, then the roll as it now is', async () => {
    route({
      [`GET ${ELECTORS}`]: [ok(pageOf(ROLL)), ok(pageOf([{ ...ROLL[0], voted: true }, ROLL[1], ROLL[2]]))],
      [`POST ${PAPER}`]: fail(409, 'already_voted', '已投票，表决票一经提交不可更改'),
    });
    const page = await openRoll();

    await record(page);

    expect(toastMessage(page)).toBe('已投票，表决票一经提交不可更改');
    expect(calls('GET', ELECTORS).map((r) => r.query.page)).toEqual(['1', '1']);
    expect(listed(page)[0]).toContain('已投票');
    expect(page.instance.data.recording).toBe(null);
  });

  test('voting ended meanwhile: the server message, and no more entry', async () => {
    route({
      [`GET ${MOTION}`]: [ok(motion({ can_manage: true, can_organise: true })), ok(closedMotion({ can_manage: true, can_organise: true }))],
      [`POST ${PAPER}`]: fail(409, 'motion_not_open', '投票已结束，不能再投票'),
    });
    const page = await openRoll();

    await record(page);

    expect(toastMessage(page)).toBe('投票已结束，不能再投票');
    expect(recordButtons(page)).toHaveLength(0);
    expect(calls('GET', MOTION)).toHaveLength(2);
  });

  test('someone who may look but not record is told so, and loses the entry buttons', async () => {
    route({ [`POST ${PAPER}`]: fail(403, 'forbidden', '只有业主委员会（未成立业委会的由社区）可以发起和管理表决') });
    const page = await openRoll();

    await record(page);

    expect(toastMessage(page)).toBe('只有业主委员会（未成立业委会的由社区）可以发起和管理表决');
    expect(recordButtons(page)).toHaveLength(0);
  });

  test('the server’s field errors show in the form, which stays open', async () => {
    route({ [`POST ${PAPER}`]: fail(422, 'validation_failed', '提交的内容有误，请按提示修改', { note: ['不能包含控制字符'] }) });
    const page = await openRoll();

    await record(page, { note: '第12号' });

    expect(fieldError(page, '#note')).toBe('不能包含控制字符');
    expect(toastMessage(page)).toBe('提交的内容有误，请按提示修改');
    expect(page.instance.data.recording.id).toBe(501);
  });

  test('a lost answer keeps the form to send again', async () => {
    route({ [`POST ${PAPER}`]: NETWORK_DOWN });
    const page = await openRoll();

    await record(page);

    expect(toastMessage(page)).toBe('网络异常，请稍后重试');
    expect(page.instance.data.recording.id).toBe(501);
    expect(page.querySelector('#record-submit-button').data.disabled).toBe(false);
  });
});
