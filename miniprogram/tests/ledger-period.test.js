const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { HASH, periodDetail, submittedDetail, statement, entry, question, pageOf } = require('./ledger-factories');

const PERIOD = '/api/v1/estates/7/ledger/periods/12';
const TRANSITIONS = `${PERIOD}/transitions`;
const QUESTIONS = `${PERIOD}/questions`;
const ENTRIES = `${PERIOD}/entries`;

const openPeriod = () => openPage('ledger-period', 'onLoad', { estate_id: '7', id: '12' });
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;
const domText = (node) => node.textContent.replace(/\s+/g, ' ').trim();
// Plain views, found by class: simulate prefixes each class with the page's scope ("main--").
const allByClass = (page, name) =>
  Array.from(page.dom.querySelectorAll('wx-view')).filter((node) =>
    Array.from(node.classList).some((c) => c === name || c.endsWith(`--${name}`)));

beforeEach(() => {
  signIn();
  wx.setClipboardData = jest.fn();
  route({
    [`GET ${PERIOD}`]: ok(periodDetail()),
    [`GET ${PERIOD}/statement`]: ok(statement()),
    [`GET ${ENTRIES}`]: ok(pageOf([entry()])),
    [`GET ${QUESTIONS}`]: ok(pageOf([])),
  });
});

describe('statement', () => {
  test('shows the balances, the estate and the previous closing balance', async () => {
    const page = await openPeriod();

    const text = textOf(page);
    ['2026年10月', '已公示', '阳光小区 · 公示于 2026-11-05'].forEach((shown) => expect(text).toContain(shown));
    expect(page.querySelectorAll('.balance').map(textOf)).toEqual([
      '期初余额¥50,000.00',
      '本期收入¥15,234.50',
      '本期支出¥9,800.00',
      '期末余额上期 2026年9月 期末结余 ¥50,000.00¥55,434.50',
    ]);
  });

  test('draws one bar per category, sized against the largest, with last period where known', async () => {
    const page = await openPeriod();

    const bars = allByClass(page, 'category__bar').map((bar) => bar.getAttribute('style'));
    expect(bars).toEqual([
      'width: 100%',
      'width: 25%',
      'width: 2%',
      'width: 0%',
      'width: 50%',
      'width: 32%',
      'width: 0%',
      'width: 0%',
    ]);
    expect(allByClass(page, 'category').map(domText)).toEqual([
      '停车收益¥12,000.00上期 ¥11,000.00',
      '广告收益¥3,000.00',
      '场地租金¥234.50上期 ¥0.00',
      '其他收入¥0.00',
      '公摊费用¥6,000.00上期 ¥5,500.00',
      '维修维保¥3,800.00',
      '管理费用¥0.00',
      '其他支出¥0.00',
    ]);
  });

  test('shows the start of the head hash and copies all of it', async () => {
    const page = await openPeriod();

    expect(textOf(page)).toContain('a3f1c9e07b5d2468…');
    expect(textOf(page)).not.toContain(HASH);
    await fire(page.querySelector('#copy-hash-button'), 'click');

    expect(wx.setClipboardData).toHaveBeenCalledWith({ data: HASH });
  });

  test('a period without a hash yet shows no hash section', async () => {
    route({ [`GET ${PERIOD}/statement`]: ok(statement({ head_hash: null })) });
    const page = await openPeriod();

    expect(page.querySelector('#copy-hash-button')).toBeUndefined();
    expect(textOf(page)).not.toContain('本期哈希');
  });

  test('a period out of reach shows the server message', async () => {
    route({ [`GET ${PERIOD}`]: fail(404, 'not_found', '未找到该对象，或您无权查看') });
    const page = await openPeriod();

    expect(toastMessage(page)).toBe('未找到该对象，或您无权查看');
  });

  test('pulling down reloads everything, then stops the spinner', async () => {
    const page = await openPeriod();

    await page.instance.onPullDownRefresh();

    [PERIOD, `${PERIOD}/statement`, ENTRIES, QUESTIONS].forEach((path) => expect(calls('GET', path)).toHaveLength(2));
    expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });
});

describe('entries', () => {
  test('lists entries with their amount and reversals; tapping one opens it', async () => {
    route({
      [`GET ${ENTRIES}`]: ok(pageOf([
        entry(),
        entry({
          id: 102,
          direction: 'expense',
          direction_label: '支出',
          category_label: '维修维保',
          amount_fen: 38000,
          counterparty: '恒安电梯',
          entry_date: '2026-10-12',
          reverses_entry_id: 95,
        }),
      ])),
    });
    const page = await openPeriod();

    expect(calls('GET', ENTRIES)[0].query).toEqual({ page: '1', page_size: '20' });
    expect(page.querySelectorAll('.entry').map(textOf)).toEqual([
      '停车收益第101笔 · 2026-10-08 · 顺达停车管理有限公司收入 ¥12,000.00',
      '维修维保冲销第95笔第102笔 · 2026-10-12 · 恒安电梯支出 -¥380.00',
    ]);
    await fire(page.querySelectorAll('.entry')[1], 'click');

    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-entry/index?estate_id=7&id=102' });
  });

  test('reaching the bottom loads the next page of entries', async () => {
    const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => entry({ id: from + i }));
    route({
      [`GET ${ENTRIES}`]: (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 21) : pageOf(range(21, 21), 2, 21)),
    });
    const page = await openPeriod();

    page.instance.onReachBottom();
    await settle();
    page.instance.onReachBottom();
    await settle();

    expect(calls('GET', ENTRIES).map((r) => r.query.page)).toEqual(['1', '2']);
    expect(page.querySelectorAll('.entry')).toHaveLength(21);
  });

  test('a period without entries says so', async () => {
    route({ [`GET ${ENTRIES}`]: ok(pageOf([])) });
    const page = await openPeriod();

    expect(textOf(page)).toContain('本期暂无收支');
  });
});

describe('questions', () => {
  test('lists questions with their answers, what they are about and what is overdue', async () => {
    route({
      [`GET ${QUESTIONS}`]: ok(pageOf([
        question({ answer: '新增了30个车位。', answered_by: '阳光小区业委会', answered_at: '2026-11-07T02:00:00Z' }),
        question({ id: 32, entry_id: 101, body: '这张收据是谁签的？' }),
        question({ id: 33, body: '为何不答复？', overdue: true }),
      ])),
    });
    const page = await openPeriod();

    expect(allByClass(page, 'question').map(domText)).toEqual([
      '张* · 2026-11-06 10:00停车收益比上月多了10万，是什么原因？阳光小区业委会 答复 · 2026-11-07 10:00新增了30个车位。',
      '张* · 2026-11-06 10:00关于第101笔这张收据是谁签的？待答复',
      '张* · 2026-11-06 10:00逾期未答复为何不答复？',
    ]);
  });

  test('more questions come a page at a time behind a button', async () => {
    const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => question({ id: from + i }));
    route({
      [`GET ${QUESTIONS}`]: (req) => ok(req.query.page === '1' ? pageOf(range(1, 20), 1, 22) : pageOf(range(21, 22), 2, 22)),
    });
    const page = await openPeriod();
    expect(allByClass(page, 'question')).toHaveLength(20);

    await fire(page.querySelector('#more-questions-button'), 'click');

    expect(calls('GET', QUESTIONS).map((r) => r.query)).toEqual([
      { page: '1', page_size: '20' },
      { page: '2', page_size: '20' },
    ]);
    expect(allByClass(page, 'question')).toHaveLength(22);
    expect(page.querySelector('#more-questions-button')).toBeUndefined();
  });

  test('the question form is for published periods only', async () => {
    route({ [`GET ${PERIOD}`]: ok(submittedDetail()) });
    const page = await openPeriod();

    expect(page.querySelector('#question')).toBeUndefined();
    expect(page.querySelector('#ask-button')).toBeUndefined();
  });

  test('asking without typing anything is refused locally', async () => {
    const page = await openPeriod();

    await fire(page.querySelector('#ask-button'), 'click');

    expect(fieldError(page, '#question')).toBe('请填写质询内容');
    expect(calls('POST', QUESTIONS)).toHaveLength(0);
  });

  test.each([
    ['  ', '请填写质询内容'],
    ['问'.repeat(501), '质询内容不能超过500个字'],
  ])('question %#, blank or over 500 characters, is refused locally', async (body, message) => {
    const page = await openPeriod();
    await fire(page.querySelector('#question'), 'change', body);

    await fire(page.querySelector('#ask-button'), 'click');

    expect(fieldError(page, '#question')).toBe(message);
    expect(calls('POST', QUESTIONS)).toHaveLength(0);
  });

  test('asking posts the body, clears the form and lists the new question', async () => {
    route({
      [`POST ${QUESTIONS}`]: ok(question({ id: 40, body: '维修费为何翻倍？' }), 201),
      [`GET ${QUESTIONS}`]: [ok(pageOf([])), ok(pageOf([question({ id: 40, body: '维修费为何翻倍？' })]))],
    });
    const page = await openPeriod();
    await fire(page.querySelector('#question'), 'change', ' 维修费为何翻倍？ ');

    await fire(page.querySelector('#ask-button'), 'click');

    expect(calls('POST', QUESTIONS).map((r) => r.data)).toEqual([{ body: '维修费为何翻倍？' }]);
    expect(page.instance.data.question).toBe('');
    expect(toastMessage(page)).toBe('质询已提交');
    expect(allByClass(page, 'question').map(domText)[0]).toContain('维修费为何翻倍？');
  });

  test('tapping twice asks once', async () => {
    route({ [`POST ${QUESTIONS}`]: ok(question(), 201) });
    const page = await openPeriod();
    await fire(page.querySelector('#question'), 'change', '维修费为何翻倍？');

    const button = page.querySelector('#ask-button');
    button.dispatchEvent('click');
    button.dispatchEvent('click');
    await settle();

    expect(calls('POST', QUESTIONS)).toHaveLength(1);
  });

  test('a member who may not ask sees the server message and keeps the text', async () => {
    route({ [`POST ${QUESTIONS}`]: fail(403, 'forbidden', '只有已认证业主可以质询') });
    const page = await openPeriod();
    await fire(page.querySelector('#question'), 'change', '维修费为何翻倍？');

    await fire(page.querySelector('#ask-button'), 'click');

    expect(toastMessage(page)).toBe('只有已认证业主可以质询');
    expect(page.instance.data.question).toBe('维修费为何翻倍？');
    expect(page.instance.data.asking).toBe(false);
  });

  test('back from an entry the questions are listed again', async () => {
    const page = await openPeriod();
    await fire(page.querySelector('.entry'), 'click');

    page.instance.onShow();
    await settle();

    expect(calls('GET', QUESTIONS)).toHaveLength(2);
  });
});

describe('approval', () => {
  test('shows who approved and no buttons when the caller may do nothing', async () => {
    const page = await openPeriod();

    expect(textOf(page.querySelector('#approvals-cell'))).toBe('已同意李*、王*2/2');
    expect(page.querySelector('#approve-button')).toBeUndefined();
    expect(page.querySelector('#return-button')).toBeUndefined();
  });

  test('lists the period history with reasons', async () => {
    route({
      [`GET ${PERIOD}`]: ok(periodDetail({
        events: [
          { action: 'submit', action_label: '提交', by: '赵*（物业项目经理）', reason: null, at: '2026-11-02T01:00:00Z' },
          { action: 'return', action_label: '退回', by: '李*（业委会委员）', reason: '缺少凭证', at: '2026-11-02T05:00:00Z' },
        ],
      })),
    });
    const page = await openPeriod();

    expect(page.querySelectorAll('.event').map(textOf)).toEqual([
      '提交 · 赵*（物业项目经理）2026-11-02 09:00',
      '退回 · 李*（业委会委员）原因：缺少凭证2026-11-02 13:00',
    ]);
  });

  test('同意 posts approve, then shows the period as reloaded', async () => {
    route({
      [`GET ${PERIOD}`]: [ok(submittedDetail()), ok(submittedDetail({ approval_count: 2, actions: [] }))],
      [`POST ${TRANSITIONS}`]: ok(submittedDetail({ approval_count: 2, actions: [] })),
    });
    const page = await openPeriod();
    expect(textOf(page.querySelector('#approvals-cell'))).toContain('1/2');

    await fire(page.querySelector('#approve-button'), 'click');

    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'approve' }]);
    expect(calls('GET', PERIOD)).toHaveLength(2);
    expect(textOf(page.querySelector('#approvals-cell'))).toContain('2/2');
    expect(page.querySelector('#approve-button')).toBeUndefined();
    expect(toastMessage(page)).toBe('已同意');
  });

  test('tapping 同意 twice approves once, and the buttons are disabled meanwhile', async () => {
    let answer;
    route({
      [`GET ${PERIOD}`]: ok(submittedDetail()),
      [`POST ${TRANSITIONS}`]: () => new Promise((resolve) => (answer = resolve)),
    });
    const page = await openPeriod();

    const button = page.querySelector('#approve-button');
    button.dispatchEvent('click');
    await settle();
    button.dispatchEvent('click');
    await settle();
    expect(button.data.disabled).toBe(true);
    expect(page.querySelector('#return-button').data.disabled).toBe(true);
    answer(ok(submittedDetail()));
    await settle();

    expect(calls('POST', TRANSITIONS)).toHaveLength(1);
    expect(page.querySelector('#approve-button').data.disabled).toBe(false);
  });

  test('退回 needs a reason', async () => {
    route({ [`GET ${PERIOD}`]: ok(submittedDetail()) });
    const page = await openPeriod();
    await fire(page.querySelector('#return-button'), 'click');
    await fire(page.querySelector('#return-dialog >>> #reason'), 'change', '   ');

    await fire(page.querySelector('#return-dialog >>> #confirm-button'), 'click');

    expect(fieldError(page, '#return-dialog >>> #reason')).toBe('请填写退回原因');
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);
  });

  test('a reason over 200 characters is refused locally', async () => {
    route({ [`GET ${PERIOD}`]: ok(submittedDetail()) });
    const page = await openPeriod();
    await fire(page.querySelector('#return-button'), 'click');
    await fire(page.querySelector('#return-dialog >>> #reason'), 'change', '因'.repeat(201));

    await fire(page.querySelector('#return-dialog >>> #confirm-button'), 'click');

    expect(fieldError(page, '#return-dialog >>> #reason')).toBe('退回原因不能超过200个字');
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);
  });

  test('退回 sends the reason, then shows the returned period as reloaded', async () => {
    const returned = periodDetail({
      status: 'draft',
      status_label: '草稿',
      published_at: null,
      return_reason: '缺少维修合同',
      actions: [],
    });
    route({
      [`GET ${PERIOD}`]: [ok(submittedDetail()), ok(returned)],
      [`POST ${TRANSITIONS}`]: ok(returned),
    });
    const page = await openPeriod();
    await fire(page.querySelector('#return-button'), 'click');
    await fire(page.querySelector('#return-dialog >>> #reason'), 'change', ' 缺少维修合同 ');

    await fire(page.querySelector('#return-dialog >>> #confirm-button'), 'click');

    expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'return', reason: '缺少维修合同' }]);
    expect(calls('GET', PERIOD)).toHaveLength(2);
    expect(textOf(page)).toContain('已退回：缺少维修合同');
    expect(textOf(page)).toContain('草稿');
    expect(page.querySelector('#return-dialog >>> #reason')).toBeUndefined();
    expect(page.querySelector('#return-button')).toBeUndefined();
    expect(toastMessage(page)).toBe('已退回');
  });

  test('cancelling a return sends nothing', async () => {
    route({ [`GET ${PERIOD}`]: ok(submittedDetail()) });
    const page = await openPeriod();
    await fire(page.querySelector('#return-button'), 'click');

    await fire(page.querySelector('#return-dialog >>> #cancel-button'), 'click');

    expect(page.querySelector('#return-dialog >>> #reason')).toBeUndefined();
    expect(page.querySelector('#approve-button')).toBeDefined();
    expect(calls('POST', TRANSITIONS)).toHaveLength(0);
  });

  test('the server refusing the reason shows its message under the field', async () => {
    route({
      [`GET ${PERIOD}`]: ok(submittedDetail()),
      [`POST ${TRANSITIONS}`]: fail(422, 'validation_failed', '提交的内容有误，请按提示修改', { reason: ['请填写 2 到 200 字的退回原因'] }),
    });
    const page = await openPeriod();
    await fire(page.querySelector('#return-button'), 'click');
    await fire(page.querySelector('#return-dialog >>> #reason'), 'change', '缺');

    await fire(page.querySelector('#return-dialog >>> #confirm-button'), 'click');

    expect(fieldError(page, '#return-dialog >>> #reason')).toBe('请填写 2 到 200 字的退回原因');
    expect(toastMessage(page)).toBe('提交的内容有误，请按提示修改');
  });

  test('a period that moved on meanwhile shows the server message and then its new state', async () => {
    route({
      [`GET ${PERIOD}`]: [ok(submittedDetail()), ok(periodDetail({ status: 'committee_approved', status_label: '待社区审核' }))],
      [`POST ${TRANSITIONS}`]: fail(409, 'invalid_transition', '该账期已不在待审批状态'),
    });
    const page = await openPeriod();

    await fire(page.querySelector('#approve-button'), 'click');

    expect(toastMessage(page)).toBe('该账期已不在待审批状态');
    expect(textOf(page)).toContain('待社区审核');
    expect(page.querySelector('#approve-button')).toBeUndefined();
  });
});
