const clock = require('../utils/clock');
const votesApi = require('../utils/votes-api');
const votesForm = require('../utils/votes-form');
const votesView = require('../utils/votes-view');
const { ok, fail, route, calls, signIn } = require('./wx');
const {
  motion,
  announcedMotion,
  closedMotion,
  result,
  turnout,
  ballot,
  myBallot,
  motionAttachment,
} = require('./vote-factories');

const NOW = Date.parse('2026-11-24T00:00:00Z');
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (ms) => new Date(NOW + ms).toISOString();

beforeEach(() => signIn());

describe('areas', () => {
  test.each([
    [123456, '1,234.56 ㎡'],
    [0, '0.00 ㎡'],
    [5, '0.05 ㎡'],
    [100, '1.00 ㎡'],
    [99999, '999.99 ㎡'],
    [100000, '1,000.00 ㎡'],
    [1234567, '12,345.67 ㎡'],
    [123456789012, '1,234,567,890.12 ㎡'],
    [Number.MAX_SAFE_INTEGER, '90,071,992,547,409.91 ㎡'],
  ])('formatAreaDm2(%p) is %p', (dm2, shown) => {
    expect(votesView.formatAreaDm2(dm2)).toBe(shown);
  });

  test.each([[-1], [1.5], [0.1], [NaN], [null], [undefined], ['123456'], [2 ** 53]])(
    'formatAreaDm2(%p) is empty',
    (value) => {
      expect(votesView.formatAreaDm2(value)).toBe('');
    },
  );

  test('formatAreaDm2 keeps the hundredths exact where dividing by 100 would not', () => {
    // (9007199254740001 / 100).toFixed(2) is "90071992547400.02".
    expect(votesView.formatAreaDm2(9007199254740001)).toBe('90,071,992,547,400.01 ㎡');
  });
});

describe('shares', () => {
  test.each([
    [2, 3, '66.7'],
    [1, 3, '33.3'],
    [1, 6, '16.7'],
    [1, 8, '12.5'],
    [90, 120, '75.0'],
    [3, 3, '100.0'],
    [0, 7, '0.0'],
    [0, 0, '0.0'],
    [5, 0, '0.0'],
    // Half up on the exact quotient; (3 / 2000 * 100).toFixed(1) is "0.1", 14.25 gives "14.2".
    [3, 2000, '0.2'],
    [57, 400, '14.3'],
    [600000, 900000, '66.7'],
    [1, 1234567, '0.0'],
  ])('share(%p, %p) is %p', (part, total, shown) => {
    expect(votesView.share(part, total)).toBe(shown);
  });

  test.each([[-1, 3], [1.5, 3], [1, -3], [1, 2.5], [null, 3], ['1', '3']])('share(%p, %p) is empty', (part, total) => {
    expect(votesView.share(part, total)).toBe('');
  });

  test('a bar is as wide as its share and never wider than its track', () => {
    expect(votesView.barStyle('66.7')).toBe('width: 66.7%');
    expect(votesView.barStyle('0.0')).toBe('width: 0%');
    expect(votesView.barStyle('')).toBe('width: 0%');
    expect(votesView.barStyle('104.2')).toBe('width: 100%');
  });
});

describe('countdown', () => {
  const times = { opens_at: at(3 * DAY + 4 * HOUR + 59 * MINUTE), closes_at: at(10 * DAY) };

  test.each([
    ['announced', { opens_at: at(3 * DAY + 4 * HOUR + 59 * MINUTE), closes_at: at(10 * DAY) }, '距投票开始 3 天 4 小时'],
    ['announced', { opens_at: at(DAY), closes_at: at(10 * DAY) }, '距投票开始 1 天 0 小时'],
    ['open', { opens_at: at(-DAY), closes_at: at(2 * HOUR + 5 * MINUTE + 59 * 1000) }, '距投票结束 2 小时 5 分'],
    ['open', { opens_at: at(-DAY), closes_at: at(59 * MINUTE + 59 * 1000) }, '距投票结束 59 分'],
    ['open', { opens_at: at(-DAY), closes_at: at(30 * 1000) }, '距投票结束 不到 1 分'],
    ['open', { opens_at: at(-DAY), closes_at: at(0) }, '投票已结束'],
    ['open', { opens_at: at(-2 * DAY), closes_at: at(-HOUR) }, '投票已结束'],
    ['closed', { opens_at: at(-2 * DAY), closes_at: at(DAY) }, '投票已结束'],
    ['cancelled', times, ''],
  ])('a motion %s with %j reads %p', (status, when, shown) => {
    expect(votesView.countdownText({ status, ...when }, NOW)).toBe(shown);
  });

  test('the moment voting opens it counts down to the close', () => {
    expect(votesView.countdownText({ status: 'announced', opens_at: at(0), closes_at: at(3 * DAY) }, NOW)).toBe(
      '距投票结束 3 天 0 小时',
    );
  });
});

describe('motionView', () => {
  test('an open motion shows its turnout, its countdown and the choices', () => {
    const view = votesView.motionView(motion({ opens_at: at(-DAY), closes_at: at(2 * HOUR + 5 * MINUTE) }), NOW);

    expect(view.statusText).toBe('投票中');
    expect(view.tagType).toBe('primary');
    expect(view.turnoutText).toBe('已投 86/120 人');
    expect(view.metaText).toBe('已投 86/120 人 · 距投票结束 2 小时 5 分');
    expect(view.turnoutBars.map((b) => [b.label, b.valueText, b.percentText, b.barStyle])).toEqual([
      ['已投票人数', '86 / 120 人', '71.7%', 'width: 71.7%'],
      ['已投票面积', '8,000.00 ㎡ / 12,345.67 ㎡', '64.8%', 'width: 64.8%'],
    ]);
    expect(view.canVote).toBe(true);
    expect(view.canCancel).toBe(false);
    expect(view.canClose).toBe(false);
  });

  test('status tags: waiting orange, voting blue, decided green, called off grey', () => {
    expect(['announced', 'open', 'closed', 'cancelled'].map((s) => votesView.STATUS_TAG_TYPES[s])).toEqual([
      'warning',
      'primary',
      'success',
      'default',
    ]);
    expect(votesView.motionView(motion({ status: 'cancelled', status_label: undefined }), NOW).statusText).toBe('已取消');
  });

  test('the list leaves the turnout out once voting is over', () => {
    const view = votesView.motionView(closedMotion(), NOW);

    expect(view.turnoutText).toBe('');
    expect(view.outcomeText).toBe('未通过');
    expect(view.outcomeTagType).toBe('danger');
    expect(view.isClosed).toBe(true);
  });

  test('my ballot replaces the block reason', () => {
    const voted = votesView.motionView(
      motion({ can_vote: false, my_ballot: ballot({ choice: 'abstain', choice_label: '弃权' }), vote_block_reason: '您已投票' }),
      NOW,
    );
    const blocked = votesView.motionView(motion({ can_vote: false, vote_block_reason: '您不在本次表决的业主名册中' }), NOW);

    expect(voted.myBallotText).toBe('您已投票：弃权（2026-11-23 10:30）');
    expect(voted.blockReason).toBe('');
    expect(blocked.myBallotText).toBe('');
    expect(blocked.blockReason).toBe('您不在本次表决的业主名册中');
  });

  test('the organiser may cancel only while the motion is announced', () => {
    expect(votesView.motionView(announcedMotion({ can_organise: true }), NOW).canCancel).toBe(true);
    // A supervisor may manage (export, close) but only the organiser withdraws a motion.
    expect(votesView.motionView(announcedMotion({ can_manage: true }), NOW).canCancel).toBe(false);
    expect(votesView.motionView(motion({ can_organise: true }), NOW).canCancel).toBe(false);
  });

  test('立即计票 is offered to the organiser once closes_at has passed and not before', () => {
    const open = (closesIn, canManage) =>
      votesView.motionView(motion({ can_manage: canManage, opens_at: at(-DAY), closes_at: at(closesIn) }), NOW).canClose;

    expect(open(-MINUTE, true)).toBe(true);
    expect(open(0, true)).toBe(true);
    expect(open(MINUTE, true)).toBe(false);
    expect(open(-MINUTE, false)).toBe(false);
    expect(votesView.motionView(closedMotion({ can_manage: true }), NOW).canClose).toBe(false);
  });

  test('attachments carry the name files.openFile reads and a readable size', () => {
    const view = votesView.motionView(motion({ attachments: [motionAttachment(3)] }), NOW);

    expect(view.attachments[0]).toMatchObject({ name: '维修方案.pdf', sizeText: '1.2 MB', url: '/api/v1/motion-attachments/3' });
  });
});

describe('resultView', () => {
  test('a closed motion: outcome, quorum against all electors, choices against those who took part', () => {
    const view = votesView.resultView(closedMotion({ closed_at: '2026-11-30T10:00:00Z' }));

    expect(view.published).toBe(true);
    expect(view.outcomeText).toBe('未通过');
    expect(view.closedText).toBe('2026-11-30 18:00');
    expect(view.quorumText).toBe('已达到法定参与比例');
    expect(view.quorumBars.map((b) => [b.label, b.valueText, b.percentText])).toEqual([
      ['参与表决人数', '90 / 120 人', '75.0%'],
      ['参与表决面积', '9,000.00 ㎡ / 12,000.00 ㎡', '75.0%'],
    ]);
    expect(view.areaBars.map((b) => [b.label, b.valueText, b.percentText, b.barStyle])).toEqual([
      ['赞成', '6,000.00 ㎡', '66.7%', 'width: 66.7%'],
      ['反对', '2,000.00 ㎡', '22.2%', 'width: 22.2%'],
      ['弃权', '1,000.00 ㎡', '11.1%', 'width: 11.1%'],
    ]);
    expect(view.ownerBars.map((b) => [b.label, b.valueText, b.percentText])).toEqual([
      ['赞成', '60 人', '66.7%'],
      ['反对', '20 人', '22.2%'],
      ['弃权', '10 人', '11.1%'],
    ]);
    expect(view.thresholdText).toBe('参与表决专有部分面积和人数均四分之三以上同意');
  });

  test('nobody taking part reads 0.0%, not NaN', () => {
    const none = { owners: 0, area_dm2: 0 };
    const noQuorum = result({
      quorum_met: false,
      outcome: 'no_quorum',
      outcome_label: '未达到法定参与比例',
      participating: none,
      yes: none,
      no: none,
      abstain: none,
    });
    const view = votesView.resultView(closedMotion({ result: noQuorum }));

    expect(view.outcomeTagType).toBe('warning');
    expect(view.quorumText).toBe('未达到法定参与比例');
    expect(view.areaBars.map((b) => b.percentText)).toEqual(['0.0%', '0.0%', '0.0%']);
    expect(view.quorumBars.map((b) => b.barStyle)).toEqual(['width: 0%', 'width: 0%']);
  });

  test('before the close there is no result, only the turnout', () => {
    const view = votesView.resultView(motion({ turnout: turnout({ owners_voted: 40 }) }));

    expect(view.published).toBe(false);
    expect(view.areaBars).toBeUndefined();
    expect(view.turnoutBars.map((b) => b.valueText)[0]).toBe('40 / 120 人');
    expect(votesView.resultView(announcedMotion()).turnoutBars).toEqual([]);
  });
});

describe('ballots and binding', () => {
  test('a ballot says what I chose, when and where', () => {
    expect(votesView.ballotView(myBallot())).toMatchObject({
      choiceText: '我的选择：赞成',
      castText: '2026-11-23 10:30 投票（小程序）',
      motionStatusText: '投票中',
      tagType: 'primary',
    });
    expect(votesView.ballotView(myBallot({ channel: 'wecom_card', channel_label: '企业微信投票卡片', choice: 'no', choice_label: '反对' }))).toMatchObject({
      choiceText: '我的选择：反对',
      castText: '2026-11-23 10:30 投票（企业微信投票卡片）',
    });
    expect(votesView.ballotView(myBallot({ channel: 'sms', channel_label: undefined })).castText).toBe('2026-11-23 10:30 投票');
  });

  test('a binding code expires at its expires_at', () => {
    const code = { code: '483920', expires_at: at(10 * MINUTE), instruction: '请在企业微信“邻里”应用中发送：绑定 483920' };

    expect(votesView.bindingCodeView(code, NOW)).toMatchObject({ expiresText: '2026-11-24 08:10', expired: false });
    expect(votesView.bindingCodeView(code, NOW + 10 * MINUTE).expired).toBe(true);
  });

  test('the confirmation names the choice and says it is final', () => {
    expect(votesView.confirmMessage('no')).toBe('您选择「反对」。投票后不可更改，确认提交吗？');
  });

  test.each([
    ['', '请填写取消原因'],
    ['  \n', '请填写取消原因'],
    ['因'.repeat(201), '取消原因不能超过200个字'],
  ])('cancel reason %p is refused', (reason, message) => {
    expect(votesForm.cancelErrors({ reason })).toEqual({ reason: message });
  });

  test('a cancel reason of 1 to 200 characters, emoji counted once, is accepted', () => {
    expect(votesForm.cancelErrors({ reason: '因' })).toEqual({});
    expect(votesForm.cancelErrors({ reason: '😀'.repeat(200) })).toEqual({});
  });
});

describe('API calls', () => {
  test('a ballot is a POST of the choice alone', async () => {
    route({ 'POST /api/v1/motions/12/ballots': ok(ballot({ choice: 'no', choice_label: '反对' }), 201) });

    const answer = await votesApi.castBallot(12, 'no');

    expect(calls('POST', '/api/v1/motions/12/ballots').map((r) => [r.data, r.header.Authorization])).toEqual([
      [{ choice: 'no' }, 'Bearer access-1'],
    ]);
    expect(answer.choice_label).toBe('反对');
  });

  test('already voted rejects with the server code and message', async () => {
    route({ 'POST /api/v1/motions/12/ballots': fail(409, 'already_voted', '您已投票，投票不可更改') });

    await expect(votesApi.castBallot(12, 'yes')).rejects.toMatchObject({
      status: 409,
      code: 'already_voted',
      message: '您已投票，投票不可更改',
    });
  });

  test('the estate list sends the tab status and paging', async () => {
    route({ 'GET /api/v1/estates/7/motions': ok({ items: [], page: 1, page_size: 20, total: 0 }) });

    await votesApi.listMotions(7, { status: 'closed', page: 2, page_size: 20 });

    expect(calls('GET', '/api/v1/estates/7/motions')[0].query).toEqual({ status: 'closed', page: '2', page_size: '20' });
  });

  test('cancel, close and the binding calls use the contract paths and methods', async () => {
    route({
      'POST /api/v1/motions/12/cancel': ok(announcedMotion({ status: 'cancelled' })),
      'POST /api/v1/motions/12/close': ok(closedMotion()),
      'POST /api/v1/me/wecom-binding': ok({ code: '483920' }, 201),
      'DELETE /api/v1/me/wecom-binding': ok(undefined, 204),
    });

    await votesApi.cancelMotion(12, '时间冲突');
    await votesApi.closeMotion(12);
    await votesApi.requestBindingCode();
    await votesApi.unbindWecom();

    expect(calls('POST', '/api/v1/motions/12/cancel').map((r) => r.data)).toEqual([{ reason: '时间冲突' }]);
    expect(calls('POST', '/api/v1/motions/12/close')).toHaveLength(1);
    expect(calls('POST', '/api/v1/me/wecom-binding')).toHaveLength(1);
    expect(calls('DELETE', '/api/v1/me/wecom-binding')).toHaveLength(1);
  });
});

describe('announcing: times on Shanghai’s clock', () => {
  test.each([
    // 08:00 in Shanghai: the date is Shanghai's and UTC's alike.
    ['2026-11-24T00:00:00Z', '2026-12-10', '2026-12-17'],
    // 01:30 on 12-02 in Shanghai, still 12-01 in UTC.
    ['2026-12-01T17:30:00Z', '2026-12-18', '2026-12-25'],
    // 23:59 in Shanghai: 16 days later at 09:00 is still more than 15 days away.
    ['2026-12-20T15:59:00Z', '2027-01-05', '2027-01-12'],
  ])('announced at %s, voting opens %s 09:00 and closes %s 09:00', (now, opens, closes) => {
    const times = votesForm.defaultTimes(Date.parse(now));

    expect(times).toEqual({ opensDate: opens, opensTime: '09:00', closesDate: closes, closesTime: '09:00' });
    const opensAt = Date.parse(clock.isoAt(times.opensDate, times.opensTime));
    expect(opensAt - Date.parse(now)).toBeGreaterThanOrEqual(15 * DAY);
  });

  test('times go to the API with the +08:00 offset', () => {
    expect(clock.isoAt('2026-12-20', '09:00')).toBe('2026-12-20T09:00:00+08:00');
    expect(Date.parse(clock.isoAt('2026-12-20', '09:00'))).toBe(Date.parse('2026-12-20T01:00:00Z'));
  });

  test.each([
    ['2026-12-28', 7, '2027-01-04'],
    ['2028-02-25', 7, '2028-03-03'],
    ['2027-02-25', 7, '2027-03-04'],
  ])('%s + %p days is %s', (date, days, expected) => {
    expect(clock.addDays(date, days)).toBe(expected);
  });

  test('the earliest opening is the next whole minute past 15 days', () => {
    expect(new Date(votesForm.earliestOpening(Date.parse('2026-12-01T17:30:00Z'))).toISOString()).toBe('2026-12-16T17:30:00.000Z');
    expect(new Date(votesForm.earliestOpening(Date.parse('2026-12-01T17:30:01Z'))).toISOString()).toBe('2026-12-16T17:31:00.000Z');
  });

  test('a picked date reads as the day the picker showed, and back', () => {
    expect(clock.pickedDate(new Date(2026, 11, 20).getTime())).toBe('2026-12-20');
    expect(clock.pickerDate('2026-12-20')).toBe(new Date(2026, 11, 20).getTime());
  });
});

describe('announcing: checks', () => {
  const NOW_MS = Date.parse('2026-12-01T17:30:00Z');
  const valid = {
    matter: 'other',
    title: '标题',
    body: '内容',
    opensAt: '2026-12-17T01:30:00+08:00',
    closesAt: '2027-02-15T01:30:00+08:00',
  };

  test('a motion opening exactly 15 days on, for exactly 60 days, passes', () => {
    expect(votesForm.motionErrors(valid, NOW_MS)).toEqual({});
  });

  test.each([
    [{ matter: 'elevator' }, { matter: '请选择表决事项' }],
    [{ title: '   ' }, { title: '请填写标题' }],
    [{ body: '\n' }, { body: '请填写表决内容' }],
    [{ opensAt: '2026-12-17T01:29:00+08:00', closesAt: '2026-12-24T01:29:00+08:00' }, { opens_at: '须在公告15日后开始，最早 2026-12-17 01:30' }],
    [{ closesAt: '2026-12-17T01:30:00+08:00' }, { closes_at: '须晚于投票开始时间' }],
    [{ closesAt: '2027-02-15T01:31:00+08:00' }, { closes_at: '投票期最长60日' }],
  ])('%j is refused with %j', (change, errors) => {
    expect(votesForm.motionErrors({ ...valid, ...change }, NOW_MS)).toEqual(errors);
  });

  test('a paper ballot needs a known choice and a note of at most 200 characters', () => {
    expect(votesForm.paperBallotErrors({ choice: 'yes', note: '注'.repeat(200) })).toEqual({});
    expect(votesForm.paperBallotErrors({ choice: 'maybe', note: '注'.repeat(201) })).toEqual({
      choice: '请选择表决意见',
      note: '备注不能超过200个字',
    });
  });

  test('committee members and chairs may announce; no one else', () => {
    expect(votesView.canAnnounce([{ role: 'owner' }, { role: 'committee_member' }])).toBe(true);
    expect(votesView.canAnnounce([{ role: 'committee_chair' }])).toBe(true);
    expect(votesView.canAnnounce([{ role: 'auditor' }, { role: 'property_manager' }])).toBe(false);
    expect(votesView.canAnnounce(undefined)).toBe(false);
  });

  test('an elector of an unknown kind still shows, under its code', () => {
    expect(votesView.electorView({ id: 1, kind: 'trustee', label: 'X', area_dm2: 100, unit_count: 1, voted: false })).toMatchObject({
      kindText: 'trustee',
      kindTagType: 'default',
      detailText: '1 套 · 1.00 ㎡',
    });
  });
});
