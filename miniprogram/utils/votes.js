// What the vote (业主共同决定) pages share: the API calls, how areas, shares and countdowns read,
// and how motions, results, ballots and the WeCom binding from the API are shown; for the
// organiser, announcing a motion and recording paper ballots against the eligibility snapshot.
const { request, upload } = require('./api');
const { formatTime, formatSize } = require('./format');

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

// The server sends status_label too; these cover a motion whose label is missing.
const STATUS_LABELS = { announced: '公示中', open: '投票中', closed: '已结束', cancelled: '已取消' };

// Status → Vant tag colour: waiting orange, voting blue, decided green, called off grey.
const STATUS_TAG_TYPES = { announced: 'warning', open: 'primary', closed: 'success', cancelled: 'default' };

const OUTCOME_TAG_TYPES = { passed: 'success', rejected: 'danger', no_quorum: 'warning' };

// In the order the ballot offers them.
const CHOICES = [
  { choice: 'yes', label: '赞成' },
  { choice: 'no', label: '反对' },
  { choice: 'abstain', label: '弃权' },
];
const CHOICE_LABELS = Object.fromEntries(CHOICES.map(({ choice, label }) => [choice, label]));


const TABS = [
  { key: 'all', title: '全部', query: {} },
  { key: 'announced', title: '公示中', query: { status: 'announced' } },
  { key: 'open', title: '投票中', query: { status: 'open' } },
  { key: 'closed', title: '已结束', query: { status: 'closed' } },
];

// Civil Code art. 278: every joint decision needs owners of two thirds of the exclusive area,
// who are also two thirds of the owners, to take part; the threshold label covers the rest.
const QUORUM_RULE = '专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决';

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
const ATTACHMENT_TOO_LARGE_MESSAGE = '文件太大，请压缩后再上传';

// Roles that organise votes on their estate. Only hides the button: the server decides (403).
const ORGANISER_ROLES = ['committee_member', 'committee_chair'];

// Electors of the snapshot: a verified owner (or co-owners), the developer's unsold units as
// one owner, or a unit whose owner is not verified in Linli.
const ELECTOR_KINDS = {
  owner: { label: '认证业主', tagType: 'primary' },
  developer: { label: '开发建设单位', tagType: 'warning' },
  unverified: { label: '未认证房屋', tagType: 'default' },
};

// ---- API ----

/** query: paging and a TABS query; resolves to a page of Motions. */
const listMotions = (estateId, query) => request({ path: `/api/v1/estates/${estateId}/motions`, data: query });

const getMotion = (id) => request({ path: `/api/v1/motions/${id}` });

/** Resolves to {choice, choice_label, cast_at, channel}; 409 already_voted / motion_not_open, 403 not_eligible. */
const castBallot = (id, choice) => request({ method: 'POST', path: `/api/v1/motions/${id}/ballots`, data: { choice } });

/** Resolves to the cancelled Motion. */
const cancelMotion = (id, reason) =>
  request({ method: 'POST', path: `/api/v1/motions/${id}/cancel`, data: { reason } });

/** Counts the ballots once the vote has closed; resolves to the closed Motion. */
const closeMotion = (id) => request({ method: 'POST', path: `/api/v1/motions/${id}/close` });

const listMyBallots = (paging) => request({ path: '/api/v1/me/ballots', data: paging });

const getWecomBinding = () => request({ path: '/api/v1/me/wecom-binding' });

/** Resolves to {code, expires_at, instruction}; 403 not_verified_owner. */
const requestBindingCode = () => request({ method: 'POST', path: '/api/v1/me/wecom-binding' });

const unbindWecom = () => request({ method: 'DELETE', path: '/api/v1/me/wecom-binding' });

/** Announces a motion; resolves to the new Motion (201). 422 with fields, 403 not an organiser. */
const createMotion = (estateId, data) =>
  request({ method: 'POST', path: `/api/v1/estates/${estateId}/motions`, data });

/** Uploads a document for a motion about to be announced; resolves to {id, filename, ...}. */
// The file part carries the temporary file's name (tmp_…); the person's own name goes as a field.
async function uploadAttachment(estateId, filePath, filename, onProgress) {
  const formData = filename ? { filename } : undefined;
  try {
    return await upload({ path: `/api/v1/estates/${estateId}/motion-attachments`, filePath, name: 'file', formData, onProgress });
  } catch (err) {
    // A proxy in front of the API answers an oversized body with its own page, not our envelope.
    if (err.status === 413) err.message = ATTACHMENT_TOO_LARGE_MESSAGE;
    throw err;
  }
}

/** query: {q?, page, page_size}; resolves to a page of electors {id, kind, label, area_dm2, unit_count, voted}. */
const listElectors = (motionId, query) => request({ path: `/api/v1/motions/${motionId}/electors`, data: query });

/** ballot: {elector_id, choice, note}; 409 already_voted / motion_not_open, 403 not the organiser. */
const recordPaperBallot = (motionId, ballot) =>
  request({ method: 'POST', path: `/api/v1/motions/${motionId}/paper-ballots`, data: ballot });

// ---- Numbers ----

const isCount = (n) => Number.isSafeInteger(n) && n >= 0;

/**
 * 123456 dm² → "1,234.56 ㎡"; anything but a non-negative safe integer → "".
 * Works on the digits, as formatMoney does, so no area is rounded through a float.
 */
function formatAreaDm2(dm2) {
  if (!isCount(dm2)) return '';
  const digits = String(dm2).padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${whole}.${digits.slice(-2)} ㎡`;
}

/**
 * part of total in percent with one decimal, rounded half up: share(2, 3) → "66.7"; a total of
 * 0 → "0.0"; anything but non-negative safe integers → "". Integer division with a remainder,
 * so 1/8 reads "12.5" and never "12.4" from a float just under it.
 */
function share(part, total) {
  if (!isCount(part) || !isCount(total)) return '';
  if (total === 0) return '0.0';
  const scaled = part * 1000;
  // Past 2^53 the product is no longer exact; such areas (10^10 m²) are not an estate's.
  if (!Number.isSafeInteger(scaled * 2)) return '';
  const remainder = scaled % total;
  let tenths = (scaled - remainder) / total;
  if (remainder * 2 >= total) tenths += 1;
  return `${(tenths - (tenths % 10)) / 10}.${tenths % 10}`;
}

/** A bar's width for share's text: capped at the track, and an empty bar for no share. */
const barStyle = (percent) => `width: ${Math.min(Number(percent) || 0, 100)}%`;

const MINUTE_MS = 60 * 1000;

/** 3 days 4 hours 59 minutes → "3 天 4 小时"; under an hour → "5 分"; under a minute → "不到 1 分". */
function durationText(ms) {
  const minutes = Math.floor(ms / MINUTE_MS);
  const days = Math.floor(minutes / (24 * 60));
  const hours = Math.floor((minutes % (24 * 60)) / 60);
  const rest = minutes % 60;
  if (days) return `${days} 天 ${hours} 小时`;
  if (hours) return `${hours} 小时 ${rest} 分`;
  return rest ? `${rest} 分` : '不到 1 分';
}

/**
 * "距投票开始 3 天 4 小时" before opens_at, "距投票结束 2 小时 5 分" before closes_at,
 * "投票已结束" after it or once closed; "" for a cancelled motion. now is in ms.
 */
function countdownText(motion, now = Date.now()) {
  if (motion.status === 'cancelled') return '';
  if (motion.status === 'closed') return '投票已结束';
  const opens = Date.parse(motion.opens_at);
  const closes = Date.parse(motion.closes_at);
  if (now < opens) return `距投票开始 ${durationText(opens - now)}`;
  if (now < closes) return `距投票结束 ${durationText(closes - now)}`;
  return '投票已结束';
}

// ---- Views ----

const labelOf = (labels, code, given) => given || labels[code] || code || '';

/** One bar: what it counts, how much of what, its share and width. */
function bar(key, label, valueText, part, total) {
  const percent = share(part, total);
  return { key, label, valueText, percentText: percent ? `${percent}%` : '', barStyle: barStyle(percent) };
}

/** Owners of all: "86 / 120 人", with the share and the bar. */
const ownersBar = (key, label, part, total) => bar(key, label, `${part} / ${total} 人`, part, total);

/** Area of all: "8,000.00 ㎡ / 12,345.67 ㎡", with the share and the bar. */
const areaBar = (key, label, part, total) =>
  bar(key, label, `${formatAreaDm2(part)} / ${formatAreaDm2(total)}`, part, total);

/** The turnout while voting: owners and area that voted, against all electors; [] without one. */
function turnoutBars(turnout) {
  if (!turnout) return [];
  return [
    ownersBar('owners', '已投票人数', turnout.owners_voted, turnout.owners_total),
    areaBar('area', '已投票面积', turnout.area_voted_dm2, turnout.area_total_dm2),
  ];
}

const myBallotText = (ballot) =>
  ballot ? `您已投票：${labelOf(CHOICE_LABELS, ballot.choice, ballot.choice_label)}（${formatTime(ballot.cast_at)}）` : '';

/**
 * A Motion, with the texts and flags its templates show. now (ms) decides the countdown and
 * whether counting may be asked for; the server decides again.
 */
function motionView(motion, now = Date.now()) {
  const { status, turnout, result } = motion;
  const pastClose = now >= Date.parse(motion.closes_at);
  // The list shows the turnout only while it still moves.
  const turnoutText = status === 'open' && turnout ? `已投 ${turnout.owners_voted}/${turnout.owners_total} 人` : '';
  const countdown = countdownText(motion, now);
  return {
    ...motion,
    statusText: labelOf(STATUS_LABELS, status, motion.status_label),
    tagType: STATUS_TAG_TYPES[status] || 'default',
    announcedText: formatTime(motion.announced_at),
    opensText: formatTime(motion.opens_at),
    closesText: formatTime(motion.closes_at),
    closedText: formatTime(motion.closed_at),
    countdownText: countdown,
    attachments: (motion.attachments || []).map((file) => ({
      ...file,
      // files.openFile reads the name to pick WeChat's document reader.
      name: file.filename,
      sizeText: formatSize(file.size),
    })),
    turnoutText,
    metaText: [turnoutText, countdown].filter(Boolean).join(' · '),
    turnoutBars: turnoutBars(turnout),
    outcomeText: result ? result.outcome_label : '',
    outcomeTagType: result ? OUTCOME_TAG_TYPES[result.outcome] || 'default' : '',
    myBallotText: myBallotText(motion.my_ballot),
    canVote: Boolean(motion.can_vote),
    // The reason only matters to someone who has not voted and cannot.
    blockReason: !motion.can_vote && !motion.my_ballot ? motion.vote_block_reason || '' : '',
    canCancel: Boolean(motion.can_organise) && status === 'announced',
    // The snapshot exists from opening; paper ballots are taken until the vote is counted.
    canOpenElectors: Boolean(motion.can_manage) && status === 'open',
    canClose: Boolean(motion.can_manage) && status === 'open' && pastClose,
    isClosed: status === 'closed',
  };
}

/** The yes/no/abstain bars of a result, by area or by owners, in percent of those who took part. */
function choiceBars(result, measure) {
  const field = measure === 'area' ? 'area_dm2' : 'owners';
  const total = result.participating[field];
  return CHOICES.map(({ choice, label }) => {
    const part = result[choice][field];
    const valueText = measure === 'area' ? formatAreaDm2(part) : `${part} 人`;
    return { ...bar(choice, label, valueText, part, total), choice };
  });
}

/**
 * What the result page shows of a Motion: the outcome, the quorum lines and the choice bars once
 * closed; before that, published is false and only the turnout is there.
 */
function resultView(motion) {
  const { result } = motion;
  const base = {
    title: motion.title,
    estateName: motion.estate_name,
    matterText: motion.matter_label,
    thresholdText: motion.threshold_label,
    quorumRule: QUORUM_RULE,
    published: Boolean(result),
    turnoutBars: turnoutBars(motion.turnout),
  };
  if (!result) return base;
  const { participating, total } = result;
  return {
    ...base,
    outcomeText: result.outcome_label,
    outcomeTagType: OUTCOME_TAG_TYPES[result.outcome] || 'default',
    closedText: formatTime(motion.closed_at),
    quorumMet: Boolean(result.quorum_met),
    quorumText: result.quorum_met ? '已达到法定参与比例' : '未达到法定参与比例',
    quorumBars: [
      ownersBar('owners', '参与表决人数', participating.owners, total.owners),
      areaBar('area', '参与表决面积', participating.area_dm2, total.area_dm2),
    ],
    areaBars: choiceBars(result, 'area'),
    ownerBars: choiceBars(result, 'owners'),
  };
}

/** A ballot of GET /me/ballots, with the texts its row shows. */
function ballotView(ballot) {
  const { motion } = ballot;
  // The server names the channel; an answer without a name shows no "via" rather than a code.
  const channel = ballot.channel_label;
  return {
    ...ballot,
    key: motion.id,
    motionStatusText: labelOf(STATUS_LABELS, motion.status, motion.status_label),
    tagType: STATUS_TAG_TYPES[motion.status] || 'default',
    choiceText: `我的选择：${labelOf(CHOICE_LABELS, ballot.choice, ballot.choice_label)}`,
    castText: `${formatTime(ballot.cast_at)} 投票${channel ? `（${channel}）` : ''}`,
  };
}

/** GET /me/wecom-binding, with its texts. */
function bindingView(binding) {
  return { ...binding, boundText: formatTime(binding.bound_at) };
}

/** A binding code, with its expiry in Shanghai time; expired is true once it can no longer bind. */
function bindingCodeView(code, now = Date.now()) {
  return { ...code, expiresText: formatTime(code.expires_at), expired: now >= Date.parse(code.expires_at) };
}

/** The confirmation a ballot needs before it is sent, naming the choice. */
const confirmMessage = (choice) => `您选择「${CHOICE_LABELS[choice]}」。投票后不可更改，确认提交吗？`;

/** True when one of an estate's my_roles may announce motions there. */
const canAnnounce = (myRoles) => (myRoles || []).some(({ role }) => ORGANISER_ROLES.includes(role));

/** An elector of the snapshot, with its kind's tag and "2 套 · 245.67 ㎡". */
function electorView(elector) {
  const kind = ELECTOR_KINDS[elector.kind] || { label: elector.kind || '', tagType: 'default' };
  return {
    ...elector,
    kindText: kind.label,
    kindTagType: kind.tagType,
    detailText: `${elector.unit_count} 套 · ${formatAreaDm2(elector.area_dm2)}`,
  };
}

/** The confirmation a paper ballot needs before it is sent, naming whose and which. */
const paperBallotConfirmMessage = (label, choice) =>
  `为「${label}」录入「${CHOICE_LABELS[choice]}」。录入后不可更改，确认提交吗？`;

// ---- Times of a motion, on Shanghai's clock ----

const DAY_MS = 24 * 60 * MINUTE_MS;
// Asia/Shanghai has kept UTC+8 without daylight saving since 1991 (as utils/format.js), so the
// form's times mean the same on a phone set to another zone.
const SHANGHAI_OFFSET_MS = 8 * 60 * MINUTE_MS;
const pad = (n) => String(n).padStart(2, '0');

/** ms → {date: 'YYYY-MM-DD', time: 'HH:mm'} on Shanghai's clock. */
function shanghaiClock(ms) {
  const t = new Date(ms + SHANGHAI_OFFSET_MS);
  return {
    date: `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`,
    time: `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`,
  };
}

/** '2026-12-20', '09:00' on Shanghai's clock → '2026-12-20T09:00:00+08:00', as the API takes it. */
const isoAt = (date, time) => `${date}T${time}:00+08:00`;

/** '2026-12-28' + 7 → '2027-01-04' (calendar days, so no hour is lost or gained). */
const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

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

// van-datetime-picker works on the phone's own clock: a date is the phone's midnight of the day
// it shows. These read and give the day as shown, whatever the phone's zone.

/** A picked date (ms) → 'YYYY-MM-DD' as the picker showed it. */
function pickedDate(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 'YYYY-MM-DD' → the picker's value for that day. */
function pickerDate(date) {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(year, month - 1, day).getTime();
}

// ---- Checks done before anything is sent; the server checks again ----

// The server counts code points, so an emoji is one character here too, not two UTF-16 units.
const charCount = (text) => Array.from(text || '').length;
const isBlank = (text) => !text || !text.trim();

/** A required text's error: blank or over max characters; '' when fine. */
function textError(text, max, what) {
  if (isBlank(text)) return `请填写${what}`;
  return charCount(text) > max ? `${what}不能超过${max}个字` : '';
}

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
  if (charCount(note) > NOTE_MAX) errors.note = `备注不能超过${NOTE_MAX}个字`;
  return errors;
}

/** Returns {reason: message} when a cancellation's reason is missing or too long. */
function cancelErrors({ reason }) {
  if (!reason || !reason.trim()) return { reason: '请填写取消原因' };
  if (charCount(reason) > CANCEL_REASON_MAX) return { reason: `取消原因不能超过${CANCEL_REASON_MAX}个字` };
  return {};
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
  ATTACHMENT_TOO_LARGE_MESSAGE,
  ORGANISER_ROLES,
  ELECTOR_KINDS,
  STATUS_LABELS,
  STATUS_TAG_TYPES,
  OUTCOME_TAG_TYPES,
  CHOICES,
  CHOICE_LABELS,
  TABS,
  QUORUM_RULE,
  listMotions,
  getMotion,
  castBallot,
  cancelMotion,
  closeMotion,
  listMyBallots,
  getWecomBinding,
  requestBindingCode,
  unbindWecom,
  createMotion,
  uploadAttachment,
  listElectors,
  recordPaperBallot,
  formatAreaDm2,
  share,
  barStyle,
  durationText,
  countdownText,
  motionView,
  resultView,
  ballotView,
  bindingView,
  bindingCodeView,
  confirmMessage,
  canAnnounce,
  electorView,
  paperBallotConfirmMessage,
  shanghaiClock,
  isoAt,
  addDays,
  defaultTimes,
  closingAfter,
  earliestOpening,
  pickedDate,
  pickerDate,
  cancelErrors,
  motionErrors,
  paperBallotErrors,
};
