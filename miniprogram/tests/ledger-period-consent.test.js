// The ledger period asks consent from its taps: the preparer's 提交审批 (returned, progress), the
// committee's approve and return (owners' questions), the owner's question (its answer).
const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');
const { periodDetail, submittedDetail, statement, entry, pageOf } = require('./ledger-factories');
const { wechatAnswers, asked, posted, tapNow, consentSetUp } = require('./subscribe-support');

beforeAll(() => preload('ledger-period'));

beforeEach(async () => {
  signIn();
  await consentSetUp();
});

const PERIOD = '/api/v1/estates/7/ledger/periods/12';

function periodRoutes(detail) {
  route({
    [`GET ${PERIOD}`]: ok(detail),
    [`GET ${PERIOD}/statement`]: ok(statement()),
    [`GET ${PERIOD}/entries`]: ok(pageOf([entry()])),
    [`GET ${PERIOD}/questions`]: ok(pageOf([])),
    [`POST ${PERIOD}/questions`]: ok({}, 201),
  });
}

const openPeriod = () => openPage('ledger-period', 'onLoad', { estate_id: '7', id: '12' });
const draft = (actions) => periodDetail({ status: 'draft', status_label: '草稿', actions, published_at: null });

describe('the ledger period', () => {
  test('a draft offers 提交审批 to its preparer, whose tap asks for returned and progress', async () => {
    periodRoutes(draft(['submit']));
    route({ [`POST ${PERIOD}/transitions`]: ok(submittedDetail({ actions: [] })) });
    const page = await openPeriod();
    expect(textOf(page.querySelector('#submit-button'))).toBe('提交审批');

    expect(tapNow(page, 'onSubmit')).toEqual([['tmpl-returned', 'tmpl-progress']]);
    await settle();
    await settle();

    expect(calls('POST', `${PERIOD}/transitions`).map((r) => r.data)).toEqual([{ action: 'submit' }]);
    expect(posted()).toEqual([
      { moment: 'period_submitted', answers: { 'tmpl-returned': 'accept', 'tmpl-progress': 'accept' } },
    ]);
    expect(toastMessage(page)).toBe('已提交审批');
  });

  test('no 提交审批 for anyone the server does not let submit', async () => {
    periodRoutes(draft([]));
    const page = await openPeriod();

    expect(page.querySelector('#submit-button')).toBeUndefined();
  });

  test('a refused consent does not stop the submission', async () => {
    wechatAnswers('fail');
    periodRoutes(draft(['submit']));
    route({ [`POST ${PERIOD}/transitions`]: ok(submittedDetail({ actions: [] })) });
    const page = await openPeriod();

    await fire(page.querySelector('#submit-button'), 'click');
    await settle();

    expect(calls('POST', `${PERIOD}/transitions`)).toHaveLength(1);
    expect(posted()).toEqual([]);
    expect(toastMessage(page)).toBe('已提交审批');
  });

  test('approving asks the committee member to hear of owners questions', async () => {
    periodRoutes(submittedDetail());
    route({ [`POST ${PERIOD}/transitions`]: ok(submittedDetail({ actions: ['return'] })) });
    const page = await openPeriod();

    expect(tapNow(page, 'onApprove')).toEqual([['tmpl-asked']]);
    await settle();

    expect(calls('POST', `${PERIOD}/transitions`).map((r) => r.data)).toEqual([{ action: 'approve' }]);
  });

  test('asking a question asks to hear its answer', async () => {
    periodRoutes(periodDetail());
    const page = await openPeriod();
    await fire(page.querySelector('#question'), 'change', '维修费为何翻倍？');

    expect(tapNow(page, 'onAsk')).toEqual([['tmpl-answered']]);
    await settle();

    expect(calls('POST', `${PERIOD}/questions`).map((r) => r.data)).toEqual([{ body: '维修费为何翻倍？' }]);
    expect(posted()).toEqual([{ moment: 'question_asked', answers: { 'tmpl-answered': 'accept' } }]);
  });
});
