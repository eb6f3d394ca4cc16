// Small vote (业主共同决定) API bodies, shaped as /tmp/votes/CONTRACT.md describes; override only
// what a test is about.

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** An ISO time ms milliseconds from now: countdowns are read against the clock. */
const isoIn = (ms) => new Date(Date.now() + ms).toISOString();

/** A motion attachment as the detail lists it. */
const motionAttachment = (id = 3, overrides = {}) => ({
  id,
  filename: '维修方案.pdf',
  content_type: 'application/pdf',
  size: 1258291,
  url: `/api/v1/motion-attachments/${id}`,
  ...overrides,
});

/** A turnout: 86 of 120 owners, 8,000.00 of 12,345.67 ㎡. */
const turnout = (overrides = {}) => ({
  owners_total: 120,
  owners_voted: 86,
  area_total_dm2: 1234567,
  area_voted_dm2: 800000,
  ...overrides,
});

/**
 * A closed motion's result: 90 of 120 owners took part, 9,000.00 of 12,000.00 ㎡; yes carries
 * 60 owners and 6,000.00 ㎡, over three quarters of neither, so a special matter is rejected.
 */
const result = (overrides = {}) => ({
  quorum_met: true,
  passed: false,
  outcome: 'rejected',
  outcome_label: '未通过',
  total: { owners: 120, area_dm2: 1200000 },
  participating: { owners: 90, area_dm2: 900000 },
  yes: { owners: 60, area_dm2: 600000 },
  no: { owners: 20, area_dm2: 200000 },
  abstain: { owners: 10, area_dm2: 100000 },
  ...overrides,
});

/** A Motion (MotionSchema) that is open: voting began a day ago and ends in 2 h 5 min. */
const motion = (overrides = {}) => ({
  id: 12,
  estate_id: 7,
  estate_name: '阳光小区',
  matter: 'raise_maintenance_fund',
  matter_label: '筹集建筑物及其附属设施的维修资金',
  threshold: 'special',
  threshold_label: '参与表决专有部分面积和人数均四分之三以上同意',
  title: '关于使用维修资金更换3号楼电梯的表决',
  body: '3号楼电梯已使用18年，拟使用维修资金更换。\n预算：¥480,000.00',
  status: 'open',
  status_label: '投票中',
  announced_at: isoIn(-8 * DAY_MS),
  opens_at: isoIn(-DAY_MS),
  closes_at: isoIn(2 * HOUR_MS + 5 * MINUTE_MS + 30 * 1000),
  closed_at: null,
  cancel_reason: null,
  organiser_label: '业主委员会',
  attachments: [],
  turnout: turnout(),
  result: null,
  my_ballot: null,
  can_vote: true,
  vote_block_reason: null,
  can_manage: false,
  can_organise: false,
  ...overrides,
});

/** A motion still being announced: voting opens in 3 days 4 hours. */
const announcedMotion = (overrides = {}) =>
  motion({
    status: 'announced',
    status_label: '公示中',
    announced_at: isoIn(-4 * DAY_MS),
    opens_at: isoIn(3 * DAY_MS + 4 * HOUR_MS + 30 * MINUTE_MS),
    closes_at: isoIn(10 * DAY_MS),
    turnout: null,
    can_vote: false,
    ...overrides,
  });

/** A closed motion with its result, closed an hour after voting ended. */
const closedMotion = (overrides = {}) =>
  motion({
    status: 'closed',
    status_label: '已结束',
    opens_at: isoIn(-8 * DAY_MS),
    closes_at: isoIn(-DAY_MS),
    closed_at: isoIn(-DAY_MS + HOUR_MS),
    turnout: turnout({ owners_total: 120, owners_voted: 90, area_total_dm2: 1200000, area_voted_dm2: 900000 }),
    result: result(),
    can_vote: false,
    ...overrides,
  });

/** A ballot as POST /motions/{id}/ballots returns it and my_ballot carries it. */
const ballot = (overrides = {}) => ({
  choice: 'yes',
  choice_label: '赞成',
  cast_at: '2026-11-23T02:30:00+00:00',
  channel: 'miniprogram',
  channel_label: '小程序',
  ...overrides,
});

/** An item of GET /me/ballots. */
const myBallot = (overrides = {}) => ({
  motion: {
    id: 12,
    estate_id: 7,
    estate_name: '阳光小区',
    title: '关于使用维修资金更换3号楼电梯的表决',
    status: 'open',
    status_label: '投票中',
    closes_at: '2026-11-30T10:00:00+00:00',
  },
  ...ballot(),
  ...overrides,
});

/** An elector of the eligibility snapshot (GET /motions/{id}/electors): a verified owner of 2 units. */
const elector = (overrides = {}) => ({
  id: 501,
  kind: 'owner',
  label: '张*',
  area_dm2: 24567,
  unit_count: 2,
  voted: false,
  ...overrides,
});

/** A motion attachment as POST /estates/{id}/motion-attachments returns it. */
const uploadedAttachment = (id = 201, overrides = {}) => motionAttachment(id, { filename: `tmp_${id}.pdf`, ...overrides });

/** A page of a list: {items, page, page_size, total}. */
const pageOf = (items, page = 1, total = items.length) => ({ items, page, page_size: 20, total });

module.exports = {
  MINUTE_MS,
  HOUR_MS,
  DAY_MS,
  isoIn,
  motionAttachment,
  turnout,
  result,
  motion,
  announcedMotion,
  closedMotion,
  ballot,
  myBallot,
  elector,
  uploadedAttachment,
  pageOf,
};
