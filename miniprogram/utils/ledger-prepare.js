// What the preparer's (bookkeeper's, manager's, committee's) ledger pages send: new periods,
// entries, vouchers and the month's .xlsx; the choices those forms offer and their checks.
const { request, upload } = require('./api');
const { shanghaiClock } = require('./clock');
const { parseYuan } = require('./money-input');
const { requiredTextError, tooLong } = require('./text');

const COUNTERPARTY_MAX = 100;
const DESCRIPTION_MAX = 500;
const MAX_VOUCHERS_PER_PICK = 9;

// Who prepares the accounts (backend/ledger/access.py PREPARER_ROLES). Only shows the buttons:
// the server decides, and a period's `actions` say what the caller may do with it.
const PREPARER_ROLES = ['committee_chair', 'committee_member', 'property_manager'];

/** True when one of an estate's my_roles may open periods and write entries. */
const canPrepare = (roles) => (roles || []).some(({ role }) => PREPARER_ROLES.includes(role));

// backend/ledger/models.py CATEGORIES, in its order.
const CATEGORIES = [
  { code: 'parking', direction: 'income', label: '停车收益' },
  { code: 'advertising', direction: 'income', label: '广告收益' },
  { code: 'venue_rent', direction: 'income', label: '场地租金' },
  { code: 'other_income', direction: 'income', label: '其他收入' },
  { code: 'shared_costs', direction: 'expense', label: '公摊费用' },
  { code: 'maintenance', direction: 'expense', label: '维修维保' },
  { code: 'management', direction: 'expense', label: '管理费用' },
  { code: 'other_expense', direction: 'expense', label: '其他支出' },
];

const categoriesOf = (direction) => CATEGORIES.filter((c) => c.direction === direction);
const categoryLabel = (code) => (CATEGORIES.find((c) => c.code === code) || {}).label || '';

// ---- API ----

const base = (estateId) => `/api/v1/estates/${estateId}/ledger`;

/** data: {kind: 'month'|'quarter', start_date}; resolves to the new PeriodDetail. */
const createPeriod = (estateId, data) => request({ method: 'POST', path: `${base(estateId)}/periods`, data });

const submitPeriod = (estateId, periodId) =>
  request({ method: 'POST', path: `${base(estateId)}/periods/${periodId}/transitions`, data: { action: 'submit' } });

const addEntry = (estateId, periodId, data) =>
  request({ method: 'POST', path: `${base(estateId)}/periods/${periodId}/entries`, data });

const updateEntry = (estateId, entryId, data) =>
  request({ method: 'PATCH', path: `${base(estateId)}/entries/${entryId}`, data });

const deleteEntry = (estateId, entryId) => request({ method: 'DELETE', path: `${base(estateId)}/entries/${entryId}` });

// wx.uploadFile names the part after its temp file: the name the file had in the chat goes
// along as `filename`, so the voucher keeps it and the import sees its .xlsx.
const uploadVoucher = (estateId, entryId, { path, name }, onProgress) =>
  upload({ path: `${base(estateId)}/entries/${entryId}/vouchers`, filePath: path, formData: { filename: name }, onProgress });

const importEntries = (estateId, periodId, { path, name }) =>
  upload({ path: `${base(estateId)}/periods/${periodId}/entries/import`, filePath: path, formData: { filename: name } });

const templateFile = (estateId) => ({
  url: `${base(estateId)}/import-template`,
  name: '账目导入模板.xlsx',
  content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
});

// ---- The new period's choices: this month and quarter back a year or two ----

const pad = (n) => String(n).padStart(2, '0');

/**
 * The periods one may open, newest first, as {start_date, label}: the last 12 months, or the
 * last 8 quarters, up to today's on Shanghai's clock (the server refuses future ones).
 */
function periodChoices(kind, nowMs = Date.now()) {
  const [year, month] = shanghaiClock(nowMs).date.split('-').map(Number);
  const choices = [];
  const step = kind === 'quarter' ? 3 : 1;
  const count = kind === 'quarter' ? 8 : 12;
  let index = year * 12 + (month - 1);
  if (kind === 'quarter') index -= (month - 1) % 3;
  for (let i = 0; i < count; i += 1, index -= step) {
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    const label = kind === 'quarter' ? `${y}年第${(m - 1) / 3 + 1}季度` : `${y}年${m}月`;
    choices.push({ start_date: `${y}-${pad(m)}-01`, label });
  }
  return choices;
}

// ---- The entry form ----

/** {errors, data}: the entry form checked, and the body to send (amount in fen) when valid. */
function entryForm({ entryDate, direction, category, amountText, counterparty, description }) {
  const errors = {};
  if (!entryDate) errors.entry_date = '请选择日期';
  if (!category) errors.category = '请选择类别';
  const amount = parseYuan(amountText);
  if (amount.error) errors.amount_fen = amount.error;
  const partyError = tooLong((counterparty || '').trim(), COUNTERPARTY_MAX, '往来单位');
  if (partyError) errors.counterparty = partyError;
  const textError = requiredTextError(description, DESCRIPTION_MAX, '请填写摘要', '摘要');
  if (textError) errors.description = textError;
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    data: {
      entry_date: entryDate,
      direction,
      category,
      amount_fen: amount.fen,
      counterparty: (counterparty || '').trim(),
      description: description.trim(),
    },
  };
}

// ---- The import's answer ----

/**
 * The row errors of a refused import (fields.rows: {"3": [messages]}), as a list in row order
 * for the page to show against each row; [] when the refusal was not about rows.
 */
function rowErrors(err) {
  const rows = (err && err.rawFields && err.rawFields.rows) || {};
  return Object.keys(rows)
    .map(Number)
    .filter(Number.isInteger)
    .sort((a, b) => a - b)
    .map((row) => ({ row, messages: [].concat(rows[String(row)]) }));
}

module.exports = {
  COUNTERPARTY_MAX,
  DESCRIPTION_MAX,
  MAX_VOUCHERS_PER_PICK,
  PREPARER_ROLES,
  CATEGORIES,
  canPrepare,
  categoriesOf,
  categoryLabel,
  createPeriod,
  submitPeriod,
  addEntry,
  updateEntry,
  deleteEntry,
  uploadVoucher,
  importEntries,
  templateFile,
  periodChoices,
  entryForm,
  rowErrors,
};
