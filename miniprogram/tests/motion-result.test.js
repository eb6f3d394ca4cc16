const { textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');
const { motion, announcedMotion, closedMotion, result, turnout } = require('./vote-factories');

const MOTION = '/api/v1/motions/12';

const openResult = () => openPage('motion-result', 'onLoad', { id: '12' });
const domText = (node) => node.textContent.replace(/\s+/g, ' ').trim();
// Plain views, found by class: simulate prefixes each class with the page's scope ("main--").
const allByClass = (page, name) =>
  Array.from(page.dom.querySelectorAll('wx-view')).filter((node) =>
    Array.from(node.classList).some((c) => c === name || c.endsWith(`--${name}`)));
const rows = (page, name) => allByClass(page, name).map(domText);
const widths = (page, name) =>
  allByClass(page, name).map((row) => row.querySelector('wx-view[class*="bar__fill"]').getAttribute('style'));

beforeAll(() => preload('motion-result'));

beforeEach(() => signIn());

describe('a closed motion', () => {
  test('shows the outcome and when it was counted', async () => {
    route({ [`GET ${MOTION}`]: ok(closedMotion({ closed_at: '2026-11-30T10:00:00Z' })) });
    const page = await openResult();

    expect(calls('GET', MOTION)).toHaveLength(1);
    expect(textOf(page.querySelector('#outcome'))).toBe('未通过2026-11-30 18:00 计票');
    expect(textOf(page)).toContain('阳光小区 · 筹集建筑物及其附属设施的维修资金');
    expect(page.querySelector('#pending')).toBeUndefined();
  });

  test('the quorum line: who took part against all electors, owners and area, with the two-thirds rule', async () => {
    route({ [`GET ${MOTION}`]: ok(closedMotion()) });
    const page = await openResult();

    expect(rows(page, 'quorum')).toEqual([
      '参与表决人数90 / 120 人 · 75.0%',
      '参与表决面积9,000.00 ㎡ / 12,000.00 ㎡ · 75.0%',
    ]);
    expect(widths(page, 'quorum')).toEqual(['width: 75%', 'width: 75%']);
    expect(textOf(page.querySelector('#quorum-rule'))).toBe(
      '法定要求：专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决（竖线为三分之二）',
    );
    expect(textOf(page.querySelector('#quorum-met'))).toBe('已达到法定参与比例');
  });

  test('yes, no and abstain by area and by owners, in percent of those who took part', async () => {
    route({ [`GET ${MOTION}`]: ok(closedMotion()) });
    const page = await openResult();

    expect(rows(page, 'area-bar')).toEqual([
      '赞成6,000.00 ㎡ · 66.7%',
      '反对2,000.00 ㎡ · 22.2%',
      '弃权1,000.00 ㎡ · 11.1%',
    ]);
    expect(widths(page, 'area-bar')).toEqual(['width: 66.7%', 'width: 22.2%', 'width: 11.1%']);
    expect(rows(page, 'owner-bar')).toEqual(['赞成60 人 · 66.7%', '反对20 人 · 22.2%', '弃权10 人 · 11.1%']);
    expect(textOf(page.querySelector('#threshold-rule'))).toBe('参与表决专有部分面积和人数均四分之三以上同意');
  });

  test('area and headcount can tell different stories; each bar follows its own', async () => {
    route({
      [`GET ${MOTION}`]: ok(closedMotion({
        threshold: 'ordinary',
        threshold_label: '参与表决专有部分面积和人数均过半数同意',
        result: result({
          passed: true,
          outcome: 'passed',
          outcome_label: '通过',
          participating: { owners: 90, area_dm2: 1000001 },
          yes: { owners: 46, area_dm2: 500001 },
          no: { owners: 40, area_dm2: 450000 },
          abstain: { owners: 4, area_dm2: 50000 },
        }),
      })),
    });
    const page = await openResult();

    expect(textOf(page.querySelector('#outcome'))).toContain('通过');
    expect(page.instance.data.view.outcomeTagType).toBe('success');
    expect(rows(page, 'area-bar')).toEqual([
      '赞成5,000.01 ㎡ · 50.0%',
      '反对4,500.00 ㎡ · 45.0%',
      '弃权500.00 ㎡ · 5.0%',
    ]);
    expect(rows(page, 'owner-bar')).toEqual(['赞成46 人 · 51.1%', '反对40 人 · 44.4%', '弃权4 人 · 4.4%']);
    expect(textOf(page.querySelector('#threshold-rule'))).toBe('参与表决专有部分面积和人数均过半数同意');
  });

  test('too few taking part says so', async () => {
    route({
      [`GET ${MOTION}`]: ok(closedMotion({
        result: result({
          quorum_met: false,
          outcome: 'no_quorum',
          outcome_label: '未达到法定参与比例',
          participating: { owners: 70, area_dm2: 700000 },
          yes: { owners: 70, area_dm2: 700000 },
          no: { owners: 0, area_dm2: 0 },
          abstain: { owners: 0, area_dm2: 0 },
        }),
      })),
    });
    const page = await openResult();

    expect(textOf(page.querySelector('#outcome'))).toContain('未达到法定参与比例');
    expect(page.instance.data.view.outcomeTagType).toBe('warning');
    expect(rows(page, 'quorum')).toEqual([
      '参与表决人数70 / 120 人 · 58.3%',
      '参与表决面积7,000.00 ㎡ / 12,000.00 ㎡ · 58.3%',
    ]);
    expect(textOf(page.querySelector('#quorum-met'))).toBe('未达到法定参与比例');
    expect(rows(page, 'area-bar')[0]).toBe('赞成7,000.00 ㎡ · 100.0%');
  });
});

describe('before the close', () => {
  test('an open motion shows no result, only the turnout', async () => {
    route({ [`GET ${MOTION}`]: ok(motion({ turnout: turnout({ owners_voted: 40, area_voted_dm2: 400000 }) })) });
    const page = await openResult();

    expect(textOf(page.querySelector('#pending'))).toBe('投票结束后公布结果');
    expect(page.querySelector('#outcome')).toBeUndefined();
    expect(rows(page, 'turnout')).toEqual([
      '已投票人数40 / 120 人 · 33.3%',
      '已投票面积4,000.00 ㎡ / 12,345.67 ㎡ · 32.4%',
    ]);
    expect(rows(page, 'area-bar')).toEqual([]);
    expect(rows(page, 'owner-bar')).toEqual([]);
    expect(rows(page, 'quorum')).toEqual([]);
  });

  test('an announced motion has nothing to count yet', async () => {
    route({ [`GET ${MOTION}`]: ok(announcedMotion()) });
    const page = await openResult();

    expect(textOf(page.querySelector('#pending'))).toBe('投票结束后公布结果');
    expect(rows(page, 'turnout')).toEqual([]);
    expect(textOf(page.querySelector('#threshold-rule'))).toBe('参与表决专有部分面积和人数均四分之三以上同意');
  });
});

test('a motion out of reach shows the server message', async () => {
  route({ [`GET ${MOTION}`]: fail(404, 'not_found', '表决不存在或无权查看') });
  const page = await openResult();

  expect(toastMessage(page)).toBe('表决不存在或无权查看');
});

test('pulling down reloads, then stops the spinner', async () => {
  route({ [`GET ${MOTION}`]: ok(closedMotion()) });
  const page = await openResult();

  await page.instance.onPullDownRefresh();

  expect(calls('GET', MOTION)).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalledTimes(1);
});
