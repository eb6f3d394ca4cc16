// Reporting a ticket asks, from the submit tap, to hear of the reply and of an escalation; a
// refusal or a failed sheet still files the report.
const { fire, settle, openPage, preload } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');
const { ticketDetail, ticketPhoto } = require('./ticket-factories');
const { wechatAnswers, asked, posted, tapNow, consentSetUp } = require('./subscribe-support');

beforeAll(() => preload('ticket-report'));

beforeEach(async () => {
  signIn();
  await consentSetUp();
});

const PHOTOS = '/api/v1/estates/7/ticket-photos';
const TICKETS = '/api/v1/estates/7/tickets';

async function filledReport() {
  route({
    'GET /api/v1/directory/estates/7/buildings': ok({ items: [{ id: 3, name: '3号楼', unit_count: 120 }] }),
    [`POST ${PHOTOS}`]: ok(ticketPhoto(101), 201),
    [`GET ${TICKETS}/nearby`]: ok({ items: [] }),
    [`POST ${TICKETS}`]: ok(ticketDetail({ id: 40 }), 201),
  });
  const page = await openPage('ticket-report', 'onLoad', { estate_id: '7' });
  await fire(page.querySelector('#category-cell'), 'click');
  await fire(page.querySelector('#category-picker'), 'confirm', { value: '', index: 4 });
  await fire(page.querySelector('#description'), 'change', '3号楼电梯停在8楼');
  wx.chooseMedia = jest.fn(({ success }) =>
    Promise.resolve().then(() => success({ tempFiles: [{ tempFilePath: 'wxfile://p.jpg', size: 2048 }], type: 'image' })));
  page.querySelector('#uploader').querySelector('.van-uploader__upload').dispatchEvent('tap');
  await settle();
  await settle();
  return page;
}

describe('reporting a ticket', () => {
  test('the submit tap itself asks for the reply and escalation templates, then reports', async () => {
    const page = await filledReport();

    expect(tapNow(page, 'onSubmit')).toEqual([['tmpl-replied', 'tmpl-escalated']]);
    await settle();
    await settle();

    expect(posted()).toEqual([
      { moment: 'ticket_reported', answers: { 'tmpl-replied': 'accept', 'tmpl-escalated': 'accept' } },
    ]);
    expect(calls('POST', TICKETS)).toHaveLength(1);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=40' });
  });

  test.each(['reject', 'fail'])('a consent sheet answered %s still files the report', async (answer) => {
    wechatAnswers(answer);
    const page = await filledReport();

    await fire(page.querySelector('#submit-button'), 'click');
    await settle();

    expect(asked()).toHaveLength(1);
    expect(calls('POST', TICKETS)).toHaveLength(1);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/ticket/index?id=40' });
  });

  test('an incomplete report asks nothing', async () => {
    const page = await openPage('ticket-report', 'onLoad', { estate_id: '7' });

    await page.instance.onSubmit();

    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});
