// What the ledger (业账社审) pages share: the API calls, who may approve, the form checks and
// how periods, statements, entries and questions from the API are shown.
const { request } = require('./api');
const { formatMoney, formatTime, formatSize } = require('./format');
const { requiredTextError } = require('./text');

const QUESTION_BODY_MAX = 500;
const RETURN_REASON_MAX = 200;

// Roles that approve a submitted period. Only shows the 待我审批 links: the server decides,
// and pending-approvals leaves out periods the caller submitted.
const APPROVER_ROLES = ['committee_member', 'committee_chair'];

/** True when one of an estate's my_roles (or /me memberships) may approve periods. */
const canApprovePeriods = (roles) => (roles || []).some(({ role }) => APPROVER_ROLES.includes(role));

// ---- API ----

const base = (estateId) => `/api/v1/estates/${estateId}/ledger`;

const listPeriods = (estateId, paging) => request({ path: `${base(estateId)}/periods`, data: paging });

const getPeriod = (estateId, periodId) => request({ path: `${base(estateId)}/periods/${periodId}` });

const getStatement = (estateId, periodId) => request({ path: `${base(estateId)}/periods/${periodId}/statement` });

/** action is "approve", or "return" with a reason; resolves to the PeriodDetail. */
const transitionPeriod = (estateId, periodId, data) =>
  request({ method: 'POST', path: `${base(estateId)}/periods/${periodId}/transitions`, data });

const listEntries = (estateId, periodId, paging) =>
  request({ path: `${base(estateId)}/periods/${periodId}/entries`, data: paging });

const getEntry = (estateId, entryId) => request({ path: `${base(estateId)}/entries/${entryId}` });

const listQuestions = (estateId, periodId, paging) =>
  request({ path: `${base(estateId)}/periods/${periodId}/questions`, data: paging });

/** Asks about a period, or about one of its entries when entryId is given. */
const askQuestion = (estateId, periodId, { body, entryId }) =>
  request({
    method: 'POST',
    path: `${base(estateId)}/periods/${periodId}/questions`,
    data: entryId ? { body, entry_id: entryId } : { body },
  });

const listPendingApprovals = (paging) => request({ path: '/api/v1/ledger/pending-approvals', data: paging });

// ---- Checks done before anything is sent; the server checks again ----

/** Returns {body: message} when a question is empty or too long. */
function questionErrors({ body }) {
  const error = requiredTextError(body, QUESTION_BODY_MAX, '请填写质询内容', '质询内容');
  return error ? { body: error } : {};
}

/** Returns {reason: message} when a return's reason is missing or too long. */
function returnErrors({ reason }) {
  const error = requiredTextError(reason, RETURN_REASON_MAX, '请填写退回原因', '退回原因');
  return error ? { reason: error } : {};
}

// ---- Views ----

// Status → Vant tag colour; the Chinese label comes from the server.
const STATUS_TAG_TYPES = {
  draft: 'default',
  submitted: 'warning',
  committee_approved: 'warning',
  audited: 'primary',
  published: 'success',
};

// Balances are null while they cannot be known yet; a dash says so better than "¥0.00".
const moneyOrDash = (fen) => formatMoney(fen) || '—';

// The list says on which day a period was published; the minute adds nothing there.
const dateOf = (iso) => formatTime(iso).slice(0, 10);

// How much of a hash fits in a line and still tells two periods apart at a glance.
const HASH_SHOWN = 16;
const shortHash = (hash) => (hash ? `${hash.slice(0, HASH_SHOWN)}…` : '');

/** A PeriodSummary or PeriodDetail (or a pending approval), with the texts its templates show. */
function periodView(period) {
  return {
    ...period,
    tagType: STATUS_TAG_TYPES[period.status] || 'default',
    incomeText: formatMoney(period.income_total_fen),
    expenseText: formatMoney(period.expense_total_fen),
    openingText: moneyOrDash(period.opening_balance_fen),
    closingText: moneyOrDash(period.closing_balance_fen),
    publishedDate: dateOf(period.published_at),
    approvalText: `${period.approval_count || 0}/${period.approvals_required || 0}`,
    headHashShort: shortHash(period.head_hash),
    approvalNames: (period.approvals || []).map((a) => a.by).join('、'),
    // Events carry no id; their place in the history is a stable key.
    events: (period.events || []).map((e, index) => ({ ...e, key: index, atText: formatTime(e.at) })),
    canSubmit: (period.actions || []).includes('submit'),
    canApprove: (period.actions || []).includes('approve'),
    canReturn: (period.actions || []).includes('return'),
    // Submitting is open exactly while the caller may still write the draft's entries.
    canSubmit: (period.actions || []).includes('submit'),
    // Only a detail says; a summary's undefined is not "unpublished".
    previousUnpublished: period.previous_published === false,
  };
}

/**
 * Bar widths for the category chart, in percent of the largest category, so the biggest bar
 * fills the row. A category too small to round to 1% still gets a sliver, so "some" never
 * looks like "none"; a negative total (reversals of an earlier period) draws no bar.
 */
function barWidth(totalFen, largestFen) {
  if (!(totalFen > 0) || !(largestFen > 0)) return 0;
  return Math.max(1, Math.round((totalFen / largestFen) * 100));
}

function categoryView(category, largestFen) {
  const width = barWidth(category.total_fen, largestFen);
  return {
    ...category,
    totalText: formatMoney(category.total_fen),
    width,
    barStyle: `width: ${width}%`,
    previousText: category.previous_total_fen === null || category.previous_total_fen === undefined
      ? ''
      : `上期 ${formatMoney(category.previous_total_fen)}`,
  };
}

/** A statement, with money texts and its categories split into income and expense bars. */
function statementView(statement) {
  const categories = statement.categories || [];
  const largest = Math.max(0, ...categories.map((c) => c.total_fen));
  const views = categories.map((c) => categoryView(c, largest));
  return {
    ...statement,
    openingText: moneyOrDash(statement.opening_balance_fen),
    incomeText: moneyOrDash(statement.income_total_fen),
    expenseText: moneyOrDash(statement.expense_total_fen),
    closingText: moneyOrDash(statement.closing_balance_fen),
    incomeCategories: views.filter((c) => c.direction === 'income'),
    expenseCategories: views.filter((c) => c.direction === 'expense'),
    headHashShort: shortHash(statement.head_hash),
    previousHashShort: shortHash(statement.previous_hash),
    previousText: statement.previous
      ? `上期 ${statement.previous.label} 期末结余 ${moneyOrDash(statement.previous.closing_balance_fen)}`
      : '',
  };
}

const isImage = (voucher) => String(voucher.content_type).startsWith('image/');

// A reversal repeats the direction, category and amount of the entry it cancels and counts
// against them: show it negative, or "支出 ¥380.00" would read as money spent twice.
const shownAmount = (entry) => (entry.reverses_entry_id && entry.amount_fen > 0 ? -entry.amount_fen : entry.amount_fen);

/** An Entry or EntryDetail, with the texts its templates show. */
function entryView(entry) {
  return {
    ...entry,
    amountText: formatMoney(shownAmount(entry)),
    // Entries carry ids, not numbers within the period: "第X笔" names the id the list shows.
    reversesText: entry.reverses_entry_id ? `冲销第${entry.reverses_entry_id}笔` : '',
    reversedByText: entry.reversed_by_entry_id ? `已被第${entry.reversed_by_entry_id}笔冲销` : '',
    vouchers: (entry.vouchers || []).map((v) => ({ ...v, sizeText: formatSize(v.size), isImage: isImage(v) })),
  };
}

/** A Question, with its local times. */
function questionView(question) {
  return {
    ...question,
    askedText: formatTime(question.asked_at),
    answeredText: formatTime(question.answered_at),
  };
}

module.exports = {
  QUESTION_BODY_MAX,
  RETURN_REASON_MAX,
  APPROVER_ROLES,
  canApprovePeriods,
  listPeriods,
  getPeriod,
  getStatement,
  transitionPeriod,
  listEntries,
  getEntry,
  listQuestions,
  askQuestion,
  listPendingApprovals,
  questionErrors,
  returnErrors,
  periodView,
  barWidth,
  statementView,
  entryView,
  questionView,
};
