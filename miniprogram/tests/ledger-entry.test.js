const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { entryDetail, periodDetail, submittedDetail, question, photo, pdf } = require('./ledger-factories');

const ENTRY = '/api/v1/estates/7/ledger/entries/101';
const PERIOD = '/api/v1/estates/7/ledger/periods/12';
const QUESTIONS = `${PERIOD}/questions`;

const openEntry = () => openPage('ledger-entry', 'onLoad', { estate_id: '7', id: '101' });
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;

beforeEach(() => {
  signIn();
  route({ [`GET ${ENTRY}`]: ok(entryDetail()), [`GET ${PERIOD}`]: ok(periodDetail()) });
});

test('shows the date, labels, amount, counterparty and description', async () => {
  const page = await openEntry();

  const text = textOf(page);
  ['第101笔 · 2026年10月', '¥12,000.00', '2026-10-08', '收入 · 停车收益', '顺达停车管理有限公司', '10月地面停车位收益分成'].forEach(
    (shown) => expect(text).toContain(shown),
  );
  expect(text).not.toContain('冲销');
});

test('a reversal names the entry it reverses, and a reversed entry the one reversing it', async () => {
  route({ [`GET ${ENTRY}`]: [ok(entryDetail({ reverses_entry_id: 95 })), ok(entryDetail({ reversed_by_entry_id: 130 }))] });

  const reversal = textOf(await openEntry());
  expect(reversal).toContain('冲销第95笔');
  expect(reversal).toContain('-¥12,000.00'); // it counts against the entry it reverses
  const reversed = textOf(await openEntry());
  expect(reversed).toContain('已被第130笔冲销');
  expect(reversed).not.toContain('-¥');
});

test('lists vouchers; an image opens in the viewer and a PDF in the reader, both with the token', async () => {
  route({ [`GET ${photo.url}`]: ok('JPEG'), [`GET ${pdf.url}`]: ok('%PDF') });
  const page = await openEntry();

  expect(page.querySelectorAll('.voucher').map(textOf)).toEqual(['收据.jpg2 KB', '合同.pdf1.2 MB']);
  const [photoCell, pdfCell] = page.querySelectorAll('.voucher');
  await fire(photoCell, 'click');
  await fire(pdfCell, 'click');

  expect(calls('GET', photo.url)[0].header.Authorization).toBe('Bearer access-1');
  expect(calls('GET', pdf.url)[0].header.Authorization).toBe('Bearer access-1');
  const [[previewed]] = wx.previewImage.mock.calls;
  expect(wx.getFileSystemManager().readFileSync(previewed.urls[0])).toBe('JPEG');
  const [[opened]] = wx.openDocument.mock.calls;
  expect(opened).toMatchObject({ fileType: 'pdf', showMenu: true });
  expect(wx.getFileSystemManager().readFileSync(opened.filePath)).toBe('%PDF');
  expect(wx.hideLoading).toHaveBeenCalledTimes(2);
});

test('a voucher that cannot be fetched shows the server message', async () => {
  route({ [`GET ${pdf.url}`]: fail(404, 'not_found', '凭证不存在') });
  const page = await openEntry();

  await fire(page.querySelectorAll('.voucher')[1], 'click');

  expect(toastMessage(page)).toBe('凭证不存在');
  expect(wx.openDocument).not.toHaveBeenCalled();
  expect(wx.hideLoading).toHaveBeenCalledTimes(1);
});

test('hidden vouchers say who may see them, and list nothing', async () => {
  route({ [`GET ${ENTRY}`]: ok(entryDetail({ vouchers: null, vouchers_hidden: true })) });
  const page = await openEntry();

  expect(textOf(page)).toContain('凭证仅对已认证业主开放');
  expect(page.querySelectorAll('.voucher')).toHaveLength(0);
});

test('an entry without vouchers says so', async () => {
  route({ [`GET ${ENTRY}`]: ok(entryDetail({ vouchers: [], voucher_count: 0 })) });
  const page = await openEntry();

  expect(textOf(page)).toContain('暂无凭证');
  expect(textOf(page)).not.toContain('凭证仅对已认证业主开放');
});

test('an entry out of reach shows the server message', async () => {
  route({ [`GET ${ENTRY}`]: fail(404, 'not_found', '未找到该对象，或您无权查看') });
  const page = await openEntry();

  expect(toastMessage(page)).toBe('未找到该对象，或您无权查看');
  expect(calls('GET', PERIOD)).toHaveLength(0);
});

test('对此笔提问 posts the question with the entry, to its period', async () => {
  route({ [`POST ${QUESTIONS}`]: ok(question({ entry_id: 101 }), 201) });
  const page = await openEntry();
  await fire(page.querySelector('#question'), 'change', ' 这张收据是谁签的？ ');

  await fire(page.querySelector('#ask-button'), 'click');

  expect(calls('POST', QUESTIONS).map((r) => r.data)).toEqual([{ body: '这张收据是谁签的？', entry_id: 101 }]);
  expect(page.instance.data.question).toBe('');
  expect(textOf(page)).toContain('对此笔提问（已有1条）');
  expect(toastMessage(page)).toBe('提问已提交，可在账目详情查看答复');
});

test('asking without typing anything is refused locally', async () => {
  const page = await openEntry();

  await fire(page.querySelector('#ask-button'), 'click');

  expect(fieldError(page, '#question')).toBe('请填写质询内容');
  expect(calls('POST', QUESTIONS)).toHaveLength(0);
});

test.each([
  [' \n ', '请填写质询内容'],
  ['问'.repeat(501), '质询内容不能超过500个字'],
])('question %#, blank or over 500 characters, is refused locally', async (body, message) => {
  const page = await openEntry();
  await fire(page.querySelector('#question'), 'change', body);

  await fire(page.querySelector('#ask-button'), 'click');

  expect(fieldError(page, '#question')).toBe(message);
  expect(calls('POST', QUESTIONS)).toHaveLength(0);
});

test('tapping twice asks once', async () => {
  route({ [`POST ${QUESTIONS}`]: ok(question(), 201) });
  const page = await openEntry();
  await fire(page.querySelector('#question'), 'change', '这张收据是谁签的？');

  const button = page.querySelector('#ask-button');
  button.dispatchEvent('click');
  button.dispatchEvent('click');
  await settle();

  expect(calls('POST', QUESTIONS)).toHaveLength(1);
});

test('the server refusing a question shows its message under the field', async () => {
  route({
    [`POST ${QUESTIONS}`]: fail(422, 'validation_failed', '提交的内容有误，请按提示修改', { body: ['质询内容不能只含空白字符'] }),
  });
  const page = await openEntry();
  await fire(page.querySelector('#question'), 'change', '问');

  await fire(page.querySelector('#ask-button'), 'click');

  expect(fieldError(page, '#question')).toBe('质询内容不能只含空白字符');
});

test('an entry of a period not yet published offers no question form', async () => {
  route({ [`GET ${PERIOD}`]: ok(submittedDetail()) });
  const page = await openEntry();

  expect(page.querySelector('#question')).toBeUndefined();
  expect(textOf(page)).not.toContain('对此笔提问');
});
