const { fire, textOf, toastMessage, openPage, renderPage, settle } = require('./helpers');
const { ok, fail, route, signIn, calls } = require('./wx');
const { page, projectSummary } = require('./fund-factories');

const LIST = '/api/v1/estates/7/repair-projects';
const ESTATE = '/api/v1/estates/7';
const estate = (role) => ok({ id: 7, name: '阳光小区', my_roles: [{ role, role_label: '' }] });

const openList = () => openPage('repair-projects', 'onLoad', { estate_id: '7' });

beforeEach(() => signIn());

test('lists projects with their stage, category, budget, path and buildings', async () => {
  route({
    [`GET ${ESTATE}`]: estate('owner'),
    [`GET ${LIST}`]: ok(page([projectSummary(), projectSummary({ id: 3, status: 'paid', status_label: '已支付', paid_fen: 2990000 })])),
  });
  const list = await openList();

  const rows = list.querySelectorAll('.project').map(textOf);
  expect(rows[0]).toBe('施工中1号楼屋面防水屋面、外墙渗漏 · 预算 ¥30,000.00 · 业主表决 · 1号楼、2号楼');
  expect(rows[1]).toContain('已支付 ¥29,900.00');
  expect(calls('GET', LIST)[0].query).toEqual({ page: '1', page_size: '20' });
  expect(list.querySelector('#compose-button')).toBeFalsy();
});

test('a stage tab asks the server for that stage', async () => {
  route({ [`GET ${ESTATE}`]: estate('owner'), [`GET ${LIST}`]: ok(page([])) });
  const list = await openList();

  list.instance.onTab({ detail: 'accepted' });
  await settle();

  expect(calls('GET', LIST)[1].query).toEqual({ status: 'accepted', page: '1', page_size: '20' });
});

test('with no project it says so', async () => {
  route({ [`GET ${ESTATE}`]: estate('owner'), [`GET ${LIST}`]: ok(page([])) });
  const list = await openList();

  expect(textOf(list)).toContain('暂无维修项目');
});

test('says it is loading until the first page comes', async () => {
  let answer;
  route({ [`GET ${ESTATE}`]: estate('owner'), [`GET ${LIST}`]: () => new Promise((resolve) => (answer = resolve)) });
  const list = renderPage('repair-projects');
  list.instance.onLoad({ estate_id: '7' });
  await settle();

  expect(textOf(list)).toContain('加载中…');
  expect(textOf(list)).not.toContain('暂无维修项目');
  answer(ok(page([projectSummary()])));
  await settle();
  expect(list.querySelectorAll('.project').length).toBe(1);
});

test('a refused list shows the server message', async () => {
  route({ [`GET ${ESTATE}`]: estate('owner'), [`GET ${LIST}`]: fail(404, 'not_found', '小区不存在或无权查看') });
  const list = await openList();

  expect(toastMessage(list)).toBe('小区不存在或无权查看');
});

test('the committee sees 新建维修项目, which opens the form; a row opens its project', async () => {
  route({ [`GET ${ESTATE}`]: estate('committee_member'), [`GET ${LIST}`]: ok(page([projectSummary()])) });
  const list = await openList();

  await fire(list.querySelector('#compose-button'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/repair-project-compose/index?estate_id=7' });
  await fire(list.querySelector('.project'), 'click');
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/repair-project/index?estate_id=7&id=2' });
});
