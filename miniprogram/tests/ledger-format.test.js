const { formatMoney } = require('../utils/format');
const ledger = require('../utils/ledger');
const { statement, periodDetail, entryDetail } = require('./ledger-factories');

test.each([
  [0, '¥0.00'],
  [5, '¥0.05'],
  [99, '¥0.99'],
  [100, '¥1.00'],
  [123456, '¥1,234.56'],
  [123450, '¥1,234.50'],
  [100000000, '¥1,000,000.00'],
  [-99, '-¥0.99'],
  [-123450, '-¥1,234.50'],
  [-0, '¥0.00'],
  [999999999999999, '¥9,999,999,999,999.99'],
  [Number.MAX_SAFE_INTEGER, '¥90,071,992,547,409.91'],
  [-Number.MAX_SAFE_INTEGER, '-¥90,071,992,547,409.91'],
])('formatMoney(%p) is %p', (fen, shown) => {
  expect(formatMoney(fen)).toBe(shown);
});

test.each([[1.5], [0.1], [NaN], [Infinity], [null], [undefined], ['123'], [2 ** 53], [{}]])(
  'formatMoney(%p) is empty',
  (value) => {
    expect(formatMoney(value)).toBe('');
  },
);

test('formatMoney keeps the cents exact where dividing by 100 would not', () => {
  // (9007199254740001 / 100).toFixed(2) is "90071992547400.02".
  expect(formatMoney(9007199254740001)).toBe('¥90,071,992,547,400.01');
  expect(formatMoney(9007199254740004)).toBe('¥90,071,992,547,400.04');
});

test.each([
  ['', '请填写质询内容'],
  ['  \n ', '请填写质询内容'],
  ['问'.repeat(501), '质询内容不能超过500个字'],
])('question %p is refused', (body, message) => {
  expect(ledger.questionErrors({ body })).toEqual({ body: message });
});

test('a question of 1 to 500 characters is accepted, emoji counted once', () => {
  expect(ledger.questionErrors({ body: '问' })).toEqual({});
  expect(ledger.questionErrors({ body: '😀'.repeat(500) })).toEqual({});
});

test.each([
  ['', '请填写退回原因'],
  [' ', '请填写退回原因'],
  ['因'.repeat(201), '退回原因不能超过200个字'],
])('return reason %p is refused', (reason, message) => {
  expect(ledger.returnErrors({ reason })).toEqual({ reason: message });
});

test('a return reason of 200 characters is accepted', () => {
  expect(ledger.returnErrors({ reason: '因'.repeat(200) })).toEqual({});
});

test.each([
  [1200000, 1200000, 100],
  [300000, 1200000, 25],
  [380000, 1200000, 32],
  [1, 1200000, 1], // some is never drawn as none
  [0, 1200000, 0],
  [-5000, 1200000, 0], // reversals of an earlier period: no bar
  [0, 0, 0], // a period without any money
])('barWidth(%p of %p) is %p%', (total, largest, width) => {
  expect(ledger.barWidth(total, largest)).toBe(width);
});

test('statementView splits the categories and sizes bars against the largest of all eight', () => {
  const view = ledger.statementView(statement());

  expect(view.incomeCategories.map((c) => [c.label, c.width, c.previousText])).toEqual([
    ['停车收益', 100, '上期 ¥11,000.00'],
    ['广告收益', 25, ''],
    ['场地租金', 2, '上期 ¥0.00'],
    ['其他收入', 0, ''],
  ]);
  expect(view.expenseCategories.map((c) => [c.label, c.barStyle])).toEqual([
    ['公摊费用', 'width: 50%'],
    ['维修维保', 'width: 32%'],
    ['管理费用', 'width: 0%'],
    ['其他支出', 'width: 0%'],
  ]);
  expect(view.headHashShort).toBe('a3f1c9e07b5d2468…');
});

test('unknown balances show a dash, not ¥0.00', () => {
  const view = ledger.periodView(periodDetail({ opening_balance_fen: null, closing_balance_fen: null }));

  expect([view.openingText, view.closingText]).toEqual(['—', '—']);
});

test('periodView reads the actions the caller may take', () => {
  expect(ledger.periodView(periodDetail({ actions: ['approve', 'return'] }))).toMatchObject({
    canApprove: true,
    canReturn: true,
    approvalText: '2/2',
    approvalNames: '李*、王*',
    publishedDate: '2026-11-05',
  });
  expect(ledger.periodView(periodDetail({ actions: [] }))).toMatchObject({ canApprove: false, canReturn: false });
});

test('entryView names reversals and tells images from documents', () => {
  const view = ledger.entryView(entryDetail({ reverses_entry_id: 88, reversed_by_entry_id: null }));

  expect(view.reversesText).toBe('冲销第88笔');
  expect(view.amountText).toBe('-¥12,000.00');
  expect(view.reversedByText).toBe('');
  expect(view.vouchers.map((v) => [v.isImage, v.sizeText])).toEqual([
    [true, '2 KB'],
    [false, '1.2 MB'],
  ]);
});

test.each([
  [[{ role: 'committee_member' }], true],
  [[{ role: 'owner' }, { role: 'committee_chair' }], true],
  [[{ role: 'owner' }, { role: 'property_manager' }], false],
  [[], false],
  [undefined, false],
])('canApprovePeriods(%j) is %p', (roles, allowed) => {
  expect(ledger.canApprovePeriods(roles)).toBe(allowed);
});
