const { formatArea, areaLabel, formatTime, formatSize } = require('../utils/format');
const { claimErrors, noticeErrors, withdrawErrors } = require('../utils/validate');

test.each([
  [8912, '89.12'],
  [5, '0.05'],
  [0, '0.00'],
  [100, '1.00'],
  [1010, '10.10'],
  [123456789012345, '1234567890123.45'],
])('formatArea(%p) is %p', (areaCm2, shown) => {
  expect(formatArea(areaCm2)).toBe(shown);
});

test.each([[-1], [1.5], [null], [undefined], ['8912']])('formatArea(%p) is empty', (value) => {
  expect(formatArea(value)).toBe('');
});

test('areaLabel appends the square-metre sign', () => {
  expect(areaLabel(8912)).toBe('89.12㎡');
  expect(areaLabel(null)).toBe('');
});

test.each([
  ['2026-11-23T02:30:00Z', '2026-11-23 10:30'],
  ['2026-11-23T18:05:59Z', '2026-11-24 02:05'],
  ['2026-12-31T16:00:00+00:00', '2027-01-01 00:00'],
  ['2026-07-01T10:00:00.123456+08:00', '2026-07-01 10:00'],
])('formatTime(%p) is %p in Shanghai', (iso, shown) => {
  expect(formatTime(iso)).toBe(shown);
});

test.each([[null], [undefined], [''], ['yesterday'], [1763865000000]])('formatTime(%p) is empty', (value) => {
  expect(formatTime(value)).toBe('');
});

test.each([
  [0, '0 B'],
  [512, '512 B'],
  [1024, '1 KB'],
  [1536, '1.5 KB'],
  [1258291, '1.2 MB'],
  [1048575, '1 MB'],
  [5 * 1024 ** 3, '5 GB'],
])('formatSize(%p) is %p', (bytes, shown) => {
  expect(formatSize(bytes)).toBe(shown);
});

test.each([[-1], [1.5], [null], ['1024']])('formatSize(%p) is empty', (value) => {
  expect(formatSize(value)).toBe('');
});

const valid = { unitId: 31, realName: '张三', phone: '13812345678' };

test('a complete claim form has no errors', () => {
  expect(claimErrors(valid)).toEqual({});
});

test.each(['12812345678', '1381234567', '138123456789', '+8613812345678', ''])(
  'phone %p is refused',
  (phone) => {
    expect(claimErrors({ ...valid, phone })).toEqual({ phone: '请输入正确的11位手机号' });
  },
);

test('unit and name are required', () => {
  expect(claimErrors({ ...valid, unitId: null, realName: '  ' })).toEqual({
    unit_id: '请选择要认领的房屋',
    real_name: '请输入真实姓名',
  });
});

test('a notice needs a title and a body', () => {
  expect(noticeErrors({ title: '停水通知', body: '明日停水' })).toEqual({});
  expect(noticeErrors({ title: ' ', body: '\n' })).toEqual({ title: '请输入公告标题', body: '请输入公告正文' });
});

test('notice lengths are counted in characters, emoji included', () => {
  expect(noticeErrors({ title: '😀'.repeat(60), body: '正'.repeat(5000) })).toEqual({});
  expect(noticeErrors({ title: '标'.repeat(61), body: '正'.repeat(5001) })).toEqual({
    title: '标题不能超过60个字',
    body: '正文不能超过5000个字',
  });
});

test.each([
  ['', '请填写撤回原因'],
  ['   ', '请填写撤回原因'],
  ['因'.repeat(201), '撤回原因不能超过200个字'],
])('withdraw reason %p is refused', (reason, message) => {
  expect(withdrawErrors({ reason })).toEqual({ reason: message });
});

test('a withdraw reason of 1 to 200 characters is accepted', () => {
  expect(withdrawErrors({ reason: '因' })).toEqual({});
  expect(withdrawErrors({ reason: '因'.repeat(200) })).toEqual({});
});
