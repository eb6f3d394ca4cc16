const { MAX_FEN, RANGE_MESSAGE, parseYuan, yuanText, pressKey } = require('../utils/money-input');

describe('parseYuan', () => {
  test.each([
    ['1234.5', 123450],
    ['1234.50', 123450],
    ['1234', 123400],
    ['1234.', 123400],
    ['0.01', 1],
    ['0.1', 10],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 as a float
    ['1.00', 100],
    ['¥1,234.56', 123456],
    ['007.5', 750],
    ['1000000000', MAX_FEN],
  ])('%s yuan is %d fen', (typed, fen) => {
    expect(parseYuan(typed)).toEqual({ fen });
  });

  test.each([
    ['', '请填写金额'],
    ['   ', '请填写金额'],
    [undefined, '请填写金额'],
    ['12.345', '金额最多两位小数'],
    ['-5', '金额不能为负数'],
    ['0', RANGE_MESSAGE],
    ['0.00', RANGE_MESSAGE],
    ['1000000000.01', RANGE_MESSAGE],
    ['99999999999', RANGE_MESSAGE],
    ['1e3', '金额格式不正确'],
    ['1.2.3', '金额格式不正确'],
    ['.5', '金额格式不正确'],
    ['十元', '金额格式不正确'],
  ])('%j is refused: %s', (typed, error) => {
    expect(parseYuan(typed)).toEqual({ error });
  });

  test('the range message names the server bounds', () => {
    expect(RANGE_MESSAGE).toBe('金额应在 0.01 元到 1,000,000,000 元之间');
  });
});

test('yuanText writes fen back as the keypad text', () => {
  expect(yuanText(123450)).toBe('1234.50');
  expect(yuanText(5)).toBe('0.05');
  expect(yuanText(null)).toBe('');
});

describe('pressKey', () => {
  const type = (keys) => keys.reduce(pressKey, '');

  test('types digits and one point, at most two decimals', () => {
    expect(type(['1', '2', '3', '4', '.', '5'])).toBe('1234.5');
    expect(type(['1', '.', '2', '3', '4'])).toBe('1.23');
    expect(type(['1', '.', '.', '5'])).toBe('1.5');
  });

  test('a point first reads 0., and a leading zero gives way to the next digit', () => {
    expect(type(['.', '5'])).toBe('0.5');
    expect(type(['0', '0', '7'])).toBe('7');
    expect(type(['0', '.', '0', '7'])).toBe('0.07');
  });

  test('delete takes the last character back; other keys are ignored', () => {
    expect(type(['1', '2', 'delete'])).toBe('1');
    expect(type(['delete'])).toBe('');
    expect(type(['1', '-', 'x'])).toBe('1');
  });

  test('stops at the largest amount\'s number of whole digits', () => {
    expect(type('12345678901'.split(''))).toBe('1234567890');
  });
});
