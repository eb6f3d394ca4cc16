const { fire, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { decision, pageOf } = require('./record-factories');

const LIST = '/api/v1/estates/7/meeting-decisions';
const MINUTES = '/api/v1/estates/7/meeting-minutes/9';

const openDecisions = () => openPage('estate-decisions', 'onLoad', { estate_id: '7' });
const rows = (page) => page.querySelectorAll('.decision').map(textOf);

beforeEach(() => signIn());

test('lists the decisions about the estate with their state, owner and minutes', async () => {
  route({
    [`GET ${LIST}`]: ok(
      pageOf([
        decision({
          minutes: [{ id: 9, name: '11月联席会议纪要.pdf', size: 2048, content_type: 'application/pdf', url: MINUTES }],
        }),
        decision({ id: 20, title: '楼上漏水纠纷', is_dispute: true, dispute_resolved: true, deadline: null }),
        decision({ id: 19, title: '楼道杂物清理', done: true }),
      ]),
    ),
    [`GET ${MINUTES}`]: ok('%PDF-1.4'),
  });
  const page = await openDecisions();

  expect(calls('GET', LIST)[0].query).toEqual({ page: '1', page_size: '20' });
  const [open, dispute, done] = rows(page);
  expect(open).toBe(
    '2026-11-10 · 11 月四方联席会议电动车充电桩加装落实中物业申报加装 20 个充电桩责任方：物业服务企业 · 限 2026-12-31 前会议纪要：11月联席会议纪要.pdf',
  );
  expect(dispute).toContain('楼上漏水纠纷纠纷已化解');
  expect(dispute).toMatch(/责任方：物业服务企业$/); // no deadline, no minutes
  expect(done).toContain('楼道杂物清理已落实');
  await fire(page.querySelector('.decision__minutes'), 'tap');
  expect(calls('GET', MINUTES)).toHaveLength(1);
  expect(wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ fileType: 'pdf' }));
});

test('no decision shows an empty state', async () => {
  route({ [`GET ${LIST}`]: ok(pageOf([])) });
  const page = await openDecisions();

  expect(textOf(page)).toContain('暂无涉及本小区的决议');
});

test('says it is loading while the first page is on its way', async () => {
  route({ [`GET ${LIST}`]: () => new Promise(() => {}) });
  const page = await openDecisions();

  expect(textOf(page)).toContain('加载中…');
});

test('a failing list shows the server message', async () => {
  route({ [`GET ${LIST}`]: fail(404, 'not_found', '小区不存在或无权查看') });
  const page = await openDecisions();

  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});
