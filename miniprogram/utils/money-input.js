// Money typed in yuan on the keypad, kept as the typed text and turned into integer fen by its
// digits, never through a float: "1234.5" → 123450, and "0.1" + "0.2" never becomes 30.000000004.

// The server's bounds (backend/common/money.py): from 0.01 yuan to one billion.
const MAX_FEN = 100000000000;
const MAX_WHOLE_DIGITS = String(MAX_FEN / 100).length;
const RANGE_MESSAGE = `金额应在 0.01 元到 ${(MAX_FEN / 100).toLocaleString('en-US')} 元之间`;
const PLAIN = /^(\d+)(?:\.(\d*))?$/;

/**
 * Typed yuan → {fen} or {error}. Commas and ¥ are allowed ("¥1,234.50"); more than two decimals,
 * a sign, zero or more than the server takes is an error, not a rounding.
 */
function parseYuan(typed) {
  const text = String(typed === undefined || typed === null ? '' : typed).replace(/[,，¥\s]/g, '');
  if (!text) return { error: '请填写金额' };
  if (text.startsWith('-')) return { error: '金额不能为负数' };
  const match = PLAIN.exec(text);
  if (!match) return { error: '金额格式不正确' };
  const whole = match[1].replace(/^0+(?=\d)/, '');
  const decimals = match[2] || '';
  if (decimals.length > 2) return { error: '金额最多两位小数' };
  if (whole.length > MAX_WHOLE_DIGITS) return { error: RANGE_MESSAGE };
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (!(fen > 0 && fen <= MAX_FEN)) return { error: RANGE_MESSAGE };
  return { fen };
}

/** 123450 → "1234.50", the text the keypad starts from when an entry is edited. */
function yuanText(fen) {
  if (!Number.isSafeInteger(fen) || fen < 0) return '';
  const digits = String(fen).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * The typed text after one key: a digit, '.', or 'delete'. Keys that could only make the
 * amount wrong are ignored: a second point, a third decimal, a leading zero before a digit,
 * more whole digits than the largest amount has.
 */
function pressKey(text, key) {
  const current = text || '';
  if (key === 'delete') return current.slice(0, -1);
  const [whole, decimals] = current.split('.');
  if (key === '.') {
    if (decimals !== undefined) return current;
    return `${current || '0'}.`;
  }
  if (!/^\d$/.test(key)) return current;
  if (decimals !== undefined) return decimals.length >= 2 ? current : current + key;
  if (whole === '0') return key;
  return whole.length >= MAX_WHOLE_DIGITS ? current : current + key;
}

module.exports = { MAX_FEN, RANGE_MESSAGE, parseYuan, yuanText, pressKey };
