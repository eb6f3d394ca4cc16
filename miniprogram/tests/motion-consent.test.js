// The motion asks consent when it is announced (opening and result) and after a ballot (result);
// a refusal changes nothing on the page.
const simulate = require('miniprogram-simulate');
const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');
const { motion, announcedMotion, ballot } = require('./vote-factories');
const { wechatAnswers, posted, tapNow, consentSetUp } = require('./subscribe-support');

beforeAll(() => preload('motion'));

beforeEach(async () => {
  signIn();
  await consentSetUp();
});

const MOTION = '/api/v1/motions/12';

describe('the motion', () => {
  test('an announced motion offers a reminder whose tap asks for opening and result', async () => {
    route({ [`GET ${MOTION}`]: ok(announcedMotion()) });
    const page = await openPage('motion', 'onLoad', { id: '12' });
    expect(textOf(page.querySelector('#remind-button'))).toBe('投票开始和结果通知我');

    expect(tapNow(page, 'onRemind')).toEqual([['tmpl-opened', 'tmpl-result']]);
    await settle();
    await settle();

    expect(posted()).toEqual([
      { moment: 'motion_announced', answers: { 'tmpl-opened': 'accept', 'tmpl-result': 'accept' } },
    ]);
    expect(toastMessage(page)).toBe('已订阅，投票开始和结果将通知您');
  });

  test('a refused reminder says nothing and leaves the page as it was', async () => {
    wechatAnswers('reject');
    route({ [`GET ${MOTION}`]: ok(announcedMotion()) });
    const page = await openPage('motion', 'onLoad', { id: '12' });

    await fire(page.querySelector('#remind-button'), 'click');
    await settle();

    expect(toastMessage(page)).toBe('');
    expect(page.querySelector('#remind-button').data.disabled).toBe(false);
  });

  test('no reminder once voting is open', async () => {
    route({ [`GET ${MOTION}`]: ok(motion()) });
    const page = await openPage('motion', 'onLoad', { id: '12' });

    expect(page.querySelector('#remind-button')).toBeUndefined();
  });

  test('confirming a ballot asks to hear the result, and the ballot is cast whatever the answer', async () => {
    wechatAnswers('fail');
    route({
      [`GET ${MOTION}`]: [ok(motion()), ok(motion({ can_vote: false }))],
      [`POST ${MOTION}/ballots`]: ok(ballot(), 201),
    });
    const page = await openPage('motion', 'onLoad', { id: '12' });
    await fire(page.querySelector('#vote-yes-button'), 'click');
    await simulate.sleep(100);

    expect(tapNow(page, 'onConfirmVote')).toEqual([['tmpl-result']]);
    await settle();
    await settle();

    expect(calls('POST', `${MOTION}/ballots`).map((r) => r.data)).toEqual([{ choice: 'yes' }]);
  });
});
