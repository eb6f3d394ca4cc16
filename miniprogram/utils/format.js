// Display formatting. Areas are integers in 0.01 m² and money is integer fen, so no float
// ever reaches the screen.
const { shanghaiClock } = require('./clock');

/** 8912 → "89.12", 5 → "0.05"; anything but a non-negative integer → "". */
function formatArea(areaCm2) {
  if (!Number.isInteger(areaCm2) || areaCm2 < 0) return '';
  const whole = (areaCm2 - (areaCm2 % 100)) / 100;
  const hundredths = String(areaCm2 % 100).padStart(2, '0');
  return `${whole}.${hundredths}`;
}

/** 8912 → "89.12㎡". */
function areaLabel(areaCm2) {
  const area = formatArea(areaCm2);
  return area ? `${area}㎡` : '';
}

/** "2026-11-23T02:30:00Z" → "2026-11-23 10:30" (Asia/Shanghai); unparsable → "". */
function formatTime(iso) {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) return '';
  const { date, time } = shanghaiClock(ms);
  return `${date} ${time}`;
}

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB'];

/** 1258291 → "1.2 MB", 512 → "512 B"; anything but a non-negative integer → "". */
function formatSize(bytes) {
  if (!Number.isInteger(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  // Compare the rounded value, so 1048575 bytes reads "1 MB" rather than "1024 KB".
  while (Number(value.toFixed(1)) >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(1))} ${SIZE_UNITS[unit]}`;
}

/**
 * 123450 → "¥1,234.50", -99 → "-¥0.99"; anything but a safe integer → "".
 * Works on the digits of the integer, so no amount is ever rounded through a float. Integers
 * beyond 2^53 are refused: JSON has already rounded them, so their cents would be made up.
 */
function formatMoney(fen) {
  if (!Number.isSafeInteger(fen)) return '';
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${fen < 0 ? '-' : ''}¥${yuan}.${digits.slice(-2)}`;
}

module.exports = { formatArea, areaLabel, formatTime, formatSize, formatMoney };
