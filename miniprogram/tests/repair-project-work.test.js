const { fire, textOf, toastMessage, openPage, renderPage, settle } = require('./helpers');
const { ok, fail, route, signIn, calls, NETWORK_DOWN } = require('./wx');
const { project, document } = require('./fund-factories');
const { motion, result } = require('./vote-factories');

const DETAIL = '/api/v1/estates/7/repair-projects/2';
const MOTIONS = '/api/v1/estates/7/motions';

const openWork = () => openPage('repair-project-work', 'onLoad', { estate_id: '7', id: '2' });

const draft = (overrides = {}) =>
  project({ status: 'draft', status_label: '草稿', approved_budget_fen: null, motion: null, quotes: [], choice_reason: null, ...overrides });

beforeEach(() => signIn());

test('with nothing to do it says so', async () => {
  route({ [`GET ${DETAIL}`]: ok(project({ actions: [] })) });
  const page = await openWork();

  expect(textOf(page.querySelector('#nothing'))).toBe('当前阶段没有需要办理的事项');
  expect(page.querySelector('#quote-button')).toBeFalsy();
  expect(page.querySelector('#pay-button')).toBeFalsy();
});

test('says it is loading, then a failure with a retry', async () => {
  let answer;
  route({ [`GET ${DETAIL}`]: () => new Promise((resolve) => (answer = resolve)) });
  const page = renderPage('repair-project-work');
  page.instance.onLoad({ estate_id: '7', id: '2' });
  await settle();
  expect(textOf(page)).toBe('加载中…');
  answer(NETWORK_DOWN);
  await settle();
  expect(textOf(page.querySelector('#failed'))).toContain('项目暂时无法加载');
  expect(toastMessage(page)).toBe('网络异常，请稍后重试');

  route({ [`GET ${DETAIL}`]: ok(draft({ actions: ['add_quote'] })) });
  page.querySelector('#retry').dispatchEvent('tap');
  await settle();
  expect(page.querySelector('#quote-button')).toBeTruthy();
});

describe('quotes', () => {
  test('adds a quote in exact fen, then chooses one with its reason', async () => {
    const quoted = draft({
      actions: ['add_quote'],
      quotes: [{ id: 1, contractor: '安溪防水工程公司', amount_fen: 2980050, note: '', is_chosen: false }],
    });
    route({
      [`GET ${DETAIL}`]: [ok(draft({ actions: ['add_quote'] })), ok(quoted)],
      [`POST ${DETAIL}/quotes`]: ok({ id: 1, contractor: '安溪防水工程公司', amount_fen: 2980050, note: '' }, 201),
      [`POST ${DETAIL}/quotes/1/choose`]: ok(quoted),
    });
    const page = await openWork();

    await fire(page.querySelector('#quote-button'), 'click');
    expect(page.instance.data.errors).toEqual({ contractor: '请填写报价单位', amount_fen: '请输入金额' });
    expect(calls('POST', `${DETAIL}/quotes`).length).toBe(0);

    await fire(page.querySelector('#contractor'), 'change', '安溪防水工程公司');
    await fire(page.querySelector('#quote-amount'), 'change', '29800.5');
    await fire(page.querySelector('#quote-button'), 'click');
    expect(calls('POST', `${DETAIL}/quotes`)[0].data).toEqual({ contractor: '安溪防水工程公司', amount_fen: 2980050, note: '' });
    expect(toastMessage(page)).toBe('已添加报价');
    expect(textOf(page.querySelector('.quote'))).toContain('安溪防水工程公司¥29,800.50');
    expect(page.instance.data.contractor).toBe('');

    await fire(page.querySelector('.choose-button'), 'click');
    await fire(page.querySelector('#choose-dialog'), 'confirm');
    expect(page.querySelector('#choose-dialog').data.error).toBe('请填写选定理由');
    await fire(page.querySelector('#choose-dialog'), 'change', '报价最低且资质齐全');
    await fire(page.querySelector('#choose-dialog'), 'confirm');
    expect(calls('POST', `${DETAIL}/quotes/1/choose`)[0].data).toEqual({ reason: '报价最低且资质齐全' });
    expect(page.querySelector('#choose-dialog')).toBeFalsy();
  });
});

describe('the vote', () => {
  const useFund = (overrides) =>
    motion({ matter: 'use_maintenance_fund', matter_label: '使用建筑物及其附属设施的维修资金', ...overrides });

  test('lists the estate votes on using the fund with their scope, and cites one', async () => {
    const passed = useFund({
      id: 9,
      title: '关于使用维修资金翻新1号楼屋面的表决',
      status: 'closed',
      status_label: '已结束',
      building_ids: [3],
      building_names: ['1号楼'],
      result: result({ passed: true, outcome: 'passed', outcome_label: '通过' }),
    });
    route({
      [`GET ${DETAIL}`]: [ok(project({ status: 'prechecked', status_label: '待表决或应急签批', motion: null, actions: ['cite_motion'] })), ok(project())],
      [`GET ${MOTIONS}`]: ok({ items: [passed, useFund({ id: 10, status: 'cancelled' }), motion({ id: 11 })], page: 1, page_size: 50, total: 3 }),
      [`POST ${DETAIL}/motion`]: ok(project()),
    });
    const page = await openWork();

    expect(calls('GET', MOTIONS)[0].query).toEqual({ page: '1', page_size: '50' });
    const rows = page.querySelectorAll('.motion').map(textOf);
    expect(rows).toEqual(['关于使用维修资金翻新1号楼屋面的表决表决范围：1号楼 · 通过关联']);

    await fire(page.querySelector('.cite-button'), 'click');
    expect(calls('POST', `${DETAIL}/motion`)[0].data).toEqual({ motion_id: 9 });
    expect(toastMessage(page)).toBe('已关联表决');
  });

  test('with no such vote it says so and offers to start one scoped to the bearing buildings', async () => {
    route({
      [`GET ${DETAIL}`]: ok(project({ status: 'prechecked', motion: null, actions: ['cite_motion'] })),
      [`GET ${MOTIONS}`]: ok({ items: [], page: 1, page_size: 50, total: 0 }),
    });
    const page = await openWork();

    expect(textOf(page.querySelector('#motions-empty'))).toBe('还没有使用维修资金的表决');
    await fire(page.querySelector('#compose-motion-button'), 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({
      url: '/pages/motion-compose/index?estate_id=7&matter=use_maintenance_fund&building_ids=3',
    });
    // Back from announcing it: the new vote is listed to cite.
    page.instance.onShow();
    await settle();
    expect(calls('GET', MOTIONS)).toHaveLength(2);
  });

  test('a motion of the wrong buildings is refused with the rule', async () => {
    route({
      [`GET ${DETAIL}`]: ok(project({ status: 'prechecked', motion: null, actions: ['cite_motion'] })),
      [`GET ${MOTIONS}`]: ok({ items: [useFund({ id: 9, building_names: ['2号楼'] })], page: 1, page_size: 50, total: 1 }),
      [`POST ${DETAIL}/motion`]: fail(409, 'motion_scope', '该表决的范围未覆盖承担费用的楼栋'),
    });
    const page = await openWork();

    await fire(page.querySelector('.cite-button'), 'click');
    expect(toastMessage(page)).toBe('该表决的范围未覆盖承担费用的楼栋');
  });
});

test('a draft offers quote sheets, not the contract or progress photos', async () => {
  route({
    [`GET ${DETAIL}`]: ok(draft({ actions: ['add_quote', 'upload'] })),
    [`POST ${DETAIL}/documents`]: ok(document(20, { kind: 'quote' }), 201),
  });
  const page = await openWork();

  expect(page.querySelector('#contract-uploader')).toBeFalsy();
  expect(page.querySelector('#progress-uploader')).toBeFalsy();
  await fire(page.querySelector('#quote-uploader'), 'after-read', { file: { url: 'wxfile://tmp_q.pdf', name: '报价单.pdf' } });
  await settle();
  expect(calls('POST', `${DETAIL}/documents`)[0].data).toEqual({ kind: 'quote', caption: '报价单', filename: '报价单.pdf' });
});

test('uploads the contract and progress photos under their kinds', async () => {
  route({
    [`GET ${DETAIL}`]: ok(project({ actions: ['upload'] })),
    [`POST ${DETAIL}/documents`]: [ok(document(21), 201), ok(document(22, { kind: 'progress_photo' }), 201)],
  });
  const page = await openWork();

  await fire(page.querySelector('#contract-uploader'), 'after-read', { file: { url: 'wxfile://tmp_c.pdf', name: '合同.pdf' } });
  await fire(page.querySelector('#progress-uploader'), 'after-read', { file: [{ url: 'wxfile://tmp_p.jpg' }] });
  await settle();

  const uploads = calls('POST', `${DETAIL}/documents`);
  expect(uploads.map((u) => [u.data.kind, u.data.caption, u.file.filePath])).toEqual([
    ['contract', '施工合同', 'wxfile://tmp_c.pdf'],
    ['progress_photo', '施工进度', 'wxfile://tmp_p.jpg'],
  ]);
  expect(page.instance.data.uploads.contract[0]).toMatchObject({ id: 21, status: 'done' });
  expect(page.instance.data.uploads.progress_photo[0]).toMatchObject({ id: 22, status: 'done' });
});

test('a refused upload is dropped with the server message', async () => {
  route({
    [`GET ${DETAIL}`]: ok(project({ actions: ['upload'] })),
    [`POST ${DETAIL}/documents`]: fail(415, 'unsupported_type', '只能上传 JPG、PNG 或 PDF 文件'),
  });
  const page = await openWork();

  await fire(page.querySelector('#contract-uploader'), 'after-read', { file: { url: 'wxfile://tmp_c.doc', name: '合同.doc' } });
  await settle();
  expect(page.instance.data.uploads.contract).toEqual([]);
  expect(toastMessage(page)).toBe('只能上传 JPG、PNG 或 PDF 文件');
});

test('a budget rise over the limit stops the project and says so', async () => {
  const stopped = project({ status: 'stopped', status_label: '预算超限待重新批准', budget_fen: 3600000 });
  route({
    [`GET ${DETAIL}`]: [ok(project({ actions: ['change_budget'] })), ok(stopped)],
    [`POST ${DETAIL}/budget`]: ok(stopped),
  });
  const page = await openWork();

  await fire(page.querySelector('#new-budget'), 'change', '36000');
  await fire(page.querySelector('#budget-button'), 'click');
  expect(page.instance.data.errors).toEqual({ reason: '请填写变更理由' });

  await fire(page.querySelector('#budget-reason'), 'change', '基层破损需一并处理');
  await fire(page.querySelector('#budget-button'), 'click');
  expect(calls('POST', `${DETAIL}/budget`)[0].data).toEqual({ budget_fen: 3600000, reason: '基层破损需一并处理' });
  expect(textOf(page)).toContain('预算超限待重新批准');
});

test('acceptance needs a photo and a note, then posts accept with the note', async () => {
  route({
    [`GET ${DETAIL}`]: [ok(project({ documents: [], actions: ['accept', 'upload'] })), ok(project({ status: 'accepted', status_label: '已验收待支付' }))],
    [`POST ${DETAIL}/documents`]: ok(document(31, { kind: 'acceptance_photo' }), 201),
    [`POST ${DETAIL}/transitions`]: ok(project({ status: 'accepted' })),
  });
  const page = await openWork();

  await fire(page.querySelector('#accept-button'), 'click');
  expect(page.instance.data.errors).toEqual({ accept_note: '请填写验收意见', acceptance_photo: '请上传验收照片' });
  expect(textOf(page.querySelector('.acceptance-error'))).toBe('请上传验收照片');

  await fire(page.querySelector('#acceptance-uploader'), 'after-read', { file: [{ url: 'wxfile://tmp_a.jpg' }] });
  await settle();
  expect(calls('POST', `${DETAIL}/documents`)[0].data.kind).toBe('acceptance_photo');
  await fire(page.querySelector('#accept-note'), 'change', '闭水试验合格');
  await fire(page.querySelector('#accept-button'), 'click');
  expect(calls('POST', `${DETAIL}/transitions`)[0].data).toEqual({ action: 'accept', note: '闭水试验合格' });
  expect(toastMessage(page)).toBe('已验收');
});

describe('payment', () => {
  const accepted = (overrides = {}) => project({ status: 'accepted', status_label: '已验收待支付', actions: ['pay', 'upload'], ...overrides });

  test('fills the amount left and the chosen contractor, needs a voucher, and books it', async () => {
    route({
      [`GET ${DETAIL}`]: [ok(accepted()), ok(project({ status: 'paid', status_label: '已支付', actions: [] }))],
      [`POST ${DETAIL}/documents`]: ok(document(41, { kind: 'voucher' }), 201),
      [`POST ${DETAIL}/payments`]: ok({ id: 4, amount_fen: 3000000, chain_seq: 13, hash: 'abc' }, 201),
    });
    const page = await openWork();
    expect(page.instance.data.payAmount).toBe('30000.00');
    expect(page.instance.data.payee).toBe('安溪防水工程公司');

    await fire(page.querySelector('#pay-button'), 'click');
    expect(page.instance.data.errors).toEqual({ voucher_ids: '请上传支付凭证' });
    expect(calls('POST', `${DETAIL}/payments`).length).toBe(0);

    await fire(page.querySelector('#voucher-uploader'), 'after-read', { file: { url: 'wxfile://tmp_v.pdf', name: '转账凭证.pdf' } });
    await settle();
    await fire(page.querySelector('#paid-on'), 'change', '2026-11-02');
    await fire(page.querySelector('#pay-button'), 'click');
    expect(calls('POST', `${DETAIL}/payments`)[0].data).toEqual({
      amount_fen: 3000000,
      paid_on: '2026-11-02',
      payee: '安溪防水工程公司',
      voucher_ids: [41],
      final: true,
      overdraft_reason: null,
    });
    expect(toastMessage(page)).toBe('已支付，记入资金链第 13 笔');
    expect(textOf(page)).toContain('已支付');
  });

  test('units going below zero need a recorded decision before paying again', async () => {
    route({
      [`GET ${DETAIL}`]: ok(accepted()),
      [`POST ${DETAIL}/documents`]: ok(document(41, { kind: 'voucher' }), 201),
      [`POST ${DETAIL}/payments`]: [
        fail(409, 'overdraft', '部分房屋的维修资金余额不足', { units: ['1号楼101', '1号楼102'] }),
        ok({ id: 4, amount_fen: 3000000, chain_seq: 13, hash: 'abc' }, 201),
      ],
    });
    const page = await openWork();
    await fire(page.querySelector('#voucher-uploader'), 'after-read', { file: { url: 'wxfile://tmp_v.pdf', name: 'v.pdf' } });
    await settle();

    await fire(page.querySelector('#pay-button'), 'click');
    expect(textOf(page.querySelector('#overdraft'))).toContain('1号楼101、1号楼102');
    expect(toastMessage(page)).toBe('部分房屋的维修资金余额不足');

    await fire(page.querySelector('#pay-button'), 'click');
    expect(page.instance.data.errors.overdraft_reason).toBe('请填写透支决定的理由');
    expect(calls('POST', `${DETAIL}/payments`).length).toBe(1);

    await fire(page.querySelector('#overdraft-reason'), 'change', '业主大会决定先行垫付，后续补缴');
    await fire(page.querySelector('#pay-button'), 'click');
    expect(calls('POST', `${DETAIL}/payments`)[1].data.overdraft_reason).toBe('业主大会决定先行垫付，后续补缴');
  });
});
