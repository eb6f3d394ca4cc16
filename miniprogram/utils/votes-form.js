// What the organiser's vote forms check before anything is sent (the server checks again):
// the server's limits, the matters a motion may be about, and a motion's voting times.
const { DAY_MS, MINUTE_MS, addDays, shanghaiClock } = require('./clock');
const { formatTime } = require('./format');
const { requiredTextError, tooLong } = require('./text');
const { CHOICE_LABELS } = require('./votes-view');

const CANCEL_REASON_MAX = 200;
// The server's limits (backend/votes/schemas.py and the electors' search).
const TITLE_MAX = 100;
const BODY_MAX = 10000;
const NOTE_MAX = 200;
const MAX_ATTACHMENTS = 9;
const ELECTOR_QUERY_MAX = 40;
// The server's defaults for LINLI_VOTE_NOTICE_DAYS and LINLI_VOTE_MAX_DAYS. The API does not
// say which it runs with, so these only spare a round trip: the server checks again with its own.
const NOTICE_DAYS = 15;
const MAX_VOTING_DAYS = 60;
// The form starts a day past the notice period, so the default is valid whatever the hour, and
// gives a week to vote.
const DEFAULT_OPENS_IN_DAYS = NOTICE_DAYS + 1;
const DEFAULT_OPENS_TIME = '09:00';
const DEFAULT_VOTING_DAYS = 7;

// The pass thresholds and matters as backend/votes/rules.py has them.
const THRESHOLD_LABELS = {
  special: '参与表决专有部分面积和人数均四分之三以上同意',
  ordinary: '参与表决专有部分面积和人数均过半数同意',
};
// Art. 278 para. 2: raising maintenance funds, rebuilding and changing the use of common parts
// need three quarters of those voting; the rest more than half.
const SPECIAL_MATTERS = ['raise_maintenance_fund', 'rebuild', 'change_common_use'];
// Art. 278 (1)–(9) in the law's order, then anything else put to the owners.
const MATTERS = [
  { code: 'rules_of_procedure', label: '制定和修改业主大会议事规则' },
  { code: 'management_covenant', label: '制定和修改管理规约' },
  { code: 'elect_committee', label: '选举业主委员会或者更换业主委员会成员' },
  { code: 'hire_property_company', label: '选聘和解聘物业服务企业或者其他管理人' },
  { code: 'use_maintenance_fund', label: '使用建筑物及其附属设施的维修资金' },
  { code: 'raise_maintenance_fund', label: '筹集建筑物及其附属设施的维修资金' },
  { code: 'rebuild', label: '改建、重建建筑物及其附属设施' },
  { code: 'change_common_use', label: '改变共有部分的用途或者利用共有部分从事经营活动' },
  { code: 'other_major', label: '有关共有和共同管理权利的其他重大事项' },
  { code: 'other', label: '其他事项' },
].map((matter) => ({
  ...matter,
  thresholdText: THRESHOLD_LABELS[SPECIAL_MATTERS.includes(matter.code) ? 'special' : 'ordinary'],
}));

// What the server takes (backend/votes/services.py ATTACHMENT_SUFFIXES): Word and Excel only in
// their .docx / .xlsx form, so the file chooser offers no .doc / .xls that would be refused.
const ATTACHMENT_EXTENSIONS = ['pdf', 'docx', 'xlsx', 'jpg', 'jpeg', 'png'];

// ---- Times of a motion, on Shanghai's clock ----

/** The form's first times: opening 16 days from now at 09:00, closing 7 days after. */
function defaultTimes(now = Date.now()) {
  const opensDate = shanghaiClock(now + DEFAULT_OPENS_IN_DAYS * DAY_MS).date;
  return {
    opensDate,
    opensTime: DEFAULT_OPENS_TIME,
    closesDate: addDays(opensDate, DEFAULT_VOTING_DAYS),
    closesTime: DEFAULT_OPENS_TIME,
  };
}

/** The closing a week after an opening, for a form whose closing the user has not chosen. */
const closingAfter = (opensDate, opensTime) => ({
  closesDate: addDays(opensDate, DEFAULT_VOTING_DAYS),
  closesTime: opensTime,
});

/** The earliest opening the server takes if announced now: the next whole minute past the notice period. */
const earliestOpening = (now = Date.now()) => Math.ceil((now + NOTICE_DAYS * DAY_MS) / MINUTE_MS) * MINUTE_MS;

// ---- Checks ----

/** A required text's error: blank or over max characters; '' when fine. */
const textError = (text, max, what) => requiredTextError(text, max, `请填写${what}`, what);

/**
 * Returns {field: message} for a motion about to be announced, under the API's field names;
 * empty when valid. opensAt and closesAt are ISO times; now (ms) is when it would be announced.
 */
function motionErrors({ matter, title, body, opensAt, closesAt }, now = Date.now()) {
  const errors = {
    matter: MATTERS.some(({ code }) => code === matter) ? '' : '请选择表决事项',
    title: textError(title && title.trim(), TITLE_MAX, '标题'),
    body: textError(body, BODY_MAX, '表决内容'),
  };
  const opens = Date.parse(opensAt);
  const closes = Date.parse(closesAt);
  const earliest = earliestOpening(now);
  if (opens < earliest) {
    errors.opens_at = `须在公告${NOTICE_DAYS}日后开始，最早 ${formatTime(new Date(earliest).toISOString())}`;
  }
  if (closes <= opens) errors.closes_at = '须晚于投票开始时间';
  else if (closes - opens > MAX_VOTING_DAYS * DAY_MS) errors.closes_at = `投票期最长${MAX_VOTING_DAYS}日`;
  Object.keys(errors).forEach((field) => !errors[field] && delete errors[field]);
  return errors;
}

/** Returns {field: message} for a paper ballot: a choice, and a note of at most 200 characters. */
function paperBallotErrors({ choice, note }) {
  const errors = {};
  if (!CHOICE_LABELS[choice]) errors.choice = '请选择表决意见';
  const noteError = tooLong(note, NOTE_MAX, '备注');
  if (noteError) errors.note = noteError;
  return errors;
}

/** Returns {reason: message} when a cancellation's reason is missing or too long. */
function cancelErrors({ reason }) {
  const error = requiredTextError(reason, CANCEL_REASON_MAX, '请填写取消原因', '取消原因');
  return error ? { reason: error } : {};
}

module.exports = {
  CANCEL_REASON_MAX,
  TITLE_MAX,
  BODY_MAX,
  NOTE_MAX,
  MAX_ATTACHMENTS,
  ELECTOR_QUERY_MAX,
  NOTICE_DAYS,
  MAX_VOTING_DAYS,
  THRESHOLD_LABELS,
  MATTERS,
  ATTACHMENT_EXTENSIONS,
  defaultTimes,
  closingAfter,
  earliestOpening,
  cancelErrors,
  motionErrors,
  paperBallotErrors,
};
