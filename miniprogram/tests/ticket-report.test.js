const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, NETWORK_DOWN, route, calls, signIn } = require('./wx');
const { ticket, ticketDetail, ticketPhoto } = require('./ticket-factories');

const PHOTOS = '/api/v1/estates/7/ticket-photos';
const TICKETS = '/api/v1/estates/7/tickets';
const NEARBY = '/api/v1/estates/7/tickets/nearby';
const BUILDINGS = '/api/v1/directory/estates/7/buildings';

const openReport = (query = { estate_id: '7' }) => openPage('ticket-report', 'onLoad', query);
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;
const submitButton = (page) => page.querySelector('#submit-button');
const HERE = { latitude: 31.2304, longitude: 121.4737 };

// Photo ids count up from 101 as the server hands them out.
let nextPhotoId;
const photoUploaded = () => ok(ticketPhoto(nextPhotoId++), 201);

/** Makes the next photo choice return n photos, named after their place in the whole form. */
function willChoose(n, first = 1) {
  const tempFiles = Array.from({ length: n }, (_, i) => ({ tempFilePath: `wxfile://photo_${first + i}.jpg`, size: 2048 }));
  wx.chooseMedia = jest.fn(({ success }) => Promise.resolve().then(() => success({ tempFiles, type: 'image' })));
}

/** Taps the uploader's add tile, as the user does to take or pick photos, and lets them upload. */
async function addPhotos(page, n = 1, first = 1) {
  willChoose(n, first);
  page.querySelector('#uploader').querySelector('.van-uploader__upload').dispatchEvent('tap');
  await settle();
  await settle();
}

async function pickCategory(page, index = 4) {
  await fire(page.querySelector('#category-cell'), 'click');
  await fire(page.querySelector('#category-picker'), 'confirm', { value: '', index });
}

async function pickBuilding(page, index = 1) {
  await fire(page.querySelector('#building-cell'), 'click');
  await fire(page.querySelector('#building-picker'), 'confirm', { value: '', index });
}

/** Fills a complete report: 电梯故障 in 3号楼, a description and one photo. */
async function fillIn(page, { description = '3号楼电梯停在8楼，按键无反应' } = {}) {
  await pickCategory(page, 4);
  await fire(page.querySelector('#description'), 'change', description);
  await pickBuilding(page, 1);
  await addPhotos(page, 1);
}

const submit = (page) => fire(submitButton(page), 'click');

beforeAll(() => preload('ticket-report'));

beforeEach(() => {
  signIn();
  nextPhotoId = 101;
  route({
    [`GET ${BUILDINGS}`]: ok({ items: [{ id: 3, name: '3号楼', unit_count: 120 }, { id: 4, name: '4号楼', unit_count: 96 }] }),
    [`POST ${PHOTOS}`]: photoUploaded,
    [`GET ${NEARBY}`]: ok({ items: [] }),
    [`POST ${TICKETS}`]: ok(ticketDetail({ id: 40 }), 201),
  });
});

describe('the form', () => {
  test('offers the 11 categories and shows the one picked', async () => {
    const page = await openReport();

    await fire(page.querySelector('#category-cell'), 'click');
    expect(page.querySelector('#category-picker').data.columns).toEqual([
      '治安安全',
      '环境卫生',
      '消防安全',
      '电动车停放充电',
      '电梯故障',
      '车辆停放',
      '管道疏通',
      '路面破损',
      '公共照明',
      '绿地裸土',
      '其他',
    ]);
    await fire(page.querySelector('#category-picker'), 'confirm', { value: '电梯故障', index: 4 });

    expect(textOf(page.querySelector('#category-cell'))).toContain('电梯故障');
    expect(page.instance.data.category).toBe('elevator');
  });

  test('offers the estate buildings from the directory, and no building at all', async () => {
    const page = await openReport();

    await fire(page.querySelector('#building-cell'), 'click');
    expect(page.querySelector('#building-picker').data.columns).toEqual(['不指定楼栋', '3号楼', '4号楼']);
    await fire(page.querySelector('#building-picker'), 'confirm', { value: '4号楼', index: 2 });
    expect(textOf(page.querySelector('#building-cell'))).toContain('4号楼');
    await pickBuilding(page, 0);

    expect(page.instance.data.buildingId).toBeNull();
    expect(textOf(page.querySelector('#building-cell'))).toContain('请选择');
  });

  test('the description counts up to 1000 characters', async () => {
    const page = await openReport();

    await fire(page.querySelector('#description'), 'change', '电梯坏了');

    expect(textOf(page.querySelector('#description'))).toContain('4/1000');
    expect(page.querySelector('#description').data.maxlength).toBe(1000);
  });

  test('submitting is disabled until a category, a description and a photo are there', async () => {
    const page = await openReport();
    expect(submitButton(page).data.disabled).toBe(true);
    expect(textOf(page)).toContain('还需选择问题类型、描述问题、上传至少1张照片');

    await pickCategory(page);
    await fire(page.querySelector('#description'), 'change', '   ');
    expect(submitButton(page).data.disabled).toBe(true);
    expect(textOf(page)).toContain('还需描述问题、上传至少1张照片');

    await fire(page.querySelector('#description'), 'change', '电梯坏了');
    expect(textOf(page)).toContain('还需上传至少1张照片');
    await addPhotos(page, 1);

    expect(submitButton(page).data.disabled).toBe(false);
    expect(textOf(page)).not.toContain('还需');
  });

  test('a report that is not complete is refused locally with messages under the fields', async () => {
    const page = await openReport();

    await page.instance.onSubmit();
    await settle();

    expect(textOf(page)).toContain('请选择问题类型');
    expect(fieldError(page, '#description')).toBe('请描述遇到的问题');
    expect(textOf(page)).toContain('请至少上传1张照片');
    expect(calls('GET', NEARBY)).toHaveLength(0);
    expect(calls('POST', TICKETS)).toHaveLength(0);
  });

  test('a failing building list shows the server message', async () => {
    route({ [`GET ${BUILDINGS}`]: fail(404, 'not_found', '未找到该对象，或您无权查看') });
    const page = await openReport();

    expect(toastMessage(page)).toBe('未找到该对象，或您无权查看');
  });
});

describe('photos', () => {
  test('are taken or picked as compressed images, up to 9', async () => {
    const page = await openReport();

    await addPhotos(page, 2);

    const [[options]] = wx.chooseMedia.mock.calls;
    expect(options).toMatchObject({
      count: 9,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
    });
  });

  test('upload one by one to the estate, as field "file", and show as done', async () => {
    const page = await openReport();

    await addPhotos(page, 3);

    expect(calls('POST', PHOTOS).map((r) => r.file)).toEqual([
      { name: 'file', filePath: 'wxfile://photo_1.jpg' },
      { name: 'file', filePath: 'wxfile://photo_2.jpg' },
      { name: 'file', filePath: 'wxfile://photo_3.jpg' },
    ]);
    expect(page.instance.data.uploads.map((u) => [u.url, u.status, u.id])).toEqual([
      ['wxfile://photo_1.jpg', 'done', 101],
      ['wxfile://photo_2.jpg', 'done', 102],
      ['wxfile://photo_3.jpg', 'done', 103],
    ]);
  });

  test('never send two at once, and show progress while waiting', async () => {
    const answers = [];
    route({ [`POST ${PHOTOS}`]: () => new Promise((resolve) => answers.push(resolve)) });
    const page = await openReport();

    await addPhotos(page, 2);
    expect(calls('POST', PHOTOS)).toHaveLength(1);
    expect(page.instance.data.uploads.map((u) => [u.status, u.message])).toEqual([
      ['uploading', '0%'],
      ['uploading', '等待上传'],
    ]);
    expect(textOf(page)).toContain('照片上传中…');
    expect(submitButton(page).data.disabled).toBe(true);
    answers[0](photoUploaded());
    await settle();

    expect(calls('POST', PHOTOS)).toHaveLength(2);
    expect(page.instance.data.uploads.map((u) => u.status)).toEqual(['done', 'uploading']);
  });

  test('after 9 photos the add tile is gone, and a later choice asks only for what is left', async () => {
    const page = await openReport();

    await addPhotos(page, 7);
    await addPhotos(page, 2, 8);
    expect(wx.chooseMedia.mock.calls[0][0].count).toBe(2);

    expect(page.instance.data.uploads).toHaveLength(9);
    expect(page.querySelector('#uploader').querySelector('.van-uploader__upload')).toBeUndefined();
  });

  test('more than 9 at once keeps the first ones and says so', async () => {
    const page = await openReport();
    await addPhotos(page, 8);

    await fire(page.querySelector('#uploader'), 'after-read', {
      file: [{ url: 'wxfile://a.jpg' }, { url: 'wxfile://b.jpg' }],
      name: '',
      index: 8,
    });
    await settle();

    expect(page.instance.data.uploads.map((u) => u.url).slice(-1)).toEqual(['wxfile://a.jpg']);
    expect(page.instance.data.uploads).toHaveLength(9);
    expect(toastMessage(page)).toBe('最多上传9张照片');
  });

  test.each([
    [413, 'photo_too_large', '照片过大（不能超过10MB或4000万像素）'],
    [415, 'unsupported_photo', '仅支持 JPEG、PNG、WebP 格式的照片'],
  ])('a photo the server refuses (%p) is not added, and its message shows', async (status, code, message) => {
    route({ [`POST ${PHOTOS}`]: [fail(status, code, message), photoUploaded] });
    const page = await openReport();

    await addPhotos(page, 2);

    expect(toastMessage(page)).toBe(message);
    expect(page.instance.data.uploads.map((u) => [u.url, u.id])).toEqual([['wxfile://photo_2.jpg', 101]]);
  });

  test('a body too large for the proxy in front of the API still says the photo is too big', async () => {
    route({ [`POST ${PHOTOS}`]: { status: 413, body: '<html>413 Request Entity Too Large</html>' } });
    const page = await openReport();

    await addPhotos(page, 1);

    expect(toastMessage(page)).toBe('照片太大，请换一张或压缩后再试');
    expect(page.instance.data.uploads).toEqual([]);
  });

  test('a photo removed before submitting is not sent', async () => {
    const page = await openReport();
    await fillIn(page);
    await addPhotos(page, 1, 2);

    page.querySelector('#uploader').querySelectorAll('.van-uploader__preview-delete')[0].dispatchEvent('tap');
    await settle();
    await submit(page);

    expect(calls('POST', TICKETS).map((r) => r.data.photo_ids)).toEqual([[102]]);
  });
});

describe('location', () => {
  beforeEach(() => {
    wx.getLocation = jest.fn(({ success }) => Promise.resolve().then(() => success(HERE)));
  });

  test('the current position is asked for in GCJ-02 and sent with the report', async () => {
    const page = await openReport();
    await fillIn(page);
    await fire(page.querySelector('#location-text'), 'change', ' 2单元门口 ');

    await fire(page.querySelector('#locate-button'), 'click');
    expect(wx.getLocation.mock.calls[0][0].type).toBe('gcj02');
    expect(textOf(page)).toContain('已获取当前位置');
    await submit(page);

    expect(calls('GET', NEARBY)[0].query).toEqual({
      category: 'elevator',
      building_id: '3',
      lat: '31.2304',
      lng: '121.4737',
    });
    expect(calls('POST', TICKETS)[0].data).toMatchObject({
      building_id: 3,
      location_text: '2单元门口',
      lat: 31.2304,
      lng: 121.4737,
    });
  });

  test.each([
    ['getLocation:fail auth deny', '未获得定位权限，可选择楼栋或填写位置说明'],
    ['getLocation:fail timeout', '定位失败，可选择楼栋或填写位置说明'],
  ])('refusing the position (%p) says what else to do and reports without it', async (errMsg, message) => {
    wx.getLocation = jest.fn(({ fail: failed }) => Promise.resolve().then(() => failed({ errMsg })));
    const page = await openReport();
    await fillIn(page);

    await fire(page.querySelector('#locate-button'), 'click');
    expect(toastMessage(page)).toBe(message);
    expect(page.querySelector('#locate-button').data.loading).toBe(false);
    await submit(page);

    const [sent] = calls('POST', TICKETS);
    expect(sent.data).not.toHaveProperty('lat');
    expect(sent.data).not.toHaveProperty('lng');
  });

  test('a cleared position is not sent', async () => {
    const page = await openReport();
    await fillIn(page);
    await fire(page.querySelector('#locate-button'), 'click');

    await fire(page.querySelector('#clear-location-button'), 'click');
    await submit(page);

    expect(calls('POST', TICKETS)[0].data).not.toHaveProperty('lat');
  });
});

describe('same problem nearby', () => {
  const sameLift = ticket({ id: 31, supporter_count: 2 });

  test('is looked for before filing, and shown instead of filing', async () => {
    route({ [`GET ${NEARBY}`]: ok({ items: [sameLift, ticket({ id: 32, is_mine: true, description: '电梯异响' })] }) });
    const page = await openReport();
    await fillIn(page);

    await submit(page);

    expect(calls('GET', NEARBY)[0].query).toEqual({ category: 'elevator', building_id: '3' });
    expect(calls('POST', TICKETS)).toHaveLength(0);
    expect(textOf(page)).toContain('附近已有相同问题');
    expect(page.querySelectorAll('.nearby__ticket').map(textOf)).toEqual([
      '电梯故障待受理3号楼电梯停在8楼，按键无反应3号楼 2单元电梯厅 · 2026-11-23 10:00 · 附议 2',
      '电梯故障待受理电梯异响3号楼 2单元电梯厅 · 2026-11-23 10:00',
    ]);
    // One's own ticket cannot be supported.
    expect(page.querySelectorAll('.support-button')).toHaveLength(1);
    expect(textOf(page)).toContain('我提交的');
    expect(submitButton(page)).toBeUndefined();
  });

  test('says how far each one is when the position is known', async () => {
    wx.getLocation = jest.fn(({ success }) => Promise.resolve().then(() => success(HERE)));
    route({ [`GET ${NEARBY}`]: ok({ items: [{ ...sameLift, distance_m: 12 }] }) });
    const page = await openReport();
    await fillIn(page);
    await fire(page.querySelector('#locate-button'), 'click');

    await submit(page);

    expect(textOf(page.querySelector('.nearby__ticket'))).toContain('距您约12米');
  });

  test('我也遇到 supports that ticket and opens it, filing nothing', async () => {
    route({
      [`GET ${NEARBY}`]: ok({ items: [sameLift] }),
      'POST /api/v1/tickets/31/supporters': ok(ticketDetail({ id: 31, i_support: true, supporter_count: 3 })),
    });
    const page = await openReport();
    await fillIn(page);
    await submit(page);

    await fire(page.querySelector('.support-button'), 'click');

    expect(calls('POST', '/api/v1/tickets/31/supporters')).toHaveLength(1);
    expect(calls('POST', TICKETS)).toHaveLength(0);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=31' });
  });

  test('a ticket supported already is opened all the same', async () => {
    route({
      [`GET ${NEARBY}`]: ok({ items: [sameLift] }),
      'POST /api/v1/tickets/31/supporters': fail(409, 'already_supported', '您已附议过该问题'),
    });
    const page = await openReport();
    await fillIn(page);
    await submit(page);

    await fire(page.querySelector('.support-button'), 'click');

    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=31' });
  });

  test('tapping a nearby ticket opens it over the form', async () => {
    route({ [`GET ${NEARBY}`]: ok({ items: [sameLift] }) });
    const page = await openReport();
    await fillIn(page);
    await submit(page);

    await fire(page.querySelector('.nearby__ticket'), 'click');

    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=31' });
  });

  test('仍要提交 files the report without asking again', async () => {
    route({ [`GET ${NEARBY}`]: ok({ items: [sameLift] }) });
    const page = await openReport();
    await fillIn(page);
    await submit(page);

    await fire(page.querySelector('#submit-anyway-button'), 'click');

    expect(calls('GET', NEARBY)).toHaveLength(1);
    expect(calls('POST', TICKETS)).toHaveLength(1);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=40' });
  });

  test('changing the category looks again', async () => {
    route({ [`GET ${NEARBY}`]: [ok({ items: [sameLift] }), ok({ items: [] })] });
    const page = await openReport();
    await fillIn(page);
    await submit(page);

    await pickCategory(page, 8);
    expect(page.querySelector('.nearby__ticket')).toBeUndefined();
    await submit(page);

    expect(calls('GET', NEARBY).map((r) => r.query.category)).toEqual(['elevator', 'lighting']);
    expect(calls('POST', TICKETS)[0].data.category).toBe('lighting');
  });

  test('without a building or a position there is nothing to look near, so it files at once', async () => {
    const page = await openReport();
    await pickCategory(page);
    await fire(page.querySelector('#description'), 'change', '电梯坏了');
    await addPhotos(page, 1);

    await submit(page);

    expect(calls('GET', NEARBY)).toHaveLength(0);
    expect(calls('POST', TICKETS)).toHaveLength(1);
  });

  test('a broken duplicate check does not stop the report', async () => {
    route({ [`GET ${NEARBY}`]: fail(500, 'internal_error', '服务器出错了，请稍后重试') });
    const page = await openReport();
    await fillIn(page);

    await submit(page);

    expect(calls('POST', TICKETS)).toHaveLength(1);
  });
});

describe('filing', () => {
  test('posts the report with the uploaded photos and a token, then replaces itself with the ticket', async () => {
    const page = await openReport();
    await fillIn(page, { description: ' 3号楼电梯停在8楼 ' });
    await addPhotos(page, 1, 2);

    await submit(page);

    expect(calls('POST', TICKETS).map((r) => r.data)).toEqual([
      {
        category: 'elevator',
        description: '3号楼电梯停在8楼',
        building_id: 3,
        photo_ids: [101, 102],
        client_token: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      },
    ]);
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已提交', icon: 'success' });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=40' });
  });

  test('tapping twice files once', async () => {
    const page = await openReport();
    await fillIn(page);

    const button = submitButton(page);
    button.dispatchEvent('click');
    button.dispatchEvent('click');
    await settle();
    await page.instance.onSubmit(); // a late tap while the page is being replaced

    expect(calls('POST', TICKETS)).toHaveLength(1);
    expect(wx.redirectTo).toHaveBeenCalledTimes(1);
  });

  test('sending again after a lost answer reuses the token, so the server files once', async () => {
    route({ [`POST ${TICKETS}`]: [NETWORK_DOWN, ok(ticketDetail({ id: 40 }), 201)] });
    const page = await openReport();
    await fillIn(page);

    await submit(page);
    expect(toastMessage(page)).toBe('网络异常，请稍后重试');
    await submit(page);

    const tokens = calls('POST', TICKETS).map((r) => r.data.client_token);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBe(tokens[0]);
    expect(calls('GET', NEARBY)).toHaveLength(1);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=40' });
  });

  test('server field errors show next to their fields', async () => {
    const fields = {
      description: ['问题描述不能少于5个字'],
      photo_ids: ['照片不存在或已被使用'],
      building_id: ['楼栋不属于该小区'],
    };
    route({ [`POST ${TICKETS}`]: fail(422, 'validation_failed', '提交的内容有误，请按提示修改', fields) });
    const page = await openReport();
    await fillIn(page);

    await submit(page);

    expect(fieldError(page, '#description')).toBe('问题描述不能少于5个字');
    expect(textOf(page)).toContain('照片不存在或已被使用');
    expect(textOf(page)).toContain('楼栋不属于该小区');
    expect(toastMessage(page)).toBe('提交的内容有误，请按提示修改');
    expect(page.instance.data.submitting).toBe(false);
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('someone who is not a verified owner is told so and offered to claim a unit', async () => {
    route({ [`POST ${TICKETS}`]: fail(403, 'forbidden', '只有本小区已认证业主可以随手拍') });
    const page = await openReport({ estate_id: '7', name: encodeURIComponent('阳光小区') });
    await fillIn(page);

    await submit(page);

    expect(textOf(page)).toContain('随手拍仅限本小区已认证业主');
    expect(textOf(page)).toContain('只有本小区已认证业主可以随手拍');
    await fire(page.querySelector('#claim-button'), 'click');
    expect(wx.navigateTo).toHaveBeenCalledWith({
      url: `/pages/claim/index?estate_id=7&name=${encodeURIComponent('阳光小区')}`,
    });
  });

  test('a refused first photo (403) already tells a non-owner to claim a unit', async () => {
    route({ [`POST ${PHOTOS}`]: fail(403, 'forbidden', '只有本小区已认证业主可以随手拍') });
    const page = await openReport();

    await addPhotos(page, 1);

    expect(textOf(page)).toContain('随手拍仅限本小区已认证业主');
    expect(page.querySelector('#claim-button')).toBeDefined();
  });
});
