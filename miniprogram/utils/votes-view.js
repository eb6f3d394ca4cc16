// How the vote (业主共同决定) pages show what the API answers: labels, areas, shares and
// countdowns, and the views of motions, results, ballots, electors and the WeCom binding.
const { MINUTE_MS } = require('./clock');
const { formatTime, formatSize } = require('./format');

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

// Roles that organise votes on their estate. Only hides the button: the server decides (403).
const ORGANISER_ROLES = ['committee_member', 'committee_chair'];

// Electors of the snapshot: a verified owner (or co-owners), the developer's unsold units as
// one owner, or a unit whose owner is not verified in Linli.
const ELECTOR_KINDS = {
  owner: { label: '认证业主', tagType: 'primary' },
  developer: { label: '开发建设单位', tagType: 'warning' },
  unverified: { label: '未认证房屋', tagType: 'default' },
};

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

/**
 * 表决范围: "全体业主" for a motion of the whole estate, else its buildings' names; names maps a
 * building id to its name where the answer carries only ids ('' until they are known).
 */
function scopeText(motion, names = {}) {
  const ids = motion.building_ids;
  if (!ids || !ids.length) return '全体业主';
  const found = motion.building_names || ids.map((id) => names[id]).filter(Boolean);
  return found.length === ids.length ? `${found.join('、')}业主` : '';
}

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
    scopeText: scopeText(motion),
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

module.exports = {
  ORGANISER_ROLES,
  ELECTOR_KINDS,
  STATUS_LABELS,
  STATUS_TAG_TYPES,
  OUTCOME_TAG_TYPES,
  CHOICES,
  CHOICE_LABELS,
  TABS,
  QUORUM_RULE,
  formatAreaDm2,
  share,
  barStyle,
  durationText,
  countdownText,
  scopeText,
  motionView,
  resultView,
  ballotView,
  bindingView,
  bindingCodeView,
  confirmMessage,
  canAnnounce,
  electorView,
  paperBallotConfirmMessage,
};
