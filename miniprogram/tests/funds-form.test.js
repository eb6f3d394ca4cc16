const { parseYuan, yuanText } = require('../utils/funds-form');

describe('parseYuan reads yuan as exact fen', () => {
  test.each([
    ['1234.5', 123450],
    ['1234.50', 123450],
    ['1234', 123400],
    ['0.29', 29],
    ['.5', 50],
    ['12.', 1200],
    ['1,234,567.89', 123456789],
    [' 480000 ', 48000000],
    ['999999999999.99', 99999999999999],
  ])('%s → %i fen', (typed, fen) => {
    expect(parseYuan(typed)).toEqual({ fen });
  });

  test.each([
    ['', '请输入金额'],
    ['   ', '请输入金额'],
    ['-5', '金额不能为负数'],
    ['1.234', '金额最多精确到分（两位小数）'],
    ['12a', '请输入正确的金额，如 1234.50'],
    ['1.2.3', '请输入正确的金额，如 1234.50'],
    ['1e5', '请输入正确的金额，如 1234.50'],
    ['1234567890123', '请输入正确的金额，如 1234.50'],
    ['0', '金额须大于零'],
    ['0.00', '金额须大于零'],
  ])('%j is refused: %s', (typed, error) => {
    expect(parseYuan(typed)).toEqual({ error });
  });

  test('a cap in fen refuses what lies above it, and zero is allowed where asked', () => {
    expect(parseYuan('100.01', { max: 10000 })).toEqual({ error: '金额超出上限' });
    expect(parseYuan('100.00', { max: 10000 })).toEqual({ fen: 10000 });
    expect(parseYuan('0', { allowZero: true })).toEqual({ fen: 0 });
  });
});

test('yuanText puts fen back as the keypad would type it', () => {
  expect(yuanText(123450)).toBe('1234.50');
  expect(yuanText(5)).toBe('0.05');
  expect(yuanText(-1)).toBe('');
  expect(yuanText(1.5)).toBe('');
});
