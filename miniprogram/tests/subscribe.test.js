// utils/subscribe.js: asks for a moment's templates (at most 3), posts WeChat's answer, and never
// rejects, whatever WeChat or the server answer.
const { ok, fail, NETWORK_DOWN, route, signIn } = require('./wx');
const { SUBSCRIPTIONS, MOMENTS, wechatAnswers, asked, posted, consentSetUp } = require('./subscribe-support');
const subscribe = require('../utils/subscribe');

beforeEach(async () => {
  signIn();
  await consentSetUp();
});

describe('askConsent', () => {
  test('asks for the moment templates and posts the answer for them only', async () => {
    wx.requestSubscribeMessage = jest.fn(({ success }) =>
      success({ errMsg: 'requestSubscribeMessage:ok', 'tmpl-replied': 'accept', 'tmpl-escalated': 'ban', other: 'accept' }));

    const answers = await subscribe.askConsent('ticket_reported');

    expect(asked()).toEqual([['tmpl-replied', 'tmpl-escalated']]);
    expect(answers).toEqual({ 'tmpl-replied': 'accept', 'tmpl-escalated': 'ban' });
    expect(posted()).toEqual([{ moment: 'ticket_reported', answers: { 'tmpl-replied': 'accept', 'tmpl-escalated': 'ban' } }]);
    expect(subscribe.accepted(answers)).toBe(true);
  });

  test('asks for nothing when the moment has no templates, or once they are banned', async () => {
    route({ [`POST ${SUBSCRIPTIONS}`]: ok({ moments: { ...MOMENTS, question_asked: [] } }) });
    await subscribe.askConsent('question_asked');
    expect(asked()).toEqual([['tmpl-answered']]);

    expect(await subscribe.askConsent('question_asked')).toBeNull();
    expect(await subscribe.askConsent('no_such_moment')).toBeNull();
    expect(asked()).toHaveLength(1);
  });

  test('never asks for more than 3 templates at once', async () => {
    route({ [`GET ${SUBSCRIPTIONS}`]: ok({ moments: { ticket_reported: ['a', 'b', 'c', 'd'] } }) });
    await subscribe.loadMoments();

    await subscribe.askConsent('ticket_reported');

    expect(asked()).toEqual([['a', 'b', 'c']]);
  });

  test('a refusal is posted, a failure is not, and neither rejects', async () => {
    wechatAnswers('reject');
    const refused = await subscribe.askConsent('question_asked');
    expect(refused).toEqual({ 'tmpl-answered': 'reject' });
    expect(subscribe.accepted(refused)).toBe(false);

    wechatAnswers('fail');
    await expect(subscribe.askConsent('question_asked')).resolves.toBeNull();
    expect(posted()).toEqual([{ moment: 'question_asked', answers: { 'tmpl-answered': 'reject' } }]);
  });

  test('a server that cannot record the answer, or no consent API at all, does not reject', async () => {
    route({ [`POST ${SUBSCRIPTIONS}`]: NETWORK_DOWN });
    await expect(subscribe.askConsent('question_asked')).resolves.toEqual({ 'tmpl-answered': 'accept' });

    delete wx.requestSubscribeMessage;
    await expect(subscribe.askConsent('question_asked')).resolves.toBeNull();
  });

  test('templates that fail to load leave the ones known before', async () => {
    route({ [`GET ${SUBSCRIPTIONS}`]: fail(500, 'server_error', '服务暂时不可用') });

    await subscribe.loadMoments();
    await subscribe.askConsent('period_reviewed');

    expect(asked()).toEqual([['tmpl-asked']]);
  });
});
