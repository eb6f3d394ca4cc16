const simulate = require('miniprogram-simulate');
const { fire, settle, textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, NETWORK_DOWN, route, calls, signIn } = require('./wx');
const { announcedMotion, uploadedAttachment } = require('./vote-factories');

const MOTIONS = '/api/v1/estates/7/motions';
const ATTACHMENTS = '/api/v1/estates/7/motion-attachments';

// 2026-12-02 01:30 in Shanghai, still 12-01 in UTC: the form's days must be Shanghai's.
const NOW = Date.parse('2026-12-01T17:30:00Z');
const ORDINARY = '参与表决专有部分面积和人数均过半数同意';
const SPECIAL = '参与表决专有部分面积和人数均四分之三以上同意';
const CONFIRM_TEXT = '公告后将推送到小区群，投票开始前可以取消';

const openCompose = () => openPage('motion-compose', 'onLoad', { estate_id: '7' });
const fieldError = (page, id) => page.querySelector(id).data.errorMessage;
const cellValue = (page, id) => page.querySelector(id).data.value;
const hintText = (page, name) => {
  const node = Array.from(page.dom.querySelectorAll('wx-view')).find((n) =>
    Array.from(n.classList).some((c) => c === name || c.endsWith(`--${name}`)));
  return node ? node.textContent.trim() : '';
};
/** The picker's value for a day as the phone shows it (its own midnight). */
const day = (date) => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
};

async function pickMatter(page, index) {
  await fire(page.querySelector('#matter-cell'), 'click');
  await fire(page.querySelector('#matter-picker'), 'confirm', { value: '', index });
}

async function pickDate(page, target, date) {
  await fire(page.querySelector(`#${target}-date-cell`), 'click');
  await fire(page.querySelector('#date-picker'), 'confirm', day(date));
}

async function pickTime(page, target, time) {
  await fire(page.querySelector(`#${target}-time-cell`), 'click');
  await fire(page.querySelector('#time-picker'), 'confirm', time);
}

/** Fills in a valid motion: 筹集维修资金, a title and a text; the times stay as proposed. */
async function fillIn(page, { title = ' 关于筹集维修资金的表决 ', body = '　　拟按每平方米20元筹集。\n详见附件。' } = {}) {
  await pickMatter(page, 5);
  await fire(page.querySelector('#title'), 'change', title);
  await fire(page.querySelector('#body'), 'change', body);
}

// The dialog's popup renders its buttons a couple of animation frames after it is shown.
async function dialogButtons(page) {
  await simulate.sleep(100);
  return page.querySelector('#confirm-dialog').querySelectorAll('.van-dialog__button');
}

/** Taps 公告 and answers the confirmation. */
async function announce(page, answer = 'confirm') {
  await fire(page.querySelector('#submit-button'), 'click');
  const [cancel, confirm] = await dialogButtons(page);
  await fire(answer === 'confirm' ? confirm : cancel, 'click');
}

/** Makes the next document choice return these files, as WeChat's chat file chooser does. */
function willChoose(files) {
  const tempFiles = files.map(([name, size = 20480], i) => ({
    path: `wxfile://tmp_${i + 1}_${name}`,
    name,
    size,
    type: 'file',
    time: 1,
  }));
  wx.chooseMessageFile = jest.fn(({ success }) => Promise.resolve().then(() => success({ tempFiles })));
}

/** Taps the uploader's add tile and lets the chosen files upload. */
async function addFiles(page, files) {
  willChoose(files);
  page.querySelector('#uploader').querySelector('.van-uploader__upload').dispatchEvent('tap');
  await settle();
  await settle();
}

let nextAttachmentId;
const attachmentUploaded = () => ok(uploadedAttachment(nextAttachmentId++), 201);

beforeAll(() => preload('motion-compose'));

beforeEach(() => {
  signIn();
  nextAttachmentId = 201;
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  route({ [`POST ${ATTACHMENTS}`]: attachmentUploaded });
});

afterEach(() => jest.restoreAllMocks());

describe('the form', () => {
  test('offers the ten matters of rules.py in the law’s order', async () => {
    const page = await openCompose();

    expect(page.querySelector('#matter-picker').data.columns).toEqual([
      '制定和修改业主大会议事规则',
      '制定和修改管理规约',
      '选举业主委员会或者更换业主委员会成员',
      '选聘和解聘物业服务企业或者其他管理人',
      '使用建筑物及其附属设施的维修资金',
      '筹集建筑物及其附属设施的维修资金',
      '改建、重建建筑物及其附属设施',
      '改变共有部分的用途或者利用共有部分从事经营活动',
      '有关共有和共同管理权利的其他重大事项',
      '其他事项',
    ]);
  });

  test.each([
    [0, 'rules_of_procedure', ORDINARY],
    [4, 'use_maintenance_fund', ORDINARY],
    [5, 'raise_maintenance_fund', SPECIAL],
    [6, 'rebuild', SPECIAL],
    [7, 'change_common_use', SPECIAL],
    [9, 'other', ORDINARY],
  ])('matter %p (%s) shows its pass threshold', async (index, code, threshold) => {
    const page = await openCompose();

    await pickMatter(page, index);

    expect(page.instance.data.matter).toBe(code);
    expect(page.querySelector('#matter-cell').data.label).toBe(`通过条件：${threshold}`);
  });

  test('proposes opening 16 days from now at 09:00 Shanghai time and closing 7 days later', async () => {
    const page = await openCompose();

    expect(cellValue(page, '#opens-date-cell')).toBe('2026-12-18');
    expect(cellValue(page, '#opens-time-cell')).toBe('09:00');
    expect(cellValue(page, '#closes-date-cell')).toBe('2026-12-25');
    expect(cellValue(page, '#closes-time-cell')).toBe('09:00');
  });

  test('explains the 15-day notice period', async () => {
    const page = await openCompose();

    expect(textOf(page)).toContain('投票须在公告之日起至少15日后开始');
  });

  test('the closing follows a new opening a week later, until it is chosen itself', async () => {
    const page = await openCompose();

    await pickDate(page, 'opens', '2026-12-28');
    await pickTime(page, 'opens', '14:30');
    expect(cellValue(page, '#closes-date-cell')).toBe('2027-01-04');
    expect(cellValue(page, '#closes-time-cell')).toBe('14:30');

    await pickDate(page, 'closes', '2027-01-10');
    await pickDate(page, 'opens', '2026-12-30');
    expect(cellValue(page, '#opens-date-cell')).toBe('2026-12-30');
    expect(cellValue(page, '#closes-date-cell')).toBe('2027-01-10');
  });

  test('the date picker starts at the chosen day and offers no opening inside the notice period', async () => {
    const page = await openCompose();

    await fire(page.querySelector('#opens-date-cell'), 'click');
    const picker = page.querySelector('#date-picker');
    expect(picker.data.value).toBe(day('2026-12-18'));
    // now + 15 days is 2026-12-17 01:30 in Shanghai.
    expect(picker.data.minDate).toBe(day('2026-12-17'));

    await fire(picker, 'cancel');
    await fire(page.querySelector('#closes-date-cell'), 'click');
    expect(page.querySelector('#date-picker').data.minDate).toBe(day('2026-12-18'));
  });
});

describe('checks before anything is sent', () => {
  test('an empty form names what is missing, and neither asks nor sends', async () => {
    const page = await openCompose();

    await fire(page.querySelector('#submit-button'), 'click');

    expect(hintText(page, 'matter-error')).toBe('请选择表决事项');
    expect(fieldError(page, '#title')).toBe('请填写标题');
    expect(fieldError(page, '#body')).toBe('请填写表决内容');
    expect(page.querySelector('#confirm-dialog').data.show).toBe(false);
    expect(calls('POST', MOTIONS)).toHaveLength(0);
  });

  test('a title over 100 characters or a text over 10000 is refused', async () => {
    const page = await openCompose();
    await fillIn(page, { title: '题'.repeat(101), body: '文'.repeat(10001) });

    await fire(page.querySelector('#submit-button'), 'click');

    expect(fieldError(page, '#title')).toBe('标题不能超过100个字');
    expect(fieldError(page, '#body')).toBe('表决内容不能超过10000个字');
    expect(calls('POST', MOTIONS)).toHaveLength(0);
  });

  test('exactly 100 and 10000 characters pass, emoji counted as one', async () => {
    const page = await openCompose();
    await fillIn(page, { title: `${'题'.repeat(99)}🏠`, body: '文'.repeat(10000) });

    await fire(page.querySelector('#submit-button'), 'click');

    expect(page.instance.data.errors).toEqual({});
    expect(page.querySelector('#confirm-dialog').data.show).toBe(true);
  });

  test('an opening inside the 15-day notice period is refused, naming the earliest', async () => {
    const page = await openCompose();
    await fillIn(page);
    await pickDate(page, 'opens', '2026-12-17');
    await pickTime(page, 'opens', '01:29');

    await fire(page.querySelector('#submit-button'), 'click');

    expect(hintText(page, 'opens-error')).toBe('须在公告15日后开始，最早 2026-12-17 01:30');
    expect(calls('POST', MOTIONS)).toHaveLength(0);

    await pickTime(page, 'opens', '01:30');
    expect(hintText(page, 'opens-error')).toBe('');
    await fire(page.querySelector('#submit-button'), 'click');
    expect(page.instance.data.errors).toEqual({});
  });

  test('a closing not after the opening is refused', async () => {
    const page = await openCompose();
    await fillIn(page);
    await pickDate(page, 'closes', '2026-12-18');
    await pickTime(page, 'closes', '09:00');

    await fire(page.querySelector('#submit-button'), 'click');

    expect(hintText(page, 'closes-error')).toBe('须晚于投票开始时间');
    expect(calls('POST', MOTIONS)).toHaveLength(0);
  });

  test('a voting period over 60 days is refused', async () => {
    const page = await openCompose();
    await fillIn(page);
    await pickDate(page, 'closes', '2027-02-16');
    await pickTime(page, 'closes', '09:01');

    await fire(page.querySelector('#submit-button'), 'click');

    expect(hintText(page, 'closes-error')).toBe('投票期最长60日');
  });
});

describe('announcing', () => {
  test('asks first, with what happens next', async () => {
    const page = await openCompose();
    await fillIn(page);

    await fire(page.querySelector('#submit-button'), 'click');

    const dialog = page.querySelector('#confirm-dialog');
    expect(dialog.data.show).toBe(true);
    expect(dialog.data.message).toBe(CONFIRM_TEXT);
    expect(calls('POST', MOTIONS)).toHaveLength(0);
  });

  test('cancelling the confirmation sends nothing and keeps the form', async () => {
    const page = await openCompose();
    await fillIn(page);

    await announce(page, 'cancel');

    expect(calls('POST', MOTIONS)).toHaveLength(0);
    expect(page.querySelector('#confirm-dialog').data.show).toBe(false);
    expect(page.querySelector('#title').data.value).toBe(' 关于筹集维修资金的表决 ');
  });

  test('confirming sends the motion with +08:00 times, then replaces itself with it', async () => {
    route({ [`POST ${MOTIONS}`]: ok(announcedMotion({ id: 31 }), 201) });
    const page = await openCompose();
    await fillIn(page);
    await pickDate(page, 'opens', '2026-12-20');
    await pickTime(page, 'opens', '19:30');

    await announce(page);

    expect(calls('POST', MOTIONS).map((r) => r.data)).toEqual([
      {
        matter: 'raise_maintenance_fund',
        title: '关于筹集维修资金的表决',
        body: '　　拟按每平方米20元筹集。\n详见附件。',
        opens_at: '2026-12-20T19:30:00+08:00',
        closes_at: '2026-12-27T19:30:00+08:00',
        attachment_ids: [],
      },
    ]);
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已公告', icon: 'success' });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/motion/index?id=31' });
  });

  test('the proposed times are sent as proposed', async () => {
    route({ [`POST ${MOTIONS}`]: ok(announcedMotion({ id: 31 }), 201) });
    const page = await openCompose();
    await fillIn(page);

    await announce(page);

    expect(calls('POST', MOTIONS)[0].data).toMatchObject({
      opens_at: '2026-12-18T09:00:00+08:00',
      closes_at: '2026-12-25T09:00:00+08:00',
    });
  });

  test('a second tap while it is on its way announces once', async () => {
    let answer;
    route({ [`POST ${MOTIONS}`]: () => new Promise((resolve) => (answer = resolve)) });
    const page = await openCompose();
    await fillIn(page);

    await announce(page);
    expect(page.querySelector('#submit-button').data.loading).toBe(true);
    page.instance.onConfirm();
    await fire(page.querySelector('#submit-button'), 'click');
    answer(ok(announcedMotion({ id: 31 }), 201));
    await settle();

    expect(calls('POST', MOTIONS)).toHaveLength(1);
    expect(wx.redirectTo).toHaveBeenCalledTimes(1);
  });

  test('the server’s field errors show under their fields', async () => {
    const fields = {
      title: ['标题不能超过 100 个字'],
      opens_at: ['至少在 15 日后开始'],
      closes_at: ['投票期最长 60 日'],
      attachment_ids: ['附件无效'],
    };
    route({ [`POST ${MOTIONS}`]: fail(422, 'validation_failed', '投票开始时间须在公告之日起至少 15 日之后', fields) });
    const page = await openCompose();
    await fillIn(page);

    await announce(page);

    expect(fieldError(page, '#title')).toBe('标题不能超过 100 个字');
    expect(hintText(page, 'opens-error')).toBe('至少在 15 日后开始');
    expect(hintText(page, 'closes-error')).toBe('投票期最长 60 日');
    expect(hintText(page, 'attachments-error')).toBe('附件无效');
    expect(toastMessage(page)).toBe('投票开始时间须在公告之日起至少 15 日之后');
    expect(page.instance.data.submitting).toBe(false);
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('someone who may not announce sees the server message', async () => {
    route({ [`POST ${MOTIONS}`]: fail(403, 'forbidden', '只有业主委员会（未成立业委会的由社区）可以发起和管理表决') });
    const page = await openCompose();
    await fillIn(page);

    await announce(page);

    expect(toastMessage(page)).toBe('只有业主委员会（未成立业委会的由社区）可以发起和管理表决');
    expect(wx.redirectTo).not.toHaveBeenCalled();
  });

  test('a lost answer leaves the form to send again', async () => {
    route({ [`POST ${MOTIONS}`]: [NETWORK_DOWN, ok(announcedMotion({ id: 31 }), 201)] });
    const page = await openCompose();
    await fillIn(page);

    await announce(page);
    expect(toastMessage(page)).toBe('网络异常，请稍后重试');
    await announce(page);

    expect(calls('POST', MOTIONS)).toHaveLength(2);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/motion/index?id=31' });
  });
});

describe('documents', () => {
  test('are chosen from chats as PDF, Word, Excel, JPG or PNG, and upload as "file"', async () => {
    const page = await openCompose();

    await addFiles(page, [['筹集方案.pdf'], ['预算.xlsx']]);

    const [[options]] = wx.chooseMessageFile.mock.calls;
    expect(options).toMatchObject({ type: 'file', count: 9, extension: ['pdf', 'docx', 'xlsx', 'jpg', 'jpeg', 'png'] });
    expect(calls('POST', ATTACHMENTS).map((r) => r.file)).toEqual([
      { name: 'file', filePath: 'wxfile://tmp_1_筹集方案.pdf' },
      { name: 'file', filePath: 'wxfile://tmp_2_预算.xlsx' },
    ]);
    expect(page.querySelector('#uploader').querySelectorAll('.van-uploader__file-name').map(textOf)).toEqual([
      '筹集方案.pdf',
      '预算.xlsx',
    ]);
  });

  test('their ids go with the motion, in the order shown, without a removed one', async () => {
    route({ [`POST ${MOTIONS}`]: ok(announcedMotion({ id: 31 }), 201) });
    const page = await openCompose();
    await fillIn(page);
    await addFiles(page, [['方案.pdf'], ['现状.jpg'], ['预算.docx']]);

    page.querySelector('#uploader').querySelectorAll('.van-uploader__preview-delete')[1].dispatchEvent('tap');
    await settle();
    await announce(page);

    expect(calls('POST', MOTIONS).map((r) => r.data.attachment_ids)).toEqual([[201, 203]]);
  });

  test('one the server refuses is dropped, with its message', async () => {
    route({
      [`POST ${ATTACHMENTS}`]: [
        fail(422, 'validation_failed', '文件内容与扩展名不符或已损坏', { file: ['文件内容与扩展名不符或已损坏'] }),
        attachmentUploaded,
      ],
    });
    const page = await openCompose();

    await addFiles(page, [['坏文件.pdf'], ['方案.pdf']]);

    expect(toastMessage(page)).toBe('文件内容与扩展名不符或已损坏');
    expect(page.instance.data.uploads.map((u) => [u.name, u.id])).toEqual([['方案.pdf', 201]]);
  });

  test('one too large for the proxy in front of the API says so', async () => {
    route({ [`POST ${ATTACHMENTS}`]: { status: 413, body: '<html>413 Request Entity Too Large</html>' } });
    const page = await openCompose();

    await addFiles(page, [['扫描件.pdf']]);

    expect(toastMessage(page)).toBe('文件太大，请压缩后再上传');
    expect(page.instance.data.uploads).toEqual([]);
  });

  test('while one is uploading, announcing waits', async () => {
    route({ [`POST ${ATTACHMENTS}`]: () => new Promise(() => {}) });
    const page = await openCompose();
    await fillIn(page);
    await addFiles(page, [['方案.pdf']]);

    await fire(page.querySelector('#submit-button'), 'click');

    expect(toastMessage(page)).toBe('附件还在上传，请稍候');
    expect(page.querySelector('#confirm-dialog').data.show).toBe(false);
  });

  test('no more than 9: a larger choice keeps the first ones and says so', async () => {
    const page = await openCompose();
    await addFiles(page, Array.from({ length: 8 }, (_, i) => [`附件${i + 1}.pdf`]));

    await fire(page.querySelector('#uploader'), 'after-read', {
      file: [{ url: 'wxfile://a.pdf', name: 'a.pdf' }, { url: 'wxfile://b.pdf', name: 'b.pdf' }],
      name: '',
      index: 8,
    });
    await settle();

    expect(page.instance.data.uploads).toHaveLength(9);
    expect(page.instance.data.uploads[8].name).toBe('a.pdf');
    expect(toastMessage(page)).toBe('最多上传9个附件');
    expect(page.querySelector('#uploader').querySelector('.van-uploader__upload')).toBeUndefined();
  });
});

describe('the building scope of a use of the fund', () => {
  const BUILDINGS = '/api/v1/directory/estates/7/buildings';
  const buildings = ok({ items: [{ id: 3, name: '1号楼', unit_count: 24 }, { id: 4, name: '2号楼', unit_count: 30 }] });

  async function fillInUse(page) {
    await pickMatter(page, 4);
    await fire(page.querySelector('#title'), 'change', '关于使用维修资金翻新1号楼屋面的表决');
    await fire(page.querySelector('#body'), 'change', '预算 ¥30,000.00，由1号楼业主按面积分摊。');
  }

  test('other matters offer no scope and send none', async () => {
    route({ [`POST ${MOTIONS}`]: ok(announcedMotion({ id: 31 }), 201) });
    const page = await openCompose();
    await fillIn(page);

    expect(page.querySelector('#buildings')).toBeFalsy();
    expect(calls('GET', BUILDINGS)).toHaveLength(0);
    await announce(page);
    expect(calls('POST', MOTIONS)[0].data).not.toHaveProperty('building_ids');
  });

  test('using the fund offers the buildings and sends the ones picked', async () => {
    route({ [`GET ${BUILDINGS}`]: buildings, [`POST ${MOTIONS}`]: ok(announcedMotion({ id: 31 }), 201) });
    const page = await openCompose();
    await fillInUse(page);

    expect(textOf(page)).toContain('表决范围');
    expect(page.querySelectorAll('.building').map(textOf)).toEqual(['1号楼24 户', '2号楼30 户']);
    await fire(page.querySelector('#buildings'), 'change', ['3']);
    await announce(page);

    expect(calls('POST', MOTIONS)[0].data).toMatchObject({ matter: 'use_maintenance_fund', building_ids: [3] });
  });

  test('none picked is the whole estate: no building_ids are sent', async () => {
    route({ [`GET ${BUILDINGS}`]: buildings, [`POST ${MOTIONS}`]: ok(announcedMotion({ id: 31 }), 201) });
    const page = await openCompose();
    await fillInUse(page);
    await announce(page);

    expect(calls('POST', MOTIONS)[0].data).not.toHaveProperty('building_ids');
  });

  test('from a repair project the matter and its buildings come picked', async () => {
    route({ [`GET ${BUILDINGS}`]: buildings });
    const page = await openPage('motion-compose', 'onLoad', { estate_id: '7', matter: 'use_maintenance_fund', building_ids: '3,4' });

    expect(page.instance.data.matter).toBe('use_maintenance_fund');
    expect(page.instance.data.buildingIds).toEqual(['3', '4']);
    expect(page.querySelector('#buildings').data.value).toEqual(['3', '4']);
  });

  test('buildings that fail to load say so, with a retry', async () => {
    route({ [`GET ${BUILDINGS}`]: [NETWORK_DOWN, buildings] });
    const page = await openCompose();
    await pickMatter(page, 4);

    expect(textOf(page.querySelector('#buildings-failed'))).toContain('楼栋暂时无法加载');
    expect(toastMessage(page)).toBe('网络异常，请稍后重试');
    page.querySelector('#buildings-retry').dispatchEvent('tap');
    await settle();
    expect(page.querySelectorAll('.building')).toHaveLength(2);
  });
});
