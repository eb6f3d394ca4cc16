const clock = require('../utils/clock');

test('shanghaiClock reads a UTC instant on UTC+8, across midnight', () => {
  expect(clock.shanghaiClock(Date.parse('2026-12-19T17:05:00Z'))).toEqual({ date: '2026-12-20', time: '01:05' });
  expect(clock.shanghaiClock(Date.parse('2026-12-20T01:00:00Z'))).toEqual({ date: '2026-12-20', time: '09:00' });
});

test('isoAt gives the API a Shanghai time with its offset', () => {
  expect(clock.isoAt('2026-12-20', '09:00')).toBe('2026-12-20T09:00:00+08:00');
  expect(Date.parse(clock.isoAt('2026-12-20', '09:00'))).toBe(Date.parse('2026-12-20T01:00:00Z'));
});

test.each([
  ['2026-12-28', 7, '2027-01-04'],
  ['2028-02-27', 2, '2028-02-29'],
  ['2026-03-01', -1, '2026-02-28'],
])('addDays(%s, %d) is %s', (date, days, expected) => {
  expect(clock.addDays(date, days)).toBe(expected);
});

test('the picker helpers read and give the day the phone shows', () => {
  expect(clock.pickedDate(new Date(2026, 11, 20, 0, 0).getTime())).toBe('2026-12-20');
  expect(clock.pickerDate('2026-12-20')).toBe(new Date(2026, 11, 20).getTime());
  expect(clock.pickedDate(clock.pickerDate('2027-01-04'))).toBe('2027-01-04');
});

test('a day is 1440 minutes', () => {
  expect(clock.DAY_MS / clock.MINUTE_MS).toBe(1440);
});
