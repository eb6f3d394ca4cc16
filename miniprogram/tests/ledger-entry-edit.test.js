const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn, NETWORK_DOWN } = require('./wx');
const { periodDetail, entryDetail, pdf } = require('./ledger-factories');

const LEDGER = '/api/v1/estates/7/ledger';
const PERIOD = `${LEDGER}/periods/12`;
const ENTRIES = `${PERIOD}/entries`;
const ENTRY = `${LEDGER}/entries/101`;
const VOUCHERS = `${ENTRY}/vouchers`;

const draft = (overrides = {}) =>
  periodDetail({ status: 'draft', status_label: '草稿', start_date: '2026-10-01', end_date: '2026-11-01', actions: ['submit'], ...overrides });

const openNew = () => openPage('ledger-entry-edit', 'onLoad', { estate_id: '7', period_id: '12' });
const openExisting = () => openPage('ledger-entry-edit', 'onLoad', { estate_id: '7', period_id: '12', id: '101' });
const cellValue = (page, id) => page.querySelector(id).data.value;

async function typeAmount(page, keys) {
  await fire(page.querySelector('#amount-cell'), 'click');
  for (const key of keys) {
    page.querySelector('#keypad').querySelector(`#key-${key === '.' ? 'point' : key}`).dispatchEvent('tap');
    await settle();
  }
  page.querySelector('#keypad').querySelector('#key-done').dispatchEvent('tap');
  await settle();
}

beforeEach(() => {
  signIn();
  wx.showModal = jest.fn();
  wx.setNavigationBarTitle = jest.fn();
  route({ [`GET ${PERIOD}`]: ok(draft()), [`GET ${ENTRY}`]: ok(entryDetail({ vouchers: [pdf] })) });
});

describe('states', () => {
  test('shows a spinner until the period arrives', async () => {
    route({ [`GET ${PERIOD}`]: () => new Promise(() => {}) });
    const page = await openNew();

    expect(page.querySelector('#loading')).toBeTruthy();
    expect(page.querySelector('#save-button')).toBeUndefined();
  });

  test('a period that cannot be loaded says so and offers to retry', async () => {
    route({ [`GET ${PERIOD}`]: [{ network: true }, ok(draft())] });
    const page = await openNew();

    expect(textOf(page.querySelector('#failed'))).toContain('账期加载失败');
    expect(toastMessage(page)).toBe('网络异常，请稍后重试');
    await fire(page.querySelector('#retry-button'), 'click');
    expect(page.querySelector('#failed')).toBeUndefined();
    expect(page.querySelector('#save-button')).toBeTruthy();
  });
});

describe('a new entry', () => {
  test('typed on the keypad in yuan and sent as exact fen', async () => {
    route({ [`POST ${ENTRIES}`]: ok({ ...entryDetail(), id: 140, vouchers: undefined }, 201) });
    const page = await openNew();
    expect(textOf(page)).toContain('2026年10月 · 新的一笔');

    await fire(page.querySelector('#direction'), 'change', 'expense');
    await fire(page.querySelector('#category-cell'), 'click');
    expect(page.querySelector('#category-picker').data.columns).toEqual(['公摊费用', '维修维保', '管理费用', '其他支出']);
    await fire(page.querySelector('#category-picker'), 'confirm', { value: '维修维保', index: 1 });
    await typeAmount(page, ['1', '2', '8', '0', '.', '5']);
    await fire(page.querySelector('#date-picker'), 'confirm', new Date(2026, 9, 12).getTime());
    await fire(page.querySelector('#counterparty'), 'change', '安溪电梯维保公司');
    await fire(page.querySelector('#description'), 'change', '2号梯维修');

    expect(cellValue(page, '#amount-cell')).toBe('¥1280.5');
    await fire(page.querySelector('#save-button'), 'click');

    expect(calls('POST', ENTRIES)[0].data).toEqual({
      entry_date: '2026-10-12',
      direction: 'expense',
      category: 'maintenance',
      amount_fen: 128050,
      counterparty: '安溪电梯维保公司',
      description: '2号梯维修',
    });
    expect(toastMessage(page)).toBe('已记账，可继续添加凭证');
    expect(page.querySelector('#pdf-button')).toBeTruthy();
    expect(textOf(page)).toContain('第140笔');
    await fire(page.querySelector('#add-another-button'), 'click');
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ledger-entry-edit/index?estate_id=7&period_id=12' });
  });

  test('the keypad keeps itself open on an amount the server would refuse', async () => {
    const page = await openNew();

    await typeAmount(page, ['0', '.', '0', '0']);

    expect(page.querySelector('#keypad').data.error).toBe('金额应在 0.01 元到 1,000,000,000 元之间');
    expect(page.instance.data.keypadShown).toBe(true);
  });

  test('nothing is sent while a field is missing; each error shows under its field', async () => {
    const page = await openNew();

    await fire(page.querySelector('#save-button'), 'click');

    expect(calls('POST', ENTRIES)).toHaveLength(0);
    expect(page.querySelector('#category-cell').data.label).toBe('请选择类别');
    expect(page.querySelector('#amount-cell').data.label).toBe('请填写金额');
    expect(page.querySelector('#description').data.errorMessage).toBe('请填写摘要');
  });

  test('the server\'s field errors show under their fields', async () => {
    route({ [`POST ${ENTRIES}`]: fail(422, 'validation_failed', '请检查填写的内容', { entry_date: ['日期应在账期（2026年10月）之内'] }) });
    const page = await openNew();
    await fire(page.querySelector('#category-cell'), 'click');
    await fire(page.querySelector('#category-picker'), 'confirm', { value: '停车收益', index: 0 });
    await typeAmount(page, ['3', '6', '0', '0']);
    await fire(page.querySelector('#description'), 'change', '10月临时停车收入');

    await fire(page.querySelector('#save-button'), 'click');

    expect(calls('POST', ENTRIES)[0].data.amount_fen).toBe(360000);
    expect(page.querySelector('#date-cell').data.label).toBe('日期应在账期（2026年10月）之内');
  });

  test('switching direction drops a category of the other one', async () => {
    const page = await openNew();
    await fire(page.querySelector('#category-cell'), 'click');
    await fire(page.querySelector('#category-picker'), 'confirm', { value: '停车收益', index: 0 });

    await fire(page.querySelector('#direction'), 'change', 'expense');

    expect(cellValue(page, '#category-cell')).toBe('请选择');
  });
});

describe('an existing entry', () => {
  test('opens filled in, amount as yuan, and saves the change as fen', async () => {
    route({ [`PATCH ${ENTRY}`]: ok(entryDetail({ amount_fen: 1150000 })) });
    const page = await openExisting();

    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '修改收支' });
    expect(cellValue(page, '#amount-cell')).toBe('¥12000.00');
    expect(cellValue(page, '#category-cell')).toBe('停车收益');
    expect(cellValue(page, '#date-cell')).toBe('2026-10-08');
    expect(page.querySelectorAll('.voucher').map(textOf)).toEqual(['合同.pdf1.2 MB']);
    expect(page.querySelector('#add-another-button')).toBeUndefined();

    // The stored amount is replaced by what is typed, not extended.
    await typeAmount(page, ['1', '1', '5', '0', '0']);
    await fire(page.querySelector('#save-button'), 'click');

    expect(calls('PATCH', ENTRY)[0].data).toMatchObject({ amount_fen: 1150000, category: 'parking', entry_date: '2026-10-08' });
    expect(toastMessage(page)).toBe('已保存');
  });

  test('delete first keeps the stored amount to correct it', async () => {
    route({ [`PATCH ${ENTRY}`]: ok(entryDetail()) });
    const page = await openExisting();

    await typeAmount(page, ['delete', 'delete', '5']);

    expect(cellValue(page, '#amount-cell')).toBe('¥12000.5');
  });

  test('a PDF picked from a chat uploads under the name it had there', async () => {
    wx.chooseMessageFile = jest.fn(({ success }) =>
      Promise.resolve().then(() => success({ tempFiles: [{ path: 'wxfile://tmp_77.pdf', name: '电梯维修发票.pdf', size: 20480 }] })));
    const uploaded = { id: 9, name: '电梯维修发票.pdf', content_type: 'application/pdf', size: 20480, url: `${LEDGER}/vouchers/9` };
    route({ [`POST ${VOUCHERS}`]: ok(uploaded, 201) });
    const page = await openExisting();

    await page.instance.onPickPdf();
    await settle();

    expect(wx.chooseMessageFile.mock.calls[0][0]).toMatchObject({ type: 'file', extension: ['pdf'] });
    const [sent] = calls('POST', VOUCHERS);
    expect(sent.file).toEqual({ name: 'file', filePath: 'wxfile://tmp_77.pdf' });
    expect(sent.data).toEqual({ filename: '电梯维修发票.pdf' });
    expect(page.querySelectorAll('.voucher').map(textOf)).toEqual(['合同.pdf1.2 MB', '电梯维修发票.pdf20 KB']);
    expect(page.querySelectorAll('.upload')).toHaveLength(0);
  });

  test('photos from the camera or album upload one by one; a refused one says why', async () => {
    wx.chooseMedia = jest.fn(({ success }) =>
      Promise.resolve().then(() => success({ tempFiles: [{ tempFilePath: 'wxfile://tmp_a.JPG', size: 3000 }, { tempFilePath: 'wxfile://tmp_b.png', size: 9 }] })));
    const photo = { id: 10, name: '凭证照片1.jpg', content_type: 'image/jpeg', size: 2800, url: `${LEDGER}/vouchers/10` };
    route({ [`POST ${VOUCHERS}`]: [ok(photo, 201), fail(422, 'validation_failed', '文件内容与扩展名不符或已损坏')] });
    const page = await openExisting();

    await page.instance.onPickPhotos();
    await settle();

    expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({ mediaType: ['image'], sourceType: ['camera', 'album'] });
    expect(calls('POST', VOUCHERS).map((r) => r.data.filename)).toEqual(['凭证照片1.jpg', '凭证照片2.png']);
    expect(page.querySelectorAll('.voucher').map(textOf)).toEqual(['合同.pdf1.2 MB', '凭证照片1.jpg2.7 KB']);
    expect(toastMessage(page)).toBe('文件内容与扩展名不符或已损坏');
  });

  test('deleting asks first, then goes back', async () => {
    route({ [`DELETE ${ENTRY}`]: ok(null, 204) });
    const page = await openExisting();

    await fire(page.querySelector('#delete-button'), 'click');
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '删除这笔收支？' });
    wx.showModal.mock.calls[0][0].success({ confirm: true });
    await settle();

    expect(calls('DELETE', ENTRY)).toHaveLength(1);
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('a new entry has no vouchers or delete until it is saved', async () => {
    const page = await openNew();

    expect(wx.setNavigationBarTitle).not.toHaveBeenCalled();
    expect(page.querySelector('#pdf-button')).toBeUndefined();
    expect(page.querySelector('#delete-button')).toBeUndefined();
  });
});
