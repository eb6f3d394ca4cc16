const { textOf, toastMessage, openPage, preload } = require('./helpers');
const { ok, fail, route, signIn } = require('./wx');

const credit = {
  company_id: 3,
  name: '安溪宜家物业服务有限公司',
  credit_code: '91350524MA2XXXXX1A',
  score: 88,
  base_score: 100,
  window_days: 365,
  penalties: [
    {
      id: 9, kind: 'deduction', kind_label: '信用扣分', decided_on: '2026-11-30', reason: '公共收益未公示',
      points: 12, estate_name: '河滨小区', manager_name: null, revoked: false, status_label: '有效',
    },
    {
      id: 8, kind: 'manager_dismissal', kind_label: '项目经理清退', decided_on: '2026-11-12',
      reason: '拒不配合督查', points: 0, estate_name: null, manager_name: '王**', revoked: false, status_label: '有效',
    },
    {
      id: 7, kind: 'interview', kind_label: '约谈', decided_on: '2026-10-23', reason: '电梯困人事件',
      points: 0, estate_name: '阳光小区', manager_name: null, revoked: true, status_label: '已撤销',
    },
  ],
};

const openCredit = (id = '3') => openPage('company-credit', 'onLoad', { id });

beforeAll(() => preload('company-credit'));
beforeEach(() => signIn());

test('shows the company, its score and its penalties newest first', async () => {
  route({ 'GET /api/v1/property-companies/3/credit': ok(credit) });
  const page = await openCredit();

  const text = textOf(page);
  ['安溪宜家物业服务有限公司', '91350524MA2XXXXX1A', '满分 100 分', '近 365 天'].forEach((shown) => {
    expect(text).toContain(shown);
  });
  expect(page.querySelector('#score').dom.textContent).toBe('88');
  expect(text.indexOf('信用扣分（扣 12 分）')).toBeLessThan(text.indexOf('项目经理清退'));
  expect(text.indexOf('项目经理清退')).toBeLessThan(text.indexOf('约谈'));
  expect(text).toContain('项目经理 王**');
  expect(text).toContain('河滨小区');
});

test('a revoked penalty says 已撤销', async () => {
  route({ 'GET /api/v1/property-companies/3/credit': ok(credit) });
  const page = await openCredit();

  expect(textOf(page)).toContain('已撤销');
  expect(page.instance.data.credit.penalties[2].tagType).toBe('default');
});

test('no penalties shows an empty state', async () => {
  route({ 'GET /api/v1/property-companies/3/credit': ok({ ...credit, score: 100, penalties: [] }) });
  const page = await openCredit();

  expect(page.querySelector('#no-penalties')).toBeTruthy();
  expect(textOf(page)).toContain('暂无惩戒记录');
});

test('a company out of reach shows the server message', async () => {
  route({ 'GET /api/v1/property-companies/4/credit': fail(404, 'not_found', '未找到该物业企业，或您无权查看') });
  const page = await openCredit('4');

  expect(toastMessage(page)).toBe('未找到该物业企业，或您无权查看');
});
