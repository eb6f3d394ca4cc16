const { formatArea, areaLabel } = require('../utils/format');
const { claimErrors } = require('../utils/validate');

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
