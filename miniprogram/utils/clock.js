// Time on Shanghai's clock. Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so
// a fixed offset is exact and spares us Intl time zones, which not every phone's JS engine ships;
// the forms' times mean the same on a phone set to another zone.

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;
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

module.exports = { MINUTE_MS, DAY_MS, shanghaiClock, isoAt, addDays, pickedDate, pickerDate };
