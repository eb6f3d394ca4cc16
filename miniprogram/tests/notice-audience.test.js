// The notice-compose page's audience chooser (places of my scope, with how many estates each
// reaches) and its attachments (files from a chat, photos from the camera or album).
const { fire, settle, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { noticeDetail } = require('./factories');

const NOTICES = '/api/v1/notices';
const AUDIENCES = '/api/v1/notices/audiences';
const ATTACHMENTS = '/api/v1/notices/attachments';

const estateWith = (...roles) =>
  ok({ id: 7, name: '凤城花园', my_roles: roles.map((role) => ({ role, role_label: role })) });
const place = (kind, id, name, count) => ({
  kind,
  id,
  name,
  label: kind === 'estate' ? name : `${name}全体小区`,
  estate_count: count,
});
const pageOf = (items) => ({ items, page: 1, page_size: 200, total: items.length });

const openCompose = () => openPage('notice-compose', 'onLoad', { estate_id: '7' });
const fillIn = async (page) => {
  await fire(page.querySelector('#title'), 'change', '消防通道整治');
  await fire(page.querySelector('#body'), 'change', '详见附件。');
};
const audienceText = (page) => textOf(page.querySelector('#audience-cell'));
const placesShown = (page) => page.querySelectorAll('.place').map(textOf);

beforeEach(() => signIn());

test('starts with the estate it was opened from, reaching one estate', async () => {
  route({ 'GET /api/v1/estates/7': estateWith('committee_chair') });
  const page = await openCompose();

  expect(audienceText(page)).toContain('凤城花园');
  expect(audienceText(page)).toContain('送达 1 个小区');
});

test('a township officer picks the township and the notice goes there, with its reach shown', async () => {
  route({
    'GET /api/v1/estates/7': estateWith('township_officer'),
    [`GET ${AUDIENCES}`]: (req) =>
      ok(
        pageOf(
          req.query.kind === 'township'
            ? [place('township', 3, '凤城镇', 4)]
            : [place('estate', 7, '凤城花园', 1), place('estate', 8, '茶都新苑', 1)],
        ),
      ),
    [`POST ${NOTICES}`]: ok(noticeDetail({ id: 12 }), 201),
  });
  const page = await openCompose();

  await fire(page.querySelector('#audience-cell'), 'click');
  expect(textOf(page.querySelector('#kind-tabs'))).toBe('小区社区街道（乡镇）');
  expect(placesShown(page)).toEqual(['凤城花园1 个小区', '茶都新苑1 个小区']);
  await fire(page.querySelector('#kind-tabs').querySelectorAll('.status-tabs__tab')[2], 'tap');
  expect(calls('GET', AUDIENCES).map((r) => r.query)).toEqual([
    { kind: 'estate', page: '1', page_size: '200' },
    { kind: 'township', page: '1', page_size: '200' },
  ]);
  expect(placesShown(page)).toEqual(['凤城镇全体小区4 个小区']);
  await fire(page.querySelector('.place'), 'click');

  expect(audienceText(page)).toContain('凤城镇全体小区');
  expect(audienceText(page)).toContain('送达 4 个小区');
  await fillIn(page);
  await fire(page.querySelector('#submit-button'), 'click');
  const [posted] = calls('POST', NOTICES);
  expect(posted.data).toMatchObject({ audience_kind: 'township', audience_id: 3, attachment_ids: [] });
});

test('a committee member is offered only estates', async () => {
  route({
    'GET /api/v1/estates/7': estateWith('owner', 'committee_member'),
    [`GET ${AUDIENCES}`]: ok(pageOf([place('estate', 7, '凤城花园', 1)])),
  });
  const page = await openCompose();

  await fire(page.querySelector('#audience-cell'), 'click');

  expect(textOf(page.querySelector('#kind-tabs'))).toBe('小区');
  expect(placesShown(page)).toEqual(['凤城花园1 个小区']);
});

test('the chooser says when it is loading, when there is nothing, and when it failed', async () => {
  let answer;
  route({
    'GET /api/v1/estates/7': estateWith('auditor'),
    [`GET ${AUDIENCES}`]: () => answer,
  });
  const page = await openCompose();

  answer = new Promise(() => {}); // never answers: still loading
  page.instance.onChooseAudience();
  await settle();
  expect(page.querySelector('#places-loading')).toBeTruthy();
  expect(textOf(page.querySelector('#places-loading'))).toBe('加载中…');

  answer = ok(pageOf([]));
  await page.instance.loadPlaces('community');
  await settle();
  expect(textOf(page.querySelector('#no-places'))).toContain('没有可发布的范围');

  answer = fail(500, 'server_error', '服务暂时不可用，请稍后重试');
  await page.instance.loadPlaces('community');
  await settle();
  expect(textOf(page.querySelector('#places-failed'))).toBe('加载失败，请重试');
  expect(toastMessage(page)).toBe('服务暂时不可用，请稍后重试');
});

test('a file from a chat and a photo upload at once, with their names, and go with the notice', async () => {
  let next = 40;
  route({
    'GET /api/v1/estates/7': estateWith('committee_chair'),
    [`POST ${ATTACHMENTS}`]: (req) => {
      next += 1;
      return ok({ id: next, name: req.data.filename, size: 1000, content_type: 'application/pdf' }, 201);
    },
    [`POST ${NOTICES}`]: ok(noticeDetail({ id: 12 }), 201),
  });
  wx.chooseMessageFile = jest.fn(({ success }) =>
    success({ tempFiles: [{ path: 'wxfile://tmp_a.pdf', name: '整治方案.pdf', size: 204800 }] }),
  );
  wx.chooseMedia = jest.fn(({ success }) => success({ tempFiles: [{ tempFilePath: 'wxfile://tmp_b.JPG', size: 3000 }] }));
  const page = await openCompose();

  await page.instance.onPickFiles();
  await page.instance.onPickPhotos();
  await settle();

  expect(wx.chooseMessageFile.mock.calls[0][0]).toMatchObject({ count: 9, type: 'file' });
  expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({ count: 8, mediaType: ['image'] });
  const uploads = calls('POST', ATTACHMENTS);
  expect(uploads.map((r) => r.file.filePath)).toEqual(['wxfile://tmp_a.pdf', 'wxfile://tmp_b.JPG']);
  expect(uploads[0].data).toEqual({ filename: '整治方案.pdf' });
  expect(uploads[1].data.filename).toMatch(/^照片\d{8}-\d{4}-1\.jpg$/);
  const shown = page.querySelectorAll('.file').map(textOf);
  expect(shown[0]).toBe('整治方案.pdf200 KB');
  await fillIn(page);
  await fire(page.querySelector('#submit-button'), 'click');
  expect(calls('POST', NOTICES)[0].data.attachment_ids).toEqual([41, 42]);
});

test('a refused file is dropped with the server message, and a removed one is not sent', async () => {
  route({
    'GET /api/v1/estates/7': estateWith('committee_chair'),
    [`POST ${ATTACHMENTS}`]: [
      fail(422, 'validation_failed', '仅支持 PDF、Word、Excel、JPG、PNG 文件', { file: ['仅支持 PDF、Word、Excel、JPG、PNG 文件'] }),
      ok({ id: 5, name: 'b.pdf', size: 10, content_type: 'application/pdf' }, 201),
    ],
    [`POST ${NOTICES}`]: ok(noticeDetail({ id: 12 }), 201),
  });
  wx.chooseMessageFile = jest.fn(({ success }) =>
    success({
      tempFiles: [
        { path: 'wxfile://tmp_a.pdf', name: 'a.pdf', size: 10 },
        { path: 'wxfile://tmp_b.pdf', name: 'b.pdf', size: 10 },
      ],
    }),
  );
  const page = await openCompose();

  await page.instance.onPickFiles();
  await settle();

  expect(toastMessage(page)).toBe('仅支持 PDF、Word、Excel、JPG、PNG 文件');
  expect(page.querySelectorAll('.file').map(textOf)).toEqual(['b.pdf10 B']);
  await fire(page.querySelector('.file__remove'), 'click');
  expect(page.querySelectorAll('.file')).toHaveLength(0);
  await fillIn(page);
  await fire(page.querySelector('#submit-button'), 'click');
  expect(calls('POST', NOTICES)[0].data.attachment_ids).toEqual([]);
});
