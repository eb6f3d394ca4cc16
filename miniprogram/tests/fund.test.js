const { fire, textOf, toastMessage, openPage, renderPage, settle } = require('./helpers');
const { ok, fail, route, signIn, calls, NETWORK_DOWN } = require('./wx');
const { fund, movement, page } = require('./fund-factories');

const FUND = '/api/v1/estates/7/fund';
const MOVEMENTS = '/api/v1/estates/7/fund/movements';

const openFund = () => openPage('fund', 'onLoad', { estate_id: '7' });

beforeEach(() => signIn());

test('shows the estate balance, my unit and my building, and the movements with my share', async () => {
  route({ [`GET ${FUND}`]: ok(fund()), [`GET ${MOVEMENTS}`]: ok(page([movement()])) });
  const page_ = await openFund();

  expect(textOf(page_.querySelector('#balance'))).toBe('阳光小区 维修资金余额¥1,234,567.89共 12 笔 · 链头 ab12cd34ef56ab78…核验资金链');
  expect(textOf(page_.querySelector('.my-unit'))).toBe('1号楼10189.12 ㎡¥22,500.50');
  expect(textOf(page_.querySelector('.building'))).toBe('1号楼24 户 · 2,400.00 ㎡¥600,000.00');
  expect(textOf(page_)).toContain('我的楼栋');
  const row = textOf(page_.querySelector('.movement'));
  expect(row).toContain('维修支出 · 1号楼');
  expect(row).toContain('2026-11-02 · 1号楼屋面防水');
  expect(row).toContain('我的房屋：-¥12.50');
  expect(row).toContain('资金链第 5 笔 · 9f86d081884c7d65…');
  expect(row).toContain('-¥3,000.00');
  expect(calls('GET', MOVEMENTS)[0].query).toEqual({ page: '1', page_size: '20' });
});

test('staff see every building under 各楼栋 and no unit of their own; a deposit reads with a plus', async () => {
  route({
    [`GET ${FUND}`]: ok(fund({ my_units: [] })),
    [`GET ${MOVEMENTS}`]: ok(page([movement({ kind: 'deposit', kind_label: '缴存', amount_fen: 500000, my_amount_fen: null, project_id: null })])),
  });
  const page_ = await openFund();

  expect(page_.querySelector('#my-units')).toBeFalsy();
  expect(textOf(page_)).toContain('各楼栋');
  const row = textOf(page_.querySelector('.movement'));
  expect(row).toContain('+¥5,000.00');
  expect(row).not.toContain('我的房屋');
});

test('an estate without a fund yet says so, and the empty list says no movements', async () => {
  route({
    [`GET ${FUND}`]: ok(fund({ exists: false, balance_fen: 0, chain_length: 0, head_hash: null, buildings: [], my_units: [] })),
    [`GET ${MOVEMENTS}`]: ok(page([])),
  });
  const page_ = await openFund();

  expect(textOf(page_.querySelector('#not-set-up'))).toContain('尚未建账');
  expect(textOf(page_)).toContain('暂无资金明细');
});

test('says it is loading until the fund comes', async () => {
  let answer;
  route({ [`GET ${FUND}`]: () => new Promise((resolve) => (answer = resolve)), [`GET ${MOVEMENTS}`]: ok(page([])) });
  const page_ = renderPage('fund');
  page_.instance.onLoad({ estate_id: '7' });
  await settle();

  expect(textOf(page_.querySelector('#fund-loading'))).toBe('维修资金加载中…');
  answer(ok(fund()));
  await settle();
  expect(page_.querySelector('#fund-loading')).toBeFalsy();
  expect(textOf(page_.querySelector('#balance'))).toContain('¥1,234,567.89');
});

test('a failure says so with a retry, the message in the toast, and the retry loads it', async () => {
  route({
    [`GET ${FUND}`]: [NETWORK_DOWN, ok(fund())],
    [`GET ${MOVEMENTS}`]: [NETWORK_DOWN, ok(page([movement()]))],
  });
  const page_ = await openFund();

  expect(textOf(page_.querySelector('#fund-failed'))).toContain('维修资金暂时无法加载');
  expect(toastMessage(page_)).toBe('网络异常，请稍后重试');

  page_.querySelector('#retry').dispatchEvent('tap');
  await settle();
  expect(page_.querySelector('#fund-failed')).toBeFalsy();
  expect(page_.querySelectorAll('.movement').length).toBe(1);
});

test('an estate out of reach shows the server message', async () => {
  route({
    [`GET ${FUND}`]: fail(404, 'not_found', '小区不存在或无权查看'),
    [`GET ${MOVEMENTS}`]: fail(404, 'not_found', '小区不存在或无权查看'),
  });
  const page_ = await openFund();

  expect(toastMessage(page_)).toBe('小区不存在或无权查看');
});

test('维修项目 opens the projects, and a payment opens its project', async () => {
  route({ [`GET ${FUND}`]: ok(fund()), [`GET ${MOVEMENTS}`]: ok(page([movement()])) });
  const page_ = await openFund();

  await fire(page_.querySelector('#projects-cell'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/repair-projects/index?estate_id=7' });
  await fire(page_.querySelector('.movement'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/repair-project/index?estate_id=7&id=2' });
});

describe('核验资金链', () => {
  const VERIFY = '/api/v1/estates/7/fund/verify';

  test('an intact chain says every movement is as booked, with the head hash', async () => {
    route({
      [`GET ${FUND}`]: ok(fund()),
      [`GET ${MOVEMENTS}`]: ok(page([])),
      [`GET ${VERIFY}`]: ok({ ok: true, links_checked: 12, head_hash: fund().head_hash, broken: null }),
    });
    const page_ = await openFund();

    await fire(page_.querySelector('#verify-button'), 'click');

    expect(calls('GET', VERIFY)).toHaveLength(1);
    expect(textOf(page_.querySelector('#verified'))).toBe(
      '资金链完整：12 笔收支均与入账时一致链头 ab12cd34ef56ab78…（与小区群公布的一致即未被改动）',
    );
  });

  test('an altered movement is named', async () => {
    route({
      [`GET ${FUND}`]: ok(fund()),
      [`GET ${MOVEMENTS}`]: ok(page([])),
      [`GET ${VERIFY}`]: ok({
        ok: false,
        links_checked: 5,
        head_hash: 'x',
        broken: { movement_id: 5, chain_seq: 5, reason: '记录内容与入账时不一致（金额、分摊或凭证被改动）' },
      }),
    });
    const page_ = await openFund();

    await fire(page_.querySelector('#verify-button'), 'click');

    expect(textOf(page_.querySelector('#verified'))).toBe('第 5 笔已被改动：记录内容与入账时不一致（金额、分摊或凭证被改动）');
    expect(page_.querySelector('.verified--broken')).toBeTruthy();
  });

  test('a failed check shows the message; a fund not set up offers no check', async () => {
    route({
      [`GET ${FUND}`]: ok(fund()),
      [`GET ${MOVEMENTS}`]: ok(page([])),
      [`GET ${VERIFY}`]: NETWORK_DOWN,
    });
    const page_ = await openFund();
    await fire(page_.querySelector('#verify-button'), 'click');
    expect(toastMessage(page_)).toBe('网络异常，请稍后重试');
    expect(page_.querySelector('#verified')).toBeFalsy();

    route({ [`GET ${FUND}`]: ok(fund({ exists: false })) });
    await page_.instance.loadFund();
    await settle();
    expect(page_.querySelector('#verify-button')).toBeFalsy();
  });
});

test('a building lists its movements alone, and 查看全部 lists them all again', async () => {
  route({ [`GET ${FUND}`]: ok(fund()), [`GET ${MOVEMENTS}`]: ok(page([movement()])) });
  const page_ = await openFund();

  await fire(page_.querySelector('.building'), 'click');
  expect(calls('GET', MOVEMENTS)[1].query).toEqual({ page: '1', page_size: '20', building_id: '3' });
  expect(textOf(page_)).toContain('资金明细：1号楼');

  page_.querySelector('#all-movements').dispatchEvent('tap');
  await settle();
  expect(calls('GET', MOVEMENTS)[2].query).toEqual({ page: '1', page_size: '20' });
  expect(textOf(page_)).not.toContain('资金明细：1号楼');
});
