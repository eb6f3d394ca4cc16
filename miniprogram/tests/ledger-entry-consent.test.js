// A question asked on one entry asks, from the same tap, to hear its answer; a refusal still
// posts the question.
const { fire, openPage, preload, settle, toastMessage } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');
const { entryDetail, periodDetail, question } = require('./ledger-factories');
const { wechatAnswers, asked, posted, tapNow, consentSetUp } = require('./subscribe-support');

const ENTRY = '/api/v1/estates/7/ledger/entries/101';
const PERIOD = '/api/v1/estates/7/ledger/periods/12';
const QUESTIONS = `${PERIOD}/questions`;

beforeAll(() => preload('ledger-entry'));

beforeEach(async () => {
  signIn();
  await consentSetUp();
  route({
    [`GET ${ENTRY}`]: ok(entryDetail()),
    [`GET ${PERIOD}`]: ok(periodDetail()),
    [`POST ${QUESTIONS}`]: ok(question({ entry_id: 101 }), 201),
  });
});

test('asking asks for the answer template from the tap, and posts both', async () => {
  const page = await openPage('ledger-entry', 'onLoad', { estate_id: '7', id: '101' });
  await fire(page.querySelector('#question'), 'change', '这张收据是谁签的？');

  expect(tapNow(page, 'onAsk')).toEqual([['tmpl-answered']]);
  await settle();
  await settle();

  expect(calls('POST', QUESTIONS).map((r) => r.data)).toEqual([{ body: '这张收据是谁签的？', entry_id: 101 }]);
  expect(posted()).toEqual([{ moment: 'question_asked', answers: { 'tmpl-answered': 'accept' } }]);
});

test('a failed sheet still posts the question', async () => {
  wechatAnswers('fail');
  const page = await openPage('ledger-entry', 'onLoad', { estate_id: '7', id: '101' });
  await fire(page.querySelector('#question'), 'change', '这张收据是谁签的？');

  await fire(page.querySelector('#ask-button'), 'click');

  expect(asked()).toHaveLength(1);
  expect(calls('POST', QUESTIONS)).toHaveLength(1);
  expect(posted()).toEqual([]);
  expect(toastMessage(page)).toBe('提问已提交，可在账目详情查看答复');
});
