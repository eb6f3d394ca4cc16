// Subscribe messages (订阅消息): WeChat sends a person one message per template they accepted,
// asked for from a tap, at most 3 templates at once. The server says which templates each moment
// asks for and counts the accepts; this module asks and posts WeChat's answer. Asking never
// blocks or breaks what the tap was for: a refusal or a failure just means no message.
const { request } = require('./api');

const PATH = '/api/v1/subscriptions';
const MAX_TEMPLATES = 3;
const ANSWERS = ['accept', 'reject', 'ban', 'filter'];

// moment -> template ids, as the server last said. Loaded before the tap: the WeChat call has to
// happen in the tap itself, not after waiting for the network.
let moments = {};

/** Fetches what each moment asks for; call it when a page that asks loads. Never rejects. */
function loadMoments() {
  return request({ path: PATH })
    .then((body) => {
      moments = (body && body.moments) || {};
      return moments;
    })
    .catch(() => moments);
}

const templatesFor = (moment) => (moments[moment] || []).slice(0, MAX_TEMPLATES);

/** WeChat's answer, reduced to {templateId: accept|reject|ban|filter} for the asked templates. */
function answersFrom(result, tmplIds) {
  const answers = {};
  tmplIds.forEach((id) => {
    if (ANSWERS.includes(result && result[id])) answers[id] = result[id];
  });
  return answers;
}

function ask(tmplIds) {
  return new Promise((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds,
        success: (result) => resolve(answersFrom(result, tmplIds)),
        fail: () => resolve(null),
      });
    } catch (err) {
      resolve(null); // an old base library without the API
    }
  });
}

/**
 * Asks consent for a moment's templates; call it synchronously inside a tap handler. Resolves,
 * once the answer is recorded, to that answer ({templateId: 'accept', …}), or to null when
 * nothing was asked or WeChat failed. Never rejects.
 */
function askConsent(moment) {
  const tmplIds = templatesFor(moment);
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve(null);
  return ask(tmplIds).then((answers) => {
    if (!answers || !Object.keys(answers).length) return answers;
    return request({ method: 'POST', path: PATH, data: { moment, answers } })
      .then((body) => {
        moments = (body && body.moments) || moments;
        return answers;
      })
      .catch(() => answers);
  });
}

const accepted = (answers) => !!answers && Object.values(answers).includes('accept');

module.exports = { loadMoments, askConsent, accepted };
