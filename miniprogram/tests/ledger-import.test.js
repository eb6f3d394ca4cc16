const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { periodDetail } = require('./ledger-factories');

const LEDGER = '/api/v1/estates/7/ledger';
const PERIOD = `${LEDGER}/periods/12`;
const IMPORT = `${PERIOD}/entries/import`;
const TEMPLATE = `${LEDGER}/import-template`;

const openImport = () => openPage('ledger-import', 'onLoad', { estate_id: '7', period_id: '12' });
const sheet = { path: 'wxfile://tmp_3f.xlsx', name: '十月账目.xlsx', size: 9000 };
const threeBadRows = fail(422, 'validation_failed', '表格中有 3 行有误，未导入任何分录，请修改后重新上传', {
  rows: {
    3: ['金额最多两位小数'],
    4: ['日期应在账期（2026年10月）之内'],
    5: ['类别应为：停车收益、广告收益、场地租金、其他收入、公摊费用、维修维保、管理费用、其他支出', '请填写摘要'],
  },
});

// Plain views, found by class: simulate prefixes each class with the page's scope ("main--").
const hasClass = (node, name) => Array.from(node.classList).some((c) => c === name || c.endsWith(`--${name}`));
const within = (node, name) => Array.from(node.querySelectorAll('wx-view')).filter((n) => hasClass(n, name));
const domText = (node) => node.textContent.replace(/\s+/g, ' ').trim();

async function pick(page) {
  await page.instance.onPick();
  await settle();
}

beforeEach(() => {
  signIn();
  wx.chooseMessageFile = jest.fn(({ success }) => Promise.resolve().then(() => success({ tempFiles: [sheet] })));
  route({ [`GET ${PERIOD}`]: ok(periodDetail({ status: 'draft', actions: ['submit'] })) });
});

test('before a file is picked: the period, the rule, the template and the button', async () => {
  const page = await openImport();

  expect(textOf(page)).toContain('2026年10月 · 从聊天导入');
  expect(textOf(page)).toContain('任何一行有误，整张表都不会导入');
  expect(page.querySelector('#refused')).toBeUndefined();
  expect(page.querySelector('#imported')).toBeUndefined();
});

test('picks an .xlsx from a chat and sends it under its own name', async () => {
  route({ [`POST ${IMPORT}`]: ok({ imported: 24 }, 201) });
  const page = await openImport();

  await fire(page.querySelector('#pick-button'), 'click');
  await settle();

  expect(wx.chooseMessageFile.mock.calls[0][0]).toMatchObject({ count: 1, type: 'file', extension: ['xlsx'] });
  const [sent] = calls('POST', IMPORT);
  expect(sent.file).toEqual({ name: 'file', filePath: 'wxfile://tmp_3f.xlsx' });
  expect(sent.data).toEqual({ filename: '十月账目.xlsx' });
  expect(textOf(page.querySelector('#imported'))).toContain('已导入 24 笔');
  expect(toastMessage(page)).toBe('已导入 24 笔');
  await fire(page.querySelector('#done-button'), 'click');
  expect(wx.navigateBack).toHaveBeenCalled();
});

test('shows a spinner with the file name while the sheet is checked', async () => {
  route({ [`POST ${IMPORT}`]: () => new Promise(() => {}) });
  const page = await openImport();

  page.instance.onPick(); // never answered
  await settle();
  await settle();

  expect(textOf(page.querySelector('#uploading'))).toContain('正在检查 十月账目.xlsx');
  expect(page.querySelector('#pick-button').data).toMatchObject({ loading: true, disabled: true });
});

test('a sheet with 3 bad rows imports nothing and shows each row\'s errors against its row', async () => {
  route({ [`POST ${IMPORT}`]: threeBadRows });
  const page = await openImport();

  await pick(page);

  expect(textOf(page.querySelector('#refused'))).toBe('未导入任何分录表格中有 3 行有误，未导入任何分录，请修改后重新上传');
  const rows = within(page.dom, 'row-error');
  expect(rows).toHaveLength(3);
  expect(rows.map((row) => domText(within(row, 'row-error__row')[0]))).toEqual(['第 3 行', '第 4 行', '第 5 行']);
  expect(rows.map((row) => within(row, 'row-error__message').map(domText))).toEqual([
    ['金额最多两位小数'],
    ['日期应在账期（2026年10月）之内'],
    ['类别应为：停车收益、广告收益、场地租金、其他收入、公摊费用、维修维保、管理费用、其他支出', '请填写摘要'],
  ]);
});

test('a fixed sheet after a refused one clears the row errors', async () => {
  route({ [`POST ${IMPORT}`]: [threeBadRows, ok({ imported: 5 }, 201)] });
  const page = await openImport();

  await pick(page);
  await pick(page);

  expect(within(page.dom, 'row-error')).toHaveLength(0);
  expect(textOf(page.querySelector('#imported'))).toContain('已导入 5 笔');
});

test('a file that is not a workbook says what is wrong with the file', async () => {
  route({ [`POST ${IMPORT}`]: fail(422, 'validation_failed', '表头应为：日期、收支、类别、金额（元）、往来单位、摘要', { file: ['表头不符，请使用导入模板'] }) });
  const page = await openImport();

  await pick(page);

  expect(textOf(page.querySelector('#refused'))).toBe('未导入任何分录表头不符，请使用导入模板');
  expect(within(page.dom, 'row-error')).toHaveLength(0);
});

test('a period no longer in draft: the server\'s message, and nothing shown as refused rows', async () => {
  route({ [`POST ${IMPORT}`]: fail(409, 'invalid_transition', '账期待业委会审批，请退回草稿后再修改') });
  const page = await openImport();

  await pick(page);

  expect(toastMessage(page)).toBe('账期待业委会审批，请退回草稿后再修改');
  expect(page.querySelector('#refused')).toBeUndefined();
  expect(page.querySelector('#pick-button').data.loading).toBe(false);
});

test('the template opens as a workbook with the token', async () => {
  route({ [`GET ${TEMPLATE}`]: ok('PK') });
  const page = await openImport();

  await fire(page.querySelector('#template-cell'), 'click');

  expect(calls('GET', TEMPLATE)[0].header.Authorization).toBe('Bearer access-1');
  expect(wx.openDocument.mock.calls[0][0]).toMatchObject({ fileType: 'xlsx' });
});
