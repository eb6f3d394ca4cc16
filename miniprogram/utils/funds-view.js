// How the fund (公维金) pages show what the API answers: balances, movements, repair projects
// with their stage, authorisation, documents, payments and rating, and what the caller may do.
const { formatMoney, formatTime, formatSize } = require('./format');
const { formatAreaDm2 } = require('./votes-view');

// Stage → Vant tag colour: being prepared grey, waiting on someone orange, approved or working
// blue, done green, stopped red. The Chinese label comes from the server.
const STATUS_TAG_TYPES = {
  draft: 'default',
  submitted: 'warning',
  returned: 'danger',
  prechecked: 'warning',
  authorised: 'primary',
  in_progress: 'primary',
  stopped: 'danger',
  accepted: 'warning',
  paid: 'success',
  cancelled: 'default',
};

const TABS = [
  { key: 'all', title: '全部', query: {} },
  { key: 'in_progress', title: '施工中', query: { status: 'in_progress' } },
  { key: 'accepted', title: '待支付', query: { status: 'accepted' } },
  { key: 'paid', title: '已支付', query: { status: 'paid' } },
];

// Roles that prepare and run projects. Only shows the buttons: the server decides (403).
const COMMITTEE_ROLES = ['committee_member', 'committee_chair'];

// The three signatures of an emergency repair, in the order they are usually given.
const SIGN_OFF_KINDS = [
  { kind: 'committee', action: 'sign_committee', label: '业委会签批' },
  { kind: 'community', action: 'sign_community', label: '社区签批' },
  { kind: 'township', action: 'sign_township', label: '街道（乡镇）签批' },
];

const PHOTO_KINDS = ['progress_photo', 'acceptance_photo'];

// How much of a hash fits in a line and still tells two links apart at a glance.
const HASH_SHOWN = 16;
const shortHash = (hash) => (hash ? `${hash.slice(0, HASH_SHOWN)}…` : '');

// A balance the API cannot know yet (no fund imported) reads as a dash rather than ¥0.00.
const moneyOrDash = (fen) => formatMoney(fen) || '—';

/** True when one of an estate's my_roles may prepare repair projects there. */
const isCommittee = (myRoles) => (myRoles || []).some(({ role }) => COMMITTEE_ROLES.includes(role));

/** The Fund: the estate's balance, each building's and each of my units', with their texts. */
function fundView(fund) {
  return {
    ...fund,
    balanceText: moneyOrDash(fund.balance_fen),
    headHashShort: shortHash(fund.head_hash),
    buildings: (fund.buildings || []).map((b) => ({
      ...b,
      balanceText: moneyOrDash(b.balance_fen),
      detailText: `${b.unit_count} 户 · ${formatAreaDm2(b.area_dm2)}`,
    })),
    myUnits: (fund.my_units || []).map((u) => ({
      ...u,
      balanceText: moneyOrDash(u.balance_fen),
      areaText: formatAreaDm2(u.area_dm2),
    })),
  };
}

// Money in is shown with a plus, so a deposit never reads like a payment.
const signedMoney = (fen) => (fen > 0 ? `+${formatMoney(fen)}` : formatMoney(fen));

/** A movement of the fund, with its amount, where it belongs, my share and its chain link. */
function movementView(movement) {
  const where = movement.unit_label || movement.building_name || '全小区';
  return {
    ...movement,
    amountText: signedMoney(movement.amount_fen),
    amountClass: movement.amount_fen < 0 ? 'money--out' : 'money--in',
    whereText: where,
    myShareText: Number.isSafeInteger(movement.my_amount_fen) ? `我的房屋：${signedMoney(movement.my_amount_fen)}` : '',
    linkText: movement.hash ? `资金链第 ${movement.chain_seq} 笔 · ${shortHash(movement.hash)}` : '',
  };
}

/**
 * The chain check in plain words: every movement as it was booked, or the first one that is
 * not, with the head hash the group was shown.
 */
function verifyView(result) {
  if (result.ok) {
    return {
      ok: true,
      text: result.links_checked ? `资金链完整：${result.links_checked} 笔收支均与入账时一致` : '尚无入账记录',
      hashText: result.head_hash ? `链头 ${shortHash(result.head_hash)}` : '',
    };
  }
  const { broken } = result;
  const where = broken && broken.chain_seq ? `第 ${broken.chain_seq} 笔` : '资金链';
  return { ok: false, text: `${where}已被改动：${broken ? broken.reason : ''}`, hashText: '' };
}

/** A project of the list: stage, budget, paid and the buildings that bear it. */
function projectSummaryView(project) {
  return {
    ...project,
    tagType: STATUS_TAG_TYPES[project.status] || 'default',
    budgetText: formatMoney(project.budget_fen),
    paidText: project.paid_fen ? `已支付 ${formatMoney(project.paid_fen)}` : '',
    buildingsText: (project.building_names || []).join('、'),
    createdText: formatTime(project.created_at).slice(0, 10),
    metaText: [`预算 ${formatMoney(project.budget_fen)}`, project.path_label, (project.building_names || []).join('、')]
      .filter(Boolean)
      .join(' · '),
  };
}

function documentView(doc) {
  return {
    ...doc,
    // files.openFile reads the name to pick WeChat's document reader.
    name: doc.filename,
    isPhoto: PHOTO_KINDS.includes(doc.kind),
    titleText: doc.caption || doc.filename,
    detailText: [doc.kind_label, formatSize(doc.size), formatTime(doc.created_at)].filter(Boolean).join(' · '),
  };
}

/** The vote or the signatures that authorise the project, as one line and a list. */
function authorisationView(project) {
  if (project.path === 'vote') {
    const { motion } = project;
    if (!motion) return { text: '尚未关联业主表决', motion: null, signOffs: [] };
    const outcome = motion.status === 'closed' ? (motion.passed ? '已通过' : '未通过') : motion.status_label;
    return { text: `业主表决：${outcome}`, motion: { ...motion, outcomeText: outcome }, signOffs: [] };
  }
  // A budget rise over the limit starts a new round: only this round's signatures count.
  const round = project.approval_round || 1;
  const signed = (project.sign_offs || []).filter((s) => (s.approval_round || 1) === round);
  const signOffs = SIGN_OFF_KINDS.map(({ kind, label }) => {
    const found = signed.find((s) => s.kind === kind);
    return {
      kind,
      label,
      signed: Boolean(found),
      text: found ? found.user_name : '待签批',
      note: found ? [formatTime(found.signed_at), found.note].filter(Boolean).join(' · ') : '',
    };
  });
  const count = signOffs.filter((s) => s.signed).length;
  return { text: `应急维修签批 ${count}/3（第 ${round} 轮）`, motion: null, signOffs };
}

/**
 * The owners' rating once the works are accepted (null before): the average so far, my score,
 * and whether I may still rate.
 */
function ratingView(rating, acceptedAt) {
  if (!rating || (!acceptedAt && !rating.count)) return null;
  return {
    ...rating,
    summaryText: rating.count ? `${rating.count} 位业主评价，平均 ${rating.average} 分` : '暂无业主评价',
    untilText: rating.open_until ? `评价截止 ${formatTime(rating.open_until)}` : '',
    myText: rating.my_score ? `您的评价：${rating.my_score} 分` : '',
    canRate: Boolean(rating.can_rate),
  };
}

/** A project's history for <timeline>: each stage change, who made it and when. */
const eventsView = (events) =>
  (events || []).map((e, index) => ({
    ...e,
    id: index, // events carry no id; their place in the history is a stable key
    kindText: e.action_label,
    actor_label: e.actor_name,
    atText: formatTime(e.created_at),
    photos: [],
  }));

/** A ProjectDetail, with the texts its templates show and what the caller may do now. */
function projectView(project) {
  const actions = project.actions || [];
  const can = (action) => actions.includes(action);
  const documents = (project.documents || []).map(documentView);
  return {
    ...project,
    tagType: STATUS_TAG_TYPES[project.status] || 'default',
    budgetText: formatMoney(project.budget_fen),
    approvedBudgetText: formatMoney(project.approved_budget_fen),
    paidText: formatMoney(project.paid_fen || 0),
    buildingsText: (project.buildings || []).map((b) => b.name).join('、'),
    bearingText: `${project.bearing_unit_count} 户 · ${formatAreaDm2(project.bearing_area_dm2)}`,
    quotes: (project.quotes || []).map((q) => ({ ...q, amountText: formatMoney(q.amount_fen) })),
    quotesText: project.quotes_required ? `需至少 ${project.quotes_required} 家报价` : '',
    authorisation: authorisationView(project),
    precheckText: project.prechecked_at
      ? `${project.prechecked_by_name} · ${formatTime(project.prechecked_at)}`
      : '',
    acceptedText: project.accepted_at ? `${project.accepted_by_name} · ${formatTime(project.accepted_at)}` : '',
    ownersToldText: project.owners_told_at ? formatTime(project.owners_told_at) : '',
    files: documents.filter((d) => !d.isPhoto),
    photos: documents.filter((d) => d.isPhoto),
    payments: (project.payments || []).map((p) => ({
      ...p,
      amountText: formatMoney(p.amount_fen),
      detailText: [p.paid_on, p.hash ? `资金链第 ${p.chain_seq} 笔 · ${shortHash(p.hash)}` : ''].filter(Boolean).join(' · '),
    })),
    rating: ratingView(project.rating, project.accepted_at),
    events: eventsView(project.events),
    createdText: formatTime(project.created_at),
    canEdit: can('edit'),
    canSubmit: can('submit'),
    canCancel: can('cancel'),
    canStart: can('start'),
    canAuthorise: can('authorise'),
    canNotify: can('notify_owners'),
    canCite: can('cite_motion'),
    canBudget: can('change_budget'),
    canAccept: can('accept'),
    canPay: can('pay'),
    canQuote: can('add_quote'),
    // Each file has its stage: quote sheets while quoting, the contract once the works are
    // approved, progress photos while they run; once accepted only vouchers remain.
    canUploadQuote: can('upload') && can('add_quote'),
    canUpload: can('upload') && ['prechecked', 'authorised', 'in_progress', 'stopped'].includes(project.status),
    canUploadProgress: can('upload') && ['in_progress', 'stopped'].includes(project.status),
    signActions: SIGN_OFF_KINDS.filter(({ action }) => can(action)),
    // The committee's forms live on the work page; one flag keeps its entry visible.
    canWork: ['cite_motion', 'change_budget', 'accept', 'pay', 'add_quote'].some(can) ||
      (can('upload') && ['prechecked', 'authorised', 'in_progress', 'stopped'].includes(project.status)),
  };
}

module.exports = {
  STATUS_TAG_TYPES,
  TABS,
  SIGN_OFF_KINDS,
  isCommittee,
  shortHash,
  fundView,
  movementView,
  verifyView,
  projectSummaryView,
  documentView,
  authorisationView,
  ratingView,
  projectView,
};
