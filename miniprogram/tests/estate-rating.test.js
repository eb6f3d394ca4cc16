const { fire, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { publicRecord } = require('./record-factories');

const RECORD = '/api/v1/estates/7/public-record';
const RATINGS = '/api/v1/estates/7/ratings';
const APPEALS = '/api/v1/estate-ratings/11/appeals';

const sheet = {
  estate_id: 7,
  estate_name: '阳光小区',
  ratings: [
    {
      id: 11,
      year: 2025,
      total: 86,
      stars: 4,
      criteria: [
        { code: 'tickets', name: '工单按时办结', max_points: 20, source: 'ticket_on_time', points: 18, basis: '按时办结 18 / 已反馈 20 件' },
        { code: 'facilities', name: '设施设备', max_points: 20, source: 'manual', points: 12, basis: '' },
      ],
    },
  ],
};
const appealOpen = { id: 4, reason: '电梯已更新，申请复核', status: 'open', status_label: '待处理', created_at: '2026-12-02T01:00:00Z', decided_at: null, decision_reason: null };
const recordWith = (rating) => publicRecord({ rating: { ...publicRecord().rating, ...rating } });

const openRating = () => openPage('estate-rating', 'onLoad', { estate_id: '7' });

beforeEach(() => signIn());

test('an owner reads the stars, the score sheet and the appeals, without an appeal button', async () => {
  route({ [`GET ${RATINGS}`]: ok(sheet), [`GET ${RECORD}`]: ok(recordWith({ appeals: [appealOpen] })) });
  const page = await openRating();

  expect(textOf(page.querySelector('#stars'))).toBe('★★★★☆');
  expect(textOf(page)).toContain('2025 年度小区星级评定');
  expect(textOf(page)).toContain('总分 86 分');
  expect(page.querySelectorAll('.criterion').map(textOf)).toEqual([
    '工单按时办结按时办结 18 / 已反馈 20 件18 / 20',
    '设施设备12 / 20',
  ]);
  expect(page.querySelectorAll('.appeal').map(textOf)).toEqual(['待处理2026-12-02 09:00电梯已更新，申请复核']);
  expect(page.querySelector('#appeal-button')).toBeFalsy();
});

test('the committee lodges an appeal with a reason, and sees it pending', async () => {
  route({
    [`GET ${RATINGS}`]: ok(sheet),
    [`GET ${RECORD}`]: [ok(recordWith({ can_appeal: true })), ok(recordWith({ appeals: [appealOpen] }))],
    [`POST ${APPEALS}`]: ok(appealOpen, 201),
  });
  const page = await openRating();
  expect(textOf(page)).toContain('申诉截止：2026-12-16 10:00');
  expect(textOf(page)).toContain('暂无申诉');

  await fire(page.querySelector('#appeal-button'), 'click');
  await fire(page.querySelector('#appeal-dialog >>> #confirm-button'), 'click');
  expect(page.querySelector('#appeal-dialog >>> #reason').data.errorMessage).toBe('请填写申诉理由');
  expect(calls('POST', APPEALS)).toHaveLength(0);
  await fire(page.querySelector('#appeal-dialog >>> #reason'), 'change', ' 电梯已更新，申请复核 ');
  await fire(page.querySelector('#appeal-dialog >>> #confirm-button'), 'click');

  expect(calls('POST', APPEALS).map((r) => r.data)).toEqual([{ reason: '电梯已更新，申请复核' }]);
  expect(toastMessage(page)).toBe('已提交申诉，等待县住建局处理');
  expect(page.querySelector('#appeal-dialog')).toBeFalsy();
  expect(page.querySelectorAll('.appeal').map(textOf)[0]).toContain('待处理');
});

test('an appeal refused because the window closed shows why and the rating as it now is', async () => {
  route({
    [`GET ${RATINGS}`]: ok(sheet),
    [`GET ${RECORD}`]: [ok(recordWith({ can_appeal: true })), ok(recordWith({ can_appeal: false }))],
    [`POST ${APPEALS}`]: fail(409, 'appeal_window_closed', '已超过申诉期限（评定确认后 15 天内）'),
  });
  const page = await openRating();
  await fire(page.querySelector('#appeal-button'), 'click');
  await fire(page.querySelector('#appeal-dialog >>> #reason'), 'change', '申请复核');

  await fire(page.querySelector('#appeal-dialog >>> #confirm-button'), 'click');

  expect(toastMessage(page)).toBe('已超过申诉期限（评定确认后 15 天内）');
  expect(page.querySelector('#appeal-button')).toBeFalsy();
  expect(calls('GET', RECORD)).toHaveLength(2);
});

test('an estate without a confirmed rating shows an empty state', async () => {
  route({ [`GET ${RATINGS}`]: ok({ ...sheet, ratings: [] }), [`GET ${RECORD}`]: ok(publicRecord({ rating: null })) });
  const page = await openRating();

  expect(textOf(page)).toContain('本小区暂无已确认的星级评定');
});

test('says it is loading until both answers come', async () => {
  route({ [`GET ${RATINGS}`]: ok(sheet), [`GET ${RECORD}`]: () => new Promise(() => {}) });
  const page = await openRating();

  expect(textOf(page.querySelector('#loading'))).toBe('加载中…');
});

test('a failure says so and shows the server message', async () => {
  route({ [`GET ${RATINGS}`]: fail(404, 'not_found', '小区不存在或无权查看'), [`GET ${RECORD}`]: ok(publicRecord()) });
  const page = await openRating();

  expect(textOf(page.querySelector('#failed'))).toBe('评定结果暂时无法加载，请下拉重试');
  expect(toastMessage(page)).toBe('小区不存在或无权查看');
});
