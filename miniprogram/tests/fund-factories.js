// Small fund (公维金) API bodies, shaped as the fund API answers them (backend/funds/schemas.py);
// override only what a test is about.

/** GET /estates/7/fund as an owner of 1号楼101 sees it. */
const fund = (overrides = {}) => ({
  estate_id: 7,
  estate_name: '阳光小区',
  exists: true,
  balance_fen: 123456789,
  chain_length: 12,
  head_hash: 'ab12cd34ef56ab78cd90ef12ab34cd56ef78ab90cd12ef34ab56cd78ef90ab12',
  buildings: [{ building_id: 3, name: '1号楼', unit_count: 24, area_dm2: 240000, balance_fen: 60000000 }],
  my_units: [{ unit_id: 71, label: '1号楼101', building_id: 3, area_dm2: 8912, balance_fen: 2250050 }],
  ...overrides,
});

const movement = (overrides = {}) => ({
  id: 5,
  kind: 'payment',
  kind_label: '维修支出',
  occurred_on: '2026-11-02',
  amount_fen: -300000,
  building_id: 3,
  building_name: '1号楼',
  unit_id: null,
  unit_label: null,
  description: '1号楼屋面防水',
  project_id: 2,
  chain_seq: 5,
  hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  previous_hash: '0000',
  my_amount_fen: -1250,
  ...overrides,
});

const page = (items, total = items.length) => ({ items, page: 1, page_size: 20, total });

const projectSummary = (overrides = {}) => ({
  id: 2,
  title: '1号楼屋面防水',
  category: 'roof_wall_leak',
  category_label: '屋面、外墙渗漏',
  path: 'vote',
  path_label: '业主表决',
  status: 'in_progress',
  status_label: '施工中',
  budget_fen: 3000000,
  paid_fen: 0,
  building_names: ['1号楼', '2号楼'],
  created_at: '2026-10-01T02:00:00Z',
  motion_id: 9,
  ...overrides,
});

const document = (id, overrides = {}) => ({
  id,
  kind: 'contract',
  kind_label: '施工合同',
  caption: '施工合同',
  filename: '合同.pdf',
  content_type: 'application/pdf',
  size: 1258291,
  url: `/api/v1/estates/7/repair-projects/2/documents/${id}`,
  created_at: '2026-10-20T02:00:00Z',
  ...overrides,
});

/** A vote-path project in progress, authorised by passed motion 9, seen by an owner. */
const project = (overrides = {}) => ({
  id: 2,
  estate_id: 7,
  title: '1号楼屋面防水',
  scope: '1号楼屋面防水层整体翻新，约 600 ㎡',
  category: 'roof_wall_leak',
  category_label: '屋面、外墙渗漏',
  path: 'vote',
  path_label: '业主表决',
  status: 'in_progress',
  status_label: '施工中',
  budget_fen: 3000000,
  approved_budget_fen: 3000000,
  paid_fen: 0,
  choice_reason: '报价最低且资质齐全',
  buildings: [{ building_id: 3, name: '1号楼', unit_count: 24, area_dm2: 240000 }],
  bearing_unit_count: 24,
  bearing_area_dm2: 240000,
  quotes: [
    { id: 1, contractor: '安溪防水工程公司', amount_fen: 3000000, note: '', is_chosen: true },
    { id: 2, contractor: '泉州建筑修缮公司', amount_fen: 3200000, note: '', is_chosen: false },
  ],
  quotes_required: 3,
  motion: {
    id: 9,
    title: '关于使用维修资金翻新1号楼屋面的表决',
    status: 'closed',
    status_label: '已结束',
    passed: true,
    building_ids: [3],
    closes_at: '2026-10-10T01:00:00Z',
  },
  approval_round: 1,
  sign_offs: [],
  owners_notice_due_on: null,
  owners_notice_id: null,
  owners_told_at: null,
  precheck_comment: '方案可行，注意施工安全',
  prechecked_at: '2026-10-05T02:00:00Z',
  prechecked_by_name: '黄*',
  acceptance_note: null,
  accepted_at: null,
  accepted_by_name: null,
  documents: [
    document(11),
    document(12, {
      kind: 'progress_photo',
      kind_label: '施工照片',
      caption: '铺设防水卷材',
      filename: 'p1.jpg',
      content_type: 'image/jpeg',
      size: 204800,
    }),
  ],
  payments: [],
  rating: { count: 0, average: null, open_until: null, my_score: null, can_rate: false },
  events: [
    {
      action: 'submit',
      action_label: '提交事前指导',
      from_status: 'draft',
      to_status: 'submitted',
      actor_name: '李*',
      actor_role: 'committee_chair',
      note: '',
      created_at: '2026-10-02T02:00:00Z',
    },
  ],
  actions: [],
  created_at: '2026-10-01T02:00:00Z',
  ...overrides,
});

/** An emergency-path project with the committee's and the community's signatures given. */
const emergencyProject = (overrides = {}) =>
  project({
    path: 'emergency',
    path_label: '应急维修',
    category: 'lift',
    category_label: '电梯故障',
    title: '3号楼电梯曳引机更换',
    status: 'prechecked',
    status_label: '待表决或应急签批',
    motion: null,
    sign_offs: [
      { kind: 'committee', kind_label: '业委会', approval_round: 1, user_name: '李建国', role: 'committee_chair', signed_at: '2026-10-03T02:00:00Z', note: '' },
      { kind: 'community', kind_label: '社区', approval_round: 1, user_name: '林慧', role: 'auditor', signed_at: '2026-10-03T03:00:00Z', note: '同意' },
    ],
    ...overrides,
  });

module.exports = { fund, movement, page, projectSummary, document, project, emergencyProject };
