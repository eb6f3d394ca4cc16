const { fire, textOf, toastMessage, openPage, renderPage, settle } = require('./helpers');
const { ok, fail, route, signIn, calls, NETWORK_DOWN } = require('./wx');
const { project, emergencyProject } = require('./fund-factories');

const DETAIL = '/api/v1/estates/7/repair-projects/2';

const openProject = () => openPage('repair-project', 'onLoad', { estate_id: '7', id: '2' });

beforeEach(() => signIn());

test('shows the stage, scope, buildings, budget, quotes, the authorising vote, pre-check, files and history', async () => {
  route({ [`GET ${DETAIL}`]: ok(project()) });
  const page = await openProject();

  const text = textOf(page);
  expect(text).toContain('施工中1号楼屋面防水');
  expect(text).toContain('屋面、外墙渗漏 · 业主表决 · 创建于 2026-10-01 10:00');
  expect(text).toContain('承担费用楼栋24 户 · 2,400.00 ㎡1号楼');
  expect(textOf(page.querySelector('#budget-cell'))).toBe('预算¥30,000.00');
  expect(textOf(page.querySelector('#paid-cell'))).toBe('已支付¥0.00');
  expect(text).toContain('1号楼屋面防水层整体翻新，约 600 ㎡');
  expect(text).toContain('报价（需至少 3 家报价）');
  expect(textOf(page.querySelectorAll('.quote')[0])).toBe('安溪防水工程公司选定¥30,000.00');
  expect(textOf(page.querySelectorAll('.quote')[1])).toBe('泉州建筑修缮公司¥32,000.00');
  expect(textOf(page.querySelector('#choice-reason'))).toBe('选定理由：报价最低且资质齐全');
  expect(textOf(page.querySelector('#motion-cell'))).toBe('业主表决：已通过关于使用维修资金翻新1号楼屋面的表决');
  expect(textOf(page.querySelector('#precheck'))).toBe('黄* · 2026-10-05 10:00方案可行，注意施工安全');
  expect(textOf(page.querySelector('.file'))).toBe('施工合同施工合同 · 1.2 MB · 2026-10-20 10:00');
  expect(textOf(page.querySelector('.photo'))).toBe('铺设防水卷材');
  expect(textOf(page.querySelector('#timeline'))).toContain('提交事前指导李*');
  // An owner with nothing to do sees no buttons.
  expect(page.querySelector('#submit-button')).toBeFalsy();
  expect(page.querySelector('#work-button')).toBeFalsy();
  expect(page.querySelector('#cancel-button')).toBeFalsy();
});

test('the authorising vote opens the motion page', async () => {
  route({ [`GET ${DETAIL}`]: ok(project()) });
  const page = await openProject();

  await fire(page.querySelector('#motion-cell'), 'click');

  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/motion/index?id=9' });
});

test('a vote-path project without a motion says the vote is still missing', async () => {
  route({ [`GET ${DETAIL}`]: ok(project({ motion: null, status: 'prechecked', status_label: '待表决或应急签批' })) });
  const page = await openProject();

  expect(textOf(page.querySelector('#motion-cell'))).toBe('尚未关联业主表决业委会须关联承担费用业主的表决');
  await fire(page.querySelector('#motion-cell'), 'click');
  expect(wx.navigateTo).not.toHaveBeenCalled();
});

test('an emergency repair shows its three signatures and the owners notice due', async () => {
  route({ [`GET ${DETAIL}`]: ok(emergencyProject({ owners_notice_due_on: '2026-10-08' })) });
  const page = await openProject();

  expect(textOf(page.querySelector('#sign-offs-title'))).toBe('应急维修签批 2/3（第 1 轮）');
  const rows = page.querySelectorAll('.sign-off').map(textOf);
  expect(rows).toEqual(['业委会签批2026-10-03 10:00李建国', '社区签批2026-10-03 11:00 · 同意林慧', '街道（乡镇）签批待签批']);
  expect(textOf(page.querySelector('#owners-told-cell'))).toBe('告知业主须于 2026-10-08 前告知');
});

test('after a budget rise only the new round of signatures counts', async () => {
  route({ [`GET ${DETAIL}`]: ok(emergencyProject({ approval_round: 2, status: 'stopped', status_label: '预算超限待重新批准' })) });
  const page = await openProject();

  expect(textOf(page.querySelector('#sign-offs-title'))).toBe('应急维修签批 0/3（第 2 轮）');
  expect(textOf(page.querySelector('#stopped-banner'))).toBe('预算增加超过上限，项目已暂停，待重新签批后继续');
});

test('before acceptance there is no rating section', async () => {
  route({ [`GET ${DETAIL}`]: ok(project()) });
  const page = await openProject();

  expect(page.querySelector('#rating')).toBeFalsy();
});

test('a township officer signs the emergency repair', async () => {
  const signed = emergencyProject({
    actions: [],
    sign_offs: [
      ...emergencyProject().sign_offs,
      { kind: 'township', kind_label: '街道', approval_round: 1, user_name: '黄伟', role: 'township_officer', signed_at: '2026-10-04T02:00:00Z', note: '' },
    ],
  });
  route({
    [`GET ${DETAIL}`]: ok(emergencyProject({ actions: ['sign_township'] })),
    [`POST ${DETAIL}/sign-offs`]: ok(signed),
  });
  const page = await openProject();

  await fire(page.querySelector('#sign-township-button'), 'click');

  expect(calls('POST', `${DETAIL}/sign-offs`)[0].data).toEqual({ kind: 'township', note: '' });
  expect(textOf(page.querySelector('#sign-offs-title'))).toBe('应急维修签批 3/3（第 1 轮）');
  expect(page.querySelector('#sign-township-button')).toBeFalsy();
  expect(toastMessage(page)).toBe('已签批');
});

test.each([
  ['submit', '#submit-button', 'transitions', { action: 'submit' }, '已提交事前指导'],
  ['authorise', '#authorise-button', 'transitions', { action: 'authorise' }, '已确认批准'],
  ['start', '#start-button', 'transitions', { action: 'start' }, '已开工'],
  ['notify_owners', '#notify-button', 'owners-notice', undefined, '已发布告知业主公告'],
])('the committee may %s: it posts the step and shows the answer', async (action, button, path, body, done) => {
  route({
    [`GET ${DETAIL}`]: ok(project({ actions: [action] })),
    [`POST ${DETAIL}/${path}`]: ok(project({ status: 'authorised', status_label: '已批准待施工' })),
  });
  const page = await openProject();

  await fire(page.querySelector(button), 'click');

  expect(calls('POST', `${DETAIL}/${path}`)[0].data).toEqual(body);
  expect(textOf(page)).toContain('已批准待施工');
  expect(toastMessage(page)).toBe(done);
});

test('a step refused by a rule shows why and the project as it now is', async () => {
  route({
    [`GET ${DETAIL}`]: [ok(project({ actions: ['submit'], status: 'draft', status_label: '草稿' })), ok(project())],
    [`POST ${DETAIL}/transitions`]: fail(409, 'quotes_required', '预算超过 ¥200,000.00 的项目须至少 3 家报价并选定一家'),
  });
  const page = await openProject();

  await fire(page.querySelector('#submit-button'), 'click');

  expect(toastMessage(page)).toBe('预算超过 ¥200,000.00 的项目须至少 3 家报价并选定一家');
  expect(calls('GET', DETAIL).length).toBe(2);
  expect(textOf(page)).toContain('施工中');
});

test('cancelling asks for a reason and sends it as the note', async () => {
  route({
    [`GET ${DETAIL}`]: ok(project({ actions: ['cancel'], status: 'draft', status_label: '草稿' })),
    [`POST ${DETAIL}/transitions`]: ok(project({ status: 'cancelled', status_label: '已取消' })),
  });
  const page = await openProject();

  await fire(page.querySelector('#cancel-button'), 'click');
  await fire(page.querySelector('#cancel-dialog'), 'confirm');
  expect(page.querySelector('#cancel-dialog').data.error).toBe('请填写取消原因');
  expect(calls('POST', `${DETAIL}/transitions`).length).toBe(0);

  await fire(page.querySelector('#cancel-dialog'), 'change', '  业主另行筹资维修  ');
  await fire(page.querySelector('#cancel-dialog'), 'confirm');
  expect(calls('POST', `${DETAIL}/transitions`)[0].data).toEqual({ action: 'cancel', note: '业主另行筹资维修' });
  expect(textOf(page)).toContain('已取消');
});

test('项目办理 opens the work page, and coming back reloads the project', async () => {
  route({ [`GET ${DETAIL}`]: ok(project({ actions: ['upload', 'accept'] })) });
  const page = await openProject();

  await fire(page.querySelector('#work-button'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/repair-project-work/index?estate_id=7&id=2' });
  page.instance.onShow();
  await settle();
  expect(calls('GET', DETAIL).length).toBe(2);
});

test('a paid project shows its payment with its chain link', async () => {
  route({
    [`GET ${DETAIL}`]: ok(
      project({
        status: 'paid',
        status_label: '已支付',
        paid_fen: 2990000,
        payments: [{ id: 4, amount_fen: 2990000, paid_on: '2026-11-02', payee: '安溪防水工程公司', hash: 'c0ffee00c0ffee00c0ffee', chain_seq: 5, overdraft_reason: null, voucher_ids: [13] }],
      }),
    ),
  });
  const page = await openProject();

  expect(textOf(page.querySelector('.payment'))).toBe('安溪防水工程公司2026-11-02 · 资金链第 5 笔 · c0ffee00c0ffee00…¥29,900.00');
});

describe('the owners rating', () => {
  const accepted = (rating) => project({ status: 'paid', status_label: '已支付', accepted_at: '2026-11-05T02:00:00Z', accepted_by_name: '李*', rating });

  test('an owner who bears the cost rates 1–5 once', async () => {
    route({
      [`GET ${DETAIL}`]: [
        ok(accepted({ count: 2, average: '4.5', open_until: '2026-11-20T15:59:59Z', my_score: null, can_rate: true })),
        ok(accepted({ count: 3, average: '4.3', open_until: '2026-11-20', my_score: 4, can_rate: false })),
      ],
      [`POST ${DETAIL}/ratings`]: ok({ score: 4, comment: '', created_at: '2026-11-10T02:00:00Z' }, 201),
    });
    const page = await openProject();
    expect(textOf(page.querySelector('#rating'))).toContain('2 位业主评价，平均 4.5 分');
    expect(textOf(page.querySelector('#rating'))).toContain('评价截止 2026-11-20 23:59');

    await fire(page.querySelector('#rate-button'), 'click');
    expect(toastMessage(page)).toBe('请选择评分');
    expect(calls('POST', `${DETAIL}/ratings`).length).toBe(0);

    await fire(page.querySelector('#rate'), 'change', 4);
    await fire(page.querySelector('#rate-button'), 'click');
    expect(calls('POST', `${DETAIL}/ratings`)[0].data).toEqual({ score: 4, comment: '' });
    expect(textOf(page.querySelector('#my-rating'))).toBe('您的评价：4 分');
    expect(page.querySelector('#rate-button')).toBeFalsy();
  });

  test('a rating refused after the window shows why', async () => {
    route({
      [`GET ${DETAIL}`]: ok(accepted({ count: 0, average: null, open_until: '2026-11-20', my_score: null, can_rate: true })),
      [`POST ${DETAIL}/ratings`]: fail(409, 'rating_closed', '验收已满 15 日，评价已截止'),
    });
    const page = await openProject();
    expect(textOf(page.querySelector('#rating'))).toContain('暂无业主评价');

    await fire(page.querySelector('#rate'), 'change', 2);
    await fire(page.querySelector('#rate-button'), 'click');
    expect(toastMessage(page)).toBe('验收已满 15 日，评价已截止');
  });
});

test('says it is loading until the project comes', async () => {
  let answer;
  route({ [`GET ${DETAIL}`]: () => new Promise((resolve) => (answer = resolve)) });
  const page = renderPage('repair-project');
  page.instance.onLoad({ estate_id: '7', id: '2' });
  await settle();

  expect(textOf(page)).toBe('加载中…');
  answer(ok(project()));
  await settle();
  expect(page.querySelector('#loading')).toBeFalsy();
  expect(textOf(page)).toContain('1号楼屋面防水');
});

test('a failure says so, shows the message, and the retry loads it', async () => {
  route({ [`GET ${DETAIL}`]: [NETWORK_DOWN, ok(project())] });
  const page = await openProject();

  expect(textOf(page.querySelector('#failed'))).toContain('项目暂时无法加载');
  expect(toastMessage(page)).toBe('网络异常，请稍后重试');
  page.querySelector('#retry').dispatchEvent('tap');
  await settle();
  expect(textOf(page)).toContain('1号楼屋面防水');
});

test('a project out of reach shows the server message', async () => {
  route({ [`GET ${DETAIL}`]: fail(404, 'not_found', '项目不存在或无权查看') });
  const page = await openProject();

  expect(toastMessage(page)).toBe('项目不存在或无权查看');
});

test('a returned project may be changed on the form, and coming back shows it again', async () => {
  route({ [`GET ${DETAIL}`]: ok(project({ status: 'returned', status_label: '已退回修改', precheck_comment: '请补充施工方案', actions: ['edit', 'submit'] })) });
  const page = await openProject();

  expect(textOf(page.querySelector('#returned-banner'))).toBe('事前指导退回：请补充施工方案');
  await fire(page.querySelector('#edit-button'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/repair-project-compose/index?estate_id=7&id=2' });
  page.instance.onShow();
  await settle();
  expect(calls('GET', DETAIL)).toHaveLength(2);
});

test('photos are fetched with the session and open in the viewer', async () => {
  route({
    [`GET ${DETAIL}`]: ok(project()),
    [`GET ${DETAIL}/documents/12`]: ok('jpeg-bytes'),
  });
  const page = await openProject();
  await settle();

  expect(calls('GET', `${DETAIL}/documents/12`)[0].header.Authorization).toBe('Bearer access-1');
  const path = page.instance.data.thumbs[12];
  expect(path).toMatch(/^wxfile:\/\/tmp_/);
  expect(page.querySelector('.photo-image').data.src).toBe(path);
  await fire(page.querySelector('.photo-image'), 'click');
  expect(wx.previewImage).toHaveBeenCalledWith({ urls: [path], current: path });
});

test('the owners notice of an emergency repair opens as a notice', async () => {
  route({
    [`GET ${DETAIL}`]: ok(emergencyProject({ status: 'authorised', owners_notice_id: 44, owners_told_at: '2026-10-04T03:00:00Z' })),
  });
  const page = await openProject();

  expect(textOf(page.querySelector('#owners-told-cell'))).toBe('告知业主2026-10-04 11:00');
  await fire(page.querySelector('#owners-told-cell'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notice/index?id=44' });
});
