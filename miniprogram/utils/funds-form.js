// What the fund (公维金) forms check before anything is sent (the server checks again), and
// money typed in yuan (the phone's digit keypad: digits and one point) read as exact fen. The
// text is split at the point and read as two integers, so no amount ever passes through a
// float: "0.29" is 29 fen, never 28.999….

const { requiredTextError, tooLong } = require('./text');

// The server's limits are its own; these only spare a round trip for what is plainly wrong.
const TITLE_MAX = 100;
const SCOPE_MAX = 2000;
const REASON_MAX = 500;
const CONTRACTOR_MAX = 100;
const NOTE_MAX = 500;
const PAYEE_MAX = 100;

// What a repair is of. Only the first four may take the emergency path (应急维修).
const CATEGORIES = [
  { code: 'lift', label: '电梯故障', emergency: true },
  { code: 'roof_wall_leak', label: '屋面、外墙渗漏', emergency: true },
  { code: 'fire_safety', label: '消防设施', emergency: true },
  { code: 'water_power', label: '供水、供电设施', emergency: true },
  { code: 'other', label: '其他共用部位、共用设施设备维修', emergency: false },
];

const PATHS = [
  { code: 'vote', label: '业主表决', help: '经承担费用的业主表决通过（过半数）后使用' },
  { code: 'emergency', label: '应急维修', help: '业委会、社区、街道三方签批，并在规定日内告知业主' },
];

// Two places: "12.5" is ¥12.50; a third place is a typo, not a rounding to make silently.
const YUAN = /^(\d{1,12})(?:\.(\d{0,2}))?$/;

/**
 * "1,234.5" → {fen: 123450}; blank → {error: '请输入金额'}; more than two places, letters, a
 * minus sign or more than max fen → {error}. Commas and spaces are allowed as typed or pasted.
 */
function parseYuan(text, { max = Number.MAX_SAFE_INTEGER, allowZero = false } = {}) {
  const typed = String(text == null ? '' : text).replace(/[,，\s]/g, '');
  if (!typed) return { error: '请输入金额' };
  if (typed.startsWith('-')) return { error: '金额不能为负数' };
  const match = YUAN.exec(typed.startsWith('.') ? `0${typed}` : typed);
  if (!match) {
    return { error: /^\d*\.\d{3,}$/.test(typed) ? '金额最多精确到分（两位小数）' : '请输入正确的金额，如 1234.50' };
  }
  const fen = Number(match[1]) * 100 + Number((match[2] || '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen) || fen > max) return { error: '金额超出上限' };
  if (fen === 0 && !allowZero) return { error: '金额须大于零' };
  return { fen };
}

/** 123450 → "1234.50", for putting an amount back into the field; anything but a safe integer → "". */
function yuanText(fen) {
  if (!Number.isSafeInteger(fen) || fen < 0) return '';
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Drops the fields without an error, so an empty object means valid. */
function only(errors) {
  Object.keys(errors).forEach((field) => !errors[field] && delete errors[field]);
  return errors;
}

/** Returns {field: message} for a new project under the API's field names; empty when valid. */
function projectErrors({ title, scope, category, path, budget, buildingIds }) {
  const picked = CATEGORIES.find((c) => c.code === category);
  const money = parseYuan(budget);
  return only({
    title: requiredTextError(title, TITLE_MAX, '请填写项目名称', '项目名称'),
    scope: requiredTextError(scope, SCOPE_MAX, '请填写维修范围和内容', '维修范围'),
    category: picked ? '' : '请选择维修类别',
    path: !PATHS.some((p) => p.code === path)
      ? '请选择批准方式'
      : path === 'emergency' && picked && !picked.emergency
        ? '该类别不属于应急维修范围'
        : '',
    budget_fen: money.error || '',
    building_ids: buildingIds && buildingIds.length ? '' : '请选择承担费用的楼栋',
  });
}

/** Returns {field: message} for a quote; empty when valid. */
function quoteErrors({ contractor, amount, note }) {
  return only({
    contractor: requiredTextError(contractor, CONTRACTOR_MAX, '请填写报价单位', '报价单位'),
    amount_fen: parseYuan(amount).error || '',
    note: tooLong(note, NOTE_MAX, '备注'),
  });
}

/** Returns {reason: message} when a required reason is missing or too long. */
function reasonErrors(reason, what = '理由') {
  const error = requiredTextError(reason, REASON_MAX, `请填写${what}`, what);
  return error ? { reason: error } : {};
}

/** Returns {field: message} for a payment; empty when valid. */
function paymentErrors({ amount, paidOn, payee, voucherIds }) {
  return only({
    amount_fen: parseYuan(amount).error || '',
    paid_on: /^\d{4}-\d{2}-\d{2}$/.test(paidOn || '') ? '' : '请选择支付日期',
    payee: requiredTextError(payee, PAYEE_MAX, '请填写收款单位', '收款单位'),
    voucher_ids: voucherIds && voucherIds.length ? '' : '请上传支付凭证',
  });
}

module.exports = {
  TITLE_MAX,
  SCOPE_MAX,
  REASON_MAX,
  CONTRACTOR_MAX,
  NOTE_MAX,
  PAYEE_MAX,
  CATEGORIES,
  PATHS,
  parseYuan,
  yuanText,
  projectErrors,
  quoteErrors,
  reasonErrors,
  paymentErrors,
};
