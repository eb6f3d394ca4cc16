const fundsView = require('../utils/funds-view');
const { project, emergencyProject, movement } = require('./fund-factories');

test('a movement of the whole estate, with no share of mine and no link yet', () => {
  const view = fundsView.movementView(
    movement({ building_id: null, building_name: null, my_amount_fen: null, hash: '', amount_fen: 12345 }),
  );
  expect(view).toMatchObject({ whereText: '全小区', myShareText: '', linkText: '', amountText: '+¥123.45', amountClass: 'money--in' });
});

test('a unit movement is placed at its unit, and a zero share still shows', () => {
  const view = fundsView.movementView(movement({ unit_label: '1号楼101', my_amount_fen: 0 }));
  expect(view.whereText).toBe('1号楼101');
  expect(view.myShareText).toBe('我的房屋：¥0.00');
});

test('a vote not yet closed reads by its status; a failed one as 未通过', () => {
  const open = fundsView.authorisationView(project({ motion: { ...project().motion, status: 'open', status_label: '投票中', passed: null } }));
  expect(open.text).toBe('业主表决：投票中');
  const failed = fundsView.authorisationView(project({ motion: { ...project().motion, passed: false } }));
  expect(failed.text).toBe('业主表决：未通过');
});

test('only the signatures of the current round count', () => {
  const view = fundsView.authorisationView(
    emergencyProject({
      approval_round: 2,
      sign_offs: [
        ...emergencyProject().sign_offs,
        { kind: 'committee', approval_round: 2, user_name: '李建国', signed_at: '2026-10-20T02:00:00Z', note: '' },
      ],
    }),
  );
  expect(view.text).toBe('应急维修签批 1/3（第 2 轮）');
  expect(view.signOffs.map((s) => s.signed)).toEqual([true, false, false]);
});

test('the rating stays hidden until acceptance, unless owners have rated', () => {
  const empty = { count: 0, average: null, open_until: null, my_score: null, can_rate: false };
  expect(fundsView.ratingView(empty, null)).toBeNull();
  expect(fundsView.ratingView({ ...empty, count: 1, average: '5.0' }, null).summaryText).toBe('1 位业主评价，平均 5.0 分');
});

test('what the caller may do comes from actions; files and photos are split by kind', () => {
  const view = fundsView.projectView(project({ actions: ['pay', 'upload', 'rate'], status: 'accepted' }));
  expect(view).toMatchObject({ canPay: true, canWork: true, canUpload: false, canSubmit: false, canEdit: false });
  expect(view.files.map((d) => d.kind)).toEqual(['contract']);
  expect(view.photos.map((d) => d.kind)).toEqual(['progress_photo']);
  expect(fundsView.projectView(project({ actions: ['upload'], status: 'accepted' })).canWork).toBe(false);
});

test('isCommittee reads the estate roles', () => {
  expect(fundsView.isCommittee([{ role: 'committee_chair' }])).toBe(true);
  expect(fundsView.isCommittee([{ role: 'owner' }, { role: 'property_manager' }])).toBe(false);
  expect(fundsView.isCommittee(undefined)).toBe(false);
});
