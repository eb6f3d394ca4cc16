// Subscribe-message consents in tests: WeChat's consent sheet as a mock, the moments the server
// answers, and what was asked and posted.
const { ok, route, calls } = require('./wx');
const subscribe = require('../utils/subscribe');

const SUBSCRIPTIONS = '/api/v1/subscriptions';
const MOMENTS = {
  ticket_reported: ['tmpl-replied', 'tmpl-escalated'],
  question_asked: ['tmpl-answered'],
  motion_announced: ['tmpl-opened', 'tmpl-result'],
  ballot_cast: ['tmpl-result'],
  period_submitted: ['tmpl-returned', 'tmpl-progress'],
  period_reviewed: ['tmpl-asked'],
  ticket_handling: ['tmpl-handling'],
};

/** WeChat's consent sheet, answering each template as ``answer`` ('fail': the sheet fails). */
function wechatAnswers(answer = 'accept') {
  wx.requestSubscribeMessage = jest.fn(({ tmplIds, success, fail: failed }) => {
    Promise.resolve().then(() => {
      if (answer === 'fail') return failed({ errMsg: 'requestSubscribeMessage:fail cancel', errCode: 20004 });
      const result = { errMsg: 'requestSubscribeMessage:ok' };
      tmplIds.forEach((id) => (result[id] = answer));
      return success(result);
    });
  });
}

const asked = () => wx.requestSubscribeMessage.mock.calls.map(([options]) => options.tmplIds);
const posted = () => calls('POST', SUBSCRIPTIONS).map((req) => req.data);

/**
 * Runs a page's tap handler and returns what WeChat was asked before the handler first waited:
 * WeChat shows the consent sheet only when asked within the tap itself.
 */
function tapNow(page, handler) {
  page.instance[handler]();
  return asked();
}

/** Every test: the sheet accepts, and the server knows the moments (loaded as a page would). */
async function consentSetUp() {
  wechatAnswers('accept');
  route({
    [`GET ${SUBSCRIPTIONS}`]: ok({ moments: MOMENTS }),
    [`POST ${SUBSCRIPTIONS}`]: ok({ moments: MOMENTS }),
  });
  await subscribe.loadMoments();
}

module.exports = { SUBSCRIPTIONS, MOMENTS, wechatAnswers, asked, posted, tapNow, consentSetUp };
