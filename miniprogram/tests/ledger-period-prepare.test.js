// The period page for whoever prepares a draft, answers questions, opens the statement files
// and runs the chain check (the statement, entries, questions and approval: ledger-period.test.js).
const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { HASH, periodDetail, statement, entry, question, pageOf } = require('./ledger-factories');

const LEDGER = '/api/v1/estates/7/ledger';
const PERIOD = `${LEDGER}/periods/12`;
const TRANSITIONS = `${PERIOD}/transitions`;
const QUESTIONS = `${PERIOD}/questions`;
const ENTRIES = `${PERIOD}/entries`;
const VERIFY = `${LEDGER}/verify`;
const answerPath = (id) => `${LEDGER}/questions/${id}/answer`;

const draft = (overrides = {}) =>
  periodDetail({
    status: 'draft',
    status_label: '草稿',
    published_at: null,
    head_hash: null,
    chain_seq: null,
    approval_count: 0,
    approvals: [],
    previous_published: true,
    actions: ['submit'],
    ...overrides,
  });
const published = (overrides = {}) => periodDetail({ chain_seq: 3, previous_published: true, ...overrides });

const openPeriod = () => openPage('ledger-period', 'onLoad', { estate_id: '7', id: '12' });
const has = (page, id) => Boolean(page.querySelector(id));

beforeEach(() => {
  signIn();
  wx.setClipboardData = jest.fn();
  route({
    [`GET ${PERIOD}`]: ok(published()),
    [`GET ${PERIOD}/statement`]: ok(statement()),
    [`GET ${ENTRIES}`]: ok(pageOf([entry()])),
    [`GET ${QUESTIONS}`]: ok(pageOf([])),
  });
});

describe('preparing a draft', () => {
  beforeEach(() => {
    route({ [`GET ${PERIOD}`]: ok(draft()), [`GET ${PERIOD}/statement`]: ok(statement({ head_hash: null })) });
  });

  test('the preparer gets 记一笔, 导入表格 and 提交审批; back from them the page reloads', async () => {
    const page = await openPeriod();

    await fire(page.querySelector('#add-entry-cell'), 'click');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/ledger-entry-edit/index?estate_id=7&period_id=12' });
    page.instance.onShow();
    await settle();
    await fire(page.querySelector('#import-cell'), 'click');
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/ledger-import/index?estate_id=7&period_id=12' });
    page.instance.onShow();
    await settle();

    [PERIOD, `${PERIOD}/statement`, ENTRIES].forEach((path) => expect(calls('GET', path)).toHaveLength(3));
    expect(calls('GET', QUESTIONS)).toHaveLength(1);
  });

  test('tapping an entry of the draft opens it to change it', async () => {
    const page = await openPeriod();

    await fire(page.querySelector('.entry'), 'click');

    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-entry-edit/index?estate_id=7&period_id=12&id=101' });
  });

  test('提交审批 submits and shows the period as it now stands', async () => {
    const submitted = draft({ status: 'submitted', status_label: '待业委会审批', actions: [] });
    route({ [`POST ${TRANSITIONS}`]: ok(submitted), [`GET ${PERIOD}`]: [ok(draft()), ok(submitted)] });
    const page = await openPeriod();

    await fire(page.querySelector('#submit-button'), 'click');

    expect(calls('POST', TRANSITIONS)[0].data).toEqual({ action: 'submit' });
    expect(toastMessage(page)).toBe('已提交审批');
    expect(textOf(page)).toContain('待业委会审批');
    expect(has(page, '#submit-button')).toBe(false);
  });

  test('an empty draft cannot be submitted yet, and says what to do', async () => {
    route({ [`GET ${PERIOD}`]: ok(draft({ entry_count: 0 })) });
    const page = await openPeriod();

    expect(page.querySelector('#submit-button').data.disabled).toBe(true);
    expect(textOf(page)).toContain('本期还没有收支，记一笔或导入表格后再提交');
  });

  test('a returned period shows its return reason above the tools to fix it', async () => {
    route({ [`GET ${PERIOD}`]: ok(draft({ return_reason: '停车收入与道闸系统流水不符，请核对' })) });
    const page = await openPeriod();

    expect(textOf(page.querySelector('#returned-banner'))).toBe('已退回：停车收入与道闸系统流水不符，请核对');
    expect(has(page, '#submit-button')).toBe(true);
  });

  test('上期尚未公示 shows while an earlier period is unpublished', async () => {
    route({ [`GET ${PERIOD}`]: ok(draft({ previous_published: false })) });
    const page = await openPeriod();

    expect(textOf(page.querySelector('#previous-banner'))).toBe('上期尚未公示，本期期初余额可能随上期变动');
  });

  test('no 上期尚未公示 once every earlier period is published', async () => {
    const page = await openPeriod();

    expect(has(page, '#previous-banner')).toBe(false);
  });

  test('whoever may not submit (an auditor reading a draft) gets no tools', async () => {
    route({ [`GET ${PERIOD}`]: ok(draft({ actions: [] })) });
    const page = await openPeriod();

    expect(has(page, '#add-entry-cell')).toBe(false);
    expect(has(page, '#submit-button')).toBe(false);
    await fire(page.querySelector('.entry'), 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ledger-entry/index?estate_id=7&id=101' });
  });

  test('a draft has no files to download and no chain check', async () => {
    const page = await openPeriod();

    expect(has(page, '#file-pdf')).toBe(false);
    expect(has(page, '#verify-button')).toBe(false);
  });
});

describe('answering questions', () => {
  const open = question({ can_answer: true });
  const answered = question({ answer: '十月有两周道闸维修，临停收入减少。', answered_by: '王芳', answered_at: '2026-11-07T02:00:00Z' });

  test('only a question the caller may answer has 答复', async () => {
    route({ [`GET ${QUESTIONS}`]: ok(pageOf([open, question({ id: 32 })])) });
    const page = await openPeriod();

    expect(has(page, '#answer-button-31')).toBe(true);
    expect(has(page, '#answer-button-32')).toBe(false);
  });

  test('an empty answer is refused locally', async () => {
    route({ [`GET ${QUESTIONS}`]: ok(pageOf([open])) });
    const page = await openPeriod();

    await fire(page.querySelector('#answer-button-31'), 'click');
    await fire(page.querySelector('#answer-dialog'), 'confirm');

    expect(page.querySelector('#answer-dialog').data.error).toBe('请填写答复内容');
    expect(calls('POST', answerPath(31))).toHaveLength(0);
  });

  test('答复 posts the answer in the open and shows it under the question', async () => {
    route({ [`GET ${QUESTIONS}`]: [ok(pageOf([open])), ok(pageOf([answered]))], [`POST ${answerPath(31)}`]: ok(answered) });
    const page = await openPeriod();

    await fire(page.querySelector('#answer-button-31'), 'click');
    await fire(page.querySelector('#answer-dialog'), 'change', ' 十月有两周道闸维修，临停收入减少。 ');
    await fire(page.querySelector('#answer-dialog'), 'confirm');

    expect(calls('POST', answerPath(31))[0].data).toEqual({ body: '十月有两周道闸维修，临停收入减少。' });
    expect(toastMessage(page)).toBe('已公开答复');
    expect(has(page, '#answer-dialog')).toBe(false);
    expect(textOf(page)).toContain('王芳 答复');
    expect(textOf(page)).toContain('十月有两周道闸维修，临停收入减少。');
  });

  test('a question answered meanwhile shows the answer that stands', async () => {
    route({
      [`GET ${QUESTIONS}`]: [ok(pageOf([open])), ok(pageOf([answered]))],
      [`POST ${answerPath(31)}`]: fail(409, 'conflict', '该质询已答复'),
    });
    const page = await openPeriod();

    await fire(page.querySelector('#answer-button-31'), 'click');
    await fire(page.querySelector('#answer-dialog'), 'change', '补充说明');
    await fire(page.querySelector('#answer-dialog'), 'confirm');

    expect(toastMessage(page)).toBe('该质询已答复');
    expect(has(page, '#answer-dialog')).toBe(false);
    expect(textOf(page)).toContain('十月有两周道闸维修');
  });
});

describe('a published period in hand', () => {
  test('opens the PDF and the workbook with the token, each in its reader', async () => {
    route({ [`GET ${PERIOD}/statement.pdf`]: ok('%PDF'), [`GET ${PERIOD}/statement.xlsx`]: ok('PK') });
    const page = await openPeriod();

    expect(page.querySelectorAll('.statement-file').map(textOf)).toEqual(['PDF 公示表', 'Excel 明细表']);
    await fire(page.querySelector('#file-pdf'), 'click');
    await fire(page.querySelector('#file-xlsx'), 'click');

    expect(calls('GET', `${PERIOD}/statement.pdf`)[0].header.Authorization).toBe('Bearer access-1');
    expect(calls('GET', `${PERIOD}/statement.xlsx`)[0].header.Authorization).toBe('Bearer access-1');
    expect(wx.openDocument.mock.calls.map(([opened]) => opened.fileType)).toEqual(['pdf', 'xlsx']);
    expect(wx.getFileSystemManager().readFileSync(wx.openDocument.mock.calls[0][0].filePath)).toBe('%PDF');
  });

  test('a file that cannot be fetched says why', async () => {
    route({ [`GET ${PERIOD}/statement.pdf`]: fail(404, 'not_found', '账期不存在或您无权查看') });
    const page = await openPeriod();

    await fire(page.querySelector('#file-pdf'), 'click');

    expect(toastMessage(page)).toBe('账期不存在或您无权查看');
    expect(wx.openDocument).not.toHaveBeenCalled();
  });

  test('the chain check of an untouched chain: 第 N 期账目与公示时一致, with the hash the group was sent', async () => {
    route({ [`GET ${VERIFY}`]: ok({ ok: true, periods_checked: 3, head_hash: HASH, broken: null }) });
    const page = await openPeriod();
    expect(has(page, '#chain-check')).toBe(false);

    await fire(page.querySelector('#verify-button'), 'click');

    const shown = textOf(page.querySelector('#chain-check'));
    expect(shown).toContain('第 3 期账目与公示时一致');
    expect(shown).toContain(`群内公示的本期哈希${HASH}`);
    expect(shown).not.toContain('已被改动');
  });

  test('the chain check after tampering: 已被改动, with where and why', async () => {
    const broken = { period_id: 12, label: '2026年10月', reason: '账目内容与公示时不一致（金额、分录或凭证被改动）' };
    route({ [`GET ${VERIFY}`]: ok({ ok: false, periods_checked: 3, head_hash: HASH, broken }) });
    const page = await openPeriod();

    await fire(page.querySelector('#verify-button'), 'click');

    const shown = textOf(page.querySelector('#chain-check'));
    expect(shown).toContain('第 3 期账目已被改动');
    expect(shown).toContain('本期：账目内容与公示时不一致（金额、分录或凭证被改动）');
    expect(shown).not.toContain('与公示时一致 ');
  });

  test('a check that cannot run says why and shows no verdict', async () => {
    route({ [`GET ${VERIFY}`]: { network: true } });
    const page = await openPeriod();

    await fire(page.querySelector('#verify-button'), 'click');

    expect(toastMessage(page)).toBe('网络异常，请稍后重试');
    expect(has(page, '#chain-check')).toBe(false);
    expect(page.querySelector('#verify-button').data.loading).toBe(false);
  });

  test('a published period offers no preparing tools', async () => {
    const page = await openPeriod();

    expect(has(page, '#add-entry-cell')).toBe(false);
    expect(has(page, '#submit-button')).toBe(false);
  });
});
