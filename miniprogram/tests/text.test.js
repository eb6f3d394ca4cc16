const { charCount, isBlank, tooLong, requiredTextError } = require('../utils/text');

test('charCount counts code points, so an emoji is one character as the server counts it', () => {
  expect(charCount('取消')).toBe(2);
  expect(charCount('👍ok')).toBe(3);
  expect(charCount('')).toBe(0);
  expect(charCount(undefined)).toBe(0);
});

test.each([
  [undefined, true],
  ['', true],
  ['  \n ', true],
  [' 有 ', false],
])('isBlank(%j) is %s', (text, blank) => {
  expect(isBlank(text)).toBe(blank);
});

test('tooLong names the field and the limit only past the limit', () => {
  expect(tooLong('一二三', 3, '备注')).toBe('');
  expect(tooLong('一二三四', 3, '备注')).toBe('备注不能超过3个字');
  expect(tooLong(undefined, 3, '备注')).toBe('');
});

test('requiredTextError asks for blank text, then checks its length', () => {
  expect(requiredTextError(' ', 5, '请填写原因', '原因')).toBe('请填写原因');
  expect(requiredTextError('一二三四五六', 5, '请填写原因', '原因')).toBe('原因不能超过5个字');
  expect(requiredTextError('一二三', 5, '请填写原因', '原因')).toBe('');
});
