// The ticket page asks a handler, from their first action tap, to hear of tickets assigned or
// escalated to them; a refusal does not stop the action.
const { fire, openPage, preload, settle, toastMessage } = require('./helpers');
const { ok, route, calls, signIn } = require('./wx');
const { ticketDetail } = require('./ticket-factories');
const { MOMENTS, wechatAnswers, asked, posted, consentSetUp } = require('./subscribe-support');

const TICKET = '/api/v1/tickets/31';
const TRANSITIONS = `${TICKET}/transitions`;

beforeAll(() => preload('ticket'));

beforeEach(async () => {
  signIn();
  await consentSetUp();
  route({
    [`GET ${TICKET}`]: ok(ticketDetail({ allowed_actions: ['accept', 'reject'] })),
    [`POST ${TRANSITIONS}`]: ok(ticketDetail({ status: 'accepted', status_label: '已受理', allowed_actions: ['start'] })),
  });
});

test('the first action tap asks for the handling template, once a page', async () => {
  const page = await openPage('ticket', 'onLoad', { id: '31' });

  // The handler's own synchronous part asks: WeChat shows the sheet only from within the tap.
  page.instance.onAction({ currentTarget: { dataset: { action: 'accept' } } });
  expect(asked()).toEqual([MOMENTS.ticket_handling]);
  await settle();
  await settle();
  expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'accept' }]);
  expect(posted()).toEqual([{ moment: 'ticket_handling', answers: { 'tmpl-handling': 'accept' } }]);

  await fire(page.querySelector('#start-button'), 'click');

  expect(calls('POST', TRANSITIONS)).toHaveLength(2);
  expect(asked()).toHaveLength(1);
});

test('a refused sheet still takes the action', async () => {
  wechatAnswers('fail');
  const page = await openPage('ticket', 'onLoad', { id: '31' });

  await fire(page.querySelector('#accept-button'), 'click');

  expect(calls('POST', TRANSITIONS).map((r) => r.data)).toEqual([{ action: 'accept' }]);
  expect(posted()).toEqual([]);
  expect(toastMessage(page)).toBe('已受理');
});

test('an owner reading the ticket is asked nothing', async () => {
  route({ [`GET ${TICKET}`]: ok(ticketDetail({ allowed_actions: [] })) });

  await openPage('ticket', 'onLoad', { id: '31' });

  expect(asked()).toEqual([]);
});
