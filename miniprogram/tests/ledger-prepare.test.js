const { ApiError } = require('../utils/api');
const { chainCheckView, statementFiles } = require('../utils/ledger-chain');
const { canPrepare, entryForm, periodChoices, rowErrors } = require('../utils/ledger-prepare');
const { HASH } = require('./ledger-factories');

// 2026-12-07 09:00 in Shanghai.
const NOW = Date.parse('2026-12-07T01:00:00Z');

describe('periodChoices', () => {
  test('months run back a year from this one', () => {
    const months = periodChoices('month', NOW);
    expect(months).toHaveLength(12);
    expect(months.slice(0, 3)).toEqual([
      { start_date: '2026-12-01', label: '2026年12月' },
      { start_date: '2026-11-01', label: '2026年11月' },
      { start_date: '2026-10-01', label: '2026年10月' },
    ]);
    expect(months[11]).toEqual({ start_date: '2026-01-01', label: '2026年1月' });
  });

  test('quarters start on their first month, across the year end, on Shanghai\'s clock', () => {
    // 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai.
    const quarters = periodChoices('quarter', Date.parse('2026-12-31T17:00:00Z'));
    expect(quarters.slice(0, 3)).toEqual([
      { start_date: '2027-01-01', label: '2027年第1季度' },
      { start_date: '2026-10-01', label: '2026年第4季度' },
      { start_date: '2026-07-01', label: '2026年第3季度' },
    ]);
    expect(quarters).toHaveLength(8);
  });
});

describe('entryForm', () => {
  const filled = {
    entryDate: '2026-10-05',
    direction: 'expense',
    category: 'maintenance',
    amountText: '1280.5',
    counterparty: ' 安溪电梯维保公司 ',
    description: ' 2号梯维修 ',
  };

  test('a filled form is sent with the amount in exact fen and trimmed texts', () => {
    expect(entryForm(filled)).toEqual({
      errors: {},
      data: {
        entry_date: '2026-10-05',
        direction: 'expense',
        category: 'maintenance',
        amount_fen: 128050,
        counterparty: '安溪电梯维保公司',
        description: '2号梯维修',
      },
    });
  });

  test('each missing or wrong field has its error under the server\'s field name', () => {
    const { errors, data } = entryForm({ ...filled, entryDate: '', category: '', amountText: '12.345', description: ' ' });
    expect(data).toBeUndefined();
    expect(errors).toEqual({
      entry_date: '请选择日期',
      category: '请选择类别',
      amount_fen: '金额最多两位小数',
      description: '请填写摘要',
    });
  });

  test('a too long counterparty is refused', () => {
    expect(entryForm({ ...filled, counterparty: '单'.repeat(101) }).errors).toEqual({ counterparty: '往来单位不能超过100个字' });
  });
});

test('rowErrors lists a refused import\'s rows in row order, [] for other refusals', () => {
  const refused = new ApiError({
    status: 422,
    message: '表格中有 3 行有误，未导入任何分录，请修改后重新上传',
    fields: { rows: { 12: ['请填写摘要'], 3: ['金额最多两位小数', '请填写摘要'], 5: ['日期格式应为 2026-10-05'] } },
  });
  expect(rowErrors(refused)).toEqual([
    { row: 3, messages: ['金额最多两位小数', '请填写摘要'] },
    { row: 5, messages: ['日期格式应为 2026-10-05'] },
    { row: 12, messages: ['请填写摘要'] },
  ]);
  expect(rowErrors(new ApiError({ status: 422, fields: { file: ['表头不符，请使用导入模板'] } }))).toEqual([]);
  expect(rowErrors(undefined)).toEqual([]);
});

test('canPrepare: committee and property manager, not owners or auditors', () => {
  expect(canPrepare([{ role: 'property_manager' }])).toBe(true);
  expect(canPrepare([{ role: 'committee_member' }])).toBe(true);
  expect(canPrepare([{ role: 'owner' }, { role: 'auditor' }])).toBe(false);
  expect(canPrepare(undefined)).toBe(false);
});

describe('chainCheckView', () => {
  const period = { id: 12, chain_seq: 3, head_hash: HASH };

  test('an unbroken chain: 第 N 期账目与公示时一致, with the hash the group was sent', () => {
    const view = chainCheckView({ ok: true, periods_checked: 4, head_hash: 'later', broken: null }, period);
    expect(view).toEqual({
      intact: true,
      title: '第 3 期账目与公示时一致',
      detail: '账目重新计算的哈希与群内公示的哈希相同',
      hash: HASH,
    });
  });

  test('this period changed: 已被改动, with the reason', () => {
    const broken = { period_id: 12, label: '2026年10月', reason: '账目内容与公示时不一致（金额、分录或凭证被改动）' };
    const view = chainCheckView({ ok: false, periods_checked: 3, head_hash: 'x', broken }, period);
    expect(view).toMatchObject({
      intact: false,
      title: '第 3 期账目已被改动',
      detail: '本期：账目内容与公示时不一致（金额、分录或凭证被改动）',
      hash: HASH,
    });
  });

  test('an earlier period changed: this one is altered too, naming where', () => {
    const broken = { period_id: 9, label: '2026年8月', reason: '期初或期末余额与分录不符' };
    const view = chainCheckView({ ok: false, periods_checked: 1, head_hash: 'x', broken }, period);
    expect(view.title).toBe('第 3 期账目已被改动');
    expect(view.detail).toBe('第 1 期（2026年8月）：期初或期末余额与分录不符');
  });

  test('only a later period changed: this one is still as published', () => {
    const broken = { period_id: 14, label: '2026年12月', reason: '账目内容与公示时不一致' };
    const view = chainCheckView({ ok: false, periods_checked: 4, head_hash: 'x', broken }, period);
    expect(view.intact).toBe(true);
    expect(view.title).toBe('第 3 期账目与公示时一致');
  });
});

test('statementFiles names the PDF and the workbook after the period', () => {
  expect(statementFiles(7, { id: 12, label: '2026年10月' })).toEqual([
    expect.objectContaining({ url: '/api/v1/estates/7/ledger/periods/12/statement.pdf', name: '2026年10月账目公示.pdf' }),
    expect.objectContaining({ url: '/api/v1/estates/7/ledger/periods/12/statement.xlsx', name: '2026年10月账目公示.xlsx' }),
  ]);
});
