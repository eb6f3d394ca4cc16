const { fire, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { noticeDetail } = require('./factories');

const NOTICE = 'GET /api/v1/notices/5';
const WITHDRAW = '/api/v1/notices/5/withdraw';
const pdf = { id: 3, name: '停水范围.pdf', size: 1258291, content_type: 'application/pdf', url: '/api/v1/notices/5/attachments/3' };
const photo = { id: 4, name: '现场.jpg', size: 2048, content_type: 'image/jpeg', url: '/api/v1/notices/5/attachments/4' };
const withdrawn = {
  withdrawn: true,
  withdrawn_at: '2026-11-24T01:00:00Z',
  withdraw_reason: '时间有误，另行通知',
  can_withdraw: true,
};

const openNotice = () => openPage('notice', 'onLoad', { id: '5' });
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;

/** Opens the author's own notice and starts withdrawing it with reason. */
async function startWithdraw(reason) {
  const page = await openNotice();
  await fire(page.querySelector('#withdraw-button'), 'click');
  await fire(page.querySelector('#withdraw-dialog >>> #reason'), 'change', reason);
  return page;
}

beforeEach(() => {
  signIn();
  route({ [NOTICE]: ok(noticeDetail({ pinned: true, can_withdraw: true })) });
});

test('shows the notice with its author, audience, local time and line breaks', async () => {
  const page = await openNotice();

  const text = textOf(page);
  ['置顶', '关于小区停水的通知', '业委会主任 · 阳光小区', '发布于 2026-11-23 10:30'].forEach((shown) => {
    expect(text).toContain(shown);
  });
  expect(page.dom.querySelector('wx-text[class$="notice__body"]').textContent).toBe(
    '因管网维修，11月25日8:00至18:00停水。\n- 请提前储水\n- **高层住户**注意关闭水阀',
  );
  expect(text).not.toContain('撤回：');
});

test('an attachment that cannot be fetched says why and closes the loading toast', async () => {
  route({ [NOTICE]: ok(noticeDetail({ attachments: [pdf] })) });
  const page = await openNotice();
  route({ [`GET ${pdf.url}`]: fail(404, 'not_found', '附件不存在') });

  await fire(page.querySelector('.attachment'), 'click');

  expect(wx.showLoading).toHaveBeenCalledWith({ title: '正在打开…' });
  expect(toastMessage(page)).toBe('附件不存在');
  expect(wx.hideLoading).toHaveBeenCalled();
  expect(wx.openDocument).not.toHaveBeenCalled();
});

test('lists attachments with a readable size; tapping one opens it with the token', async () => {
  route({ [NOTICE]: ok(noticeDetail({ attachments: [pdf, photo] })) });
  const page = await openNotice();

  expect(page.querySelectorAll('.attachment').map(textOf)).toEqual(['停水范围.pdf1.2 MB', '现场.jpg2 KB']);
  route({ [`GET ${pdf.url}`]: ok('%PDF'), [`GET ${photo.url}`]: ok('JPEG') });
  const [pdfCell, photoCell] = page.querySelectorAll('.attachment');
  await fire(pdfCell, 'click');
  await fire(photoCell, 'click');

  expect(calls('GET', pdf.url)[0].header.Authorization).toBe('Bearer access-1');
  const [[opened]] = wx.openDocument.mock.calls;
  expect(opened).toMatchObject({ fileType: 'pdf', showMenu: true });
  expect(wx.getFileSystemManager().readFileSync(opened.filePath)).toBe('%PDF');
  const [[previewed]] = wx.previewImage.mock.calls;
  expect(wx.getFileSystemManager().readFileSync(previewed.urls[0])).toBe('JPEG');
  expect(wx.hideLoading).toHaveBeenCalledTimes(2);
});

test('an attachment that cannot be fetched shows the server message', async () => {
  route({ [NOTICE]: ok(noticeDetail({ attachments: [pdf] })), [`GET ${pdf.url}`]: fail(404, 'not_found', '附件不存在') });
  const page = await openNotice();

  await fire(page.querySelector('.attachment'), 'click');

  expect(toastMessage(page)).toBe('附件不存在');
  expect(wx.openDocument).not.toHaveBeenCalled();
});

test('a withdrawn notice says when and why, without pinned tag or withdraw button', async () => {
  route({ [NOTICE]: ok(noticeDetail({ pinned: true, ...withdrawn })) });
  const page = await openNotice();

  expect(textOf(page)).toContain('该公告已于 2026-11-24 09:00 撤回：时间有误，另行通知');
  expect(textOf(page)).not.toContain('置顶');
  expect(page.querySelector('#withdraw-button')).toBeUndefined();
});

test('only the author gets a withdraw button', async () => {
  route({ [NOTICE]: ok(noticeDetail({ can_withdraw: false })) });
  const page = await openNotice();

  expect(page.querySelector('#withdraw-button')).toBeUndefined();
});

test('withdrawing needs a reason', async () => {
  const page = await startWithdraw('  ');

  await fire(page.querySelector('#withdraw-dialog >>> #confirm-button'), 'click');

  expect(fieldError(page, '#withdraw-dialog >>> #reason')).toBe('请填写撤回原因');
  expect(calls('POST', WITHDRAW)).toHaveLength(0);
});

test('withdrawing sends the reason and shows the notice as withdrawn', async () => {
  route({ [`POST ${WITHDRAW}`]: ok(noticeDetail(withdrawn)) });
  const page = await startWithdraw(' 时间有误，另行通知 ');

  await fire(page.querySelector('#withdraw-dialog >>> #confirm-button'), 'click');

  expect(calls('POST', WITHDRAW).map((r) => r.data)).toEqual([{ reason: '时间有误，另行通知' }]);
  expect(textOf(page)).toContain('该公告已于 2026-11-24 09:00 撤回：时间有误，另行通知');
  expect(page.querySelector('#withdraw-dialog >>> #confirm-button')).toBeUndefined();
  expect(page.querySelector('#withdraw-button')).toBeUndefined();
  expect(toastMessage(page)).toBe('已撤回');
});

test('the server refusing the reason shows its message under the field', async () => {
  route({ [`POST ${WITHDRAW}`]: fail(422, 'validation_error', '提交的信息有误', { reason: ['撤回原因不能只含空白字符'] }) });
  const page = await startWithdraw('原因');

  await fire(page.querySelector('#withdraw-dialog >>> #confirm-button'), 'click');

  expect(fieldError(page, '#withdraw-dialog >>> #reason')).toBe('撤回原因不能只含空白字符');
});

test('a notice already withdrawn shows the server message and then its withdrawal', async () => {
  route({
    [NOTICE]: [ok(noticeDetail({ can_withdraw: true })), ok(noticeDetail(withdrawn))],
    [`POST ${WITHDRAW}`]: fail(409, 'invalid_transition', '该公告已撤回'),
  });
  const page = await startWithdraw('时间有误');

  await fire(page.querySelector('#withdraw-dialog >>> #confirm-button'), 'click');

  expect(toastMessage(page)).toBe('该公告已撤回');
  expect(textOf(page)).toContain('该公告已于 2026-11-24 09:00 撤回');
});
