const { fire, textOf, toastMessage, openPage, renderPage, settle } = require('./helpers');
const { ok, fail, route, signIn, calls, NETWORK_DOWN } = require('./wx');
const { project } = require('./fund-factories');

const BUILDINGS = '/api/v1/directory/estates/7/buildings';
const CREATE = '/api/v1/estates/7/repair-projects';
const buildings = ok({ items: [{ id: 3, name: '1号楼', unit_count: 24 }, { id: 4, name: '2号楼', unit_count: 30 }] });

const openForm = () => openPage('repair-project-compose', 'onLoad', { estate_id: '7' });

async function fill(page, { category = 4, path, budget = '30,000.5', building = [3] } = {}) {
  await fire(page.querySelector('#title'), 'change', ' 1号楼屋面防水 ');
  await fire(page.querySelector('#scope'), 'change', '屋面防水层整体翻新');
  await fire(page.querySelector('#category-picker'), 'confirm', { index: category });
  if (path) await fire(page.querySelector('#path'), 'change', path);
  await fire(page.querySelector('#buildings'), 'change', building.map(String));
  await fire(page.querySelector('#budget'), 'change', budget);
}

beforeEach(() => signIn());

test('offers the estate buildings to bear the cost', async () => {
  route({ [`GET ${BUILDINGS}`]: buildings });
  const page = await openForm();

  expect(page.querySelectorAll('.building').map(textOf)).toEqual(['1号楼24 户', '2号楼30 户']);
});

test('creates the draft with the budget in exact fen and opens it', async () => {
  route({ [`GET ${BUILDINGS}`]: buildings, [`POST ${CREATE}`]: ok(project({ id: 5, status: 'draft' }), 201) });
  const page = await openForm();

  await fill(page, { building: [3, 4] });
  await fire(page.querySelector('#submit-button'), 'click');

  expect(calls('POST', CREATE)[0].data).toEqual({
    title: '1号楼屋面防水',
    scope: '屋面防水层整体翻新',
    category: 'other',
    path: 'vote',
    budget_fen: 3000050,
    building_ids: [3, 4],
  });
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已保存草稿', icon: 'success' });
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/repair-project/index?estate_id=7&id=5' });
});

test('an emergency repair of a lift goes by the emergency path', async () => {
  route({ [`GET ${BUILDINGS}`]: buildings, [`POST ${CREATE}`]: ok(project({ id: 6 }), 201) });
  const page = await openForm();

  await fill(page, { category: 0, path: 'emergency', budget: '0.29' });
  await fire(page.querySelector('#submit-button'), 'click');

  expect(calls('POST', CREATE)[0].data).toMatchObject({ category: 'lift', path: 'emergency', budget_fen: 29 });
});

test('nothing is sent while the form is wrong, and each field says what is wrong', async () => {
  route({ [`GET ${BUILDINGS}`]: buildings });
  const page = await openForm();

  await fire(page.querySelector('#submit-button'), 'click');
  expect(toastMessage(page)).toBe('请按提示修改后再保存');
  expect(page.instance.data.errors).toEqual({
    title: '请填写项目名称',
    scope: '请填写维修范围和内容',
    category: '请选择维修类别',
    budget_fen: '请输入金额',
    building_ids: '请选择承担费用的楼栋',
  });
  expect(textOf(page.querySelector('.buildings-error'))).toBe('请选择承担费用的楼栋');

  await fill(page, { category: 4, path: 'emergency', budget: '1.234' });
  await fire(page.querySelector('#submit-button'), 'click');
  expect(page.instance.data.errors).toEqual({
    path: '该类别不属于应急维修范围',
    budget_fen: '金额最多精确到分（两位小数）',
  });
  expect(calls('POST', CREATE).length).toBe(0);
});

test('the server refusing a field shows it under that field', async () => {
  route({
    [`GET ${BUILDINGS}`]: buildings,
    [`POST ${CREATE}`]: fail(422, 'invalid', '请检查填写的内容', { budget_fen: ['预算不能超过 ¥10,000,000.00'] }),
  });
  const page = await openForm();

  await fill(page);
  await fire(page.querySelector('#submit-button'), 'click');

  expect(page.instance.data.errors.budget_fen).toBe('预算不能超过 ¥10,000,000.00');
  expect(toastMessage(page)).toBe('请检查填写的内容');
  expect(page.instance.data.submitting).toBe(false);
});

test('buildings loading, failing with a retry, and none registered', async () => {
  let answer;
  route({ [`GET ${BUILDINGS}`]: () => new Promise((resolve) => (answer = resolve)) });
  const page = renderPage('repair-project-compose');
  page.instance.onLoad({ estate_id: '7' });
  await settle();
  expect(textOf(page.querySelector('#buildings-loading'))).toBe('楼栋加载中…');
  answer(NETWORK_DOWN);
  await settle();
  expect(textOf(page.querySelector('#buildings-failed'))).toContain('楼栋暂时无法加载');
  expect(toastMessage(page)).toBe('网络异常，请稍后重试');

  route({ [`GET ${BUILDINGS}`]: ok({ items: [] }) });
  page.querySelector('#buildings-retry').dispatchEvent('tap');
  await settle();
  expect(textOf(page.querySelector('#buildings-empty'))).toBe('本小区尚未登记楼栋');
});

describe('changing a draft or returned project', () => {
  const DETAIL = '/api/v1/estates/7/repair-projects/2';
  const returned = project({
    status: 'returned',
    status_label: '已退回修改',
    budget_fen: 3000050,
    buildings: [{ building_id: 3, name: '1号楼', unit_count: 24, area_dm2: 240000 }],
  });

  test('starts from the project as it is and saves the changes with PATCH', async () => {
    route({ [`GET ${BUILDINGS}`]: buildings, [`GET ${DETAIL}`]: ok(returned), 'PATCH /api/v1/estates/7/repair-projects/2': ok(returned) });
    const page = await openPage('repair-project-compose', 'onLoad', { estate_id: '7', id: '2' });

    expect(page.instance.data).toMatchObject({
      title: '1号楼屋面防水',
      category: 'roof_wall_leak',
      categoryLabel: '屋面、外墙渗漏',
      path: 'vote',
      buildingIds: ['3'],
      budget: '30000.50',
    });
    expect(textOf(page.querySelector('#submit-button'))).toBe('保存修改');

    await fire(page.querySelector('#budget'), 'change', '28000');
    await fire(page.querySelector('#buildings'), 'change', ['3', '4']);
    await fire(page.querySelector('#submit-button'), 'click');

    expect(calls('PATCH', DETAIL)[0].data).toEqual({
      title: '1号楼屋面防水',
      scope: '1号楼屋面防水层整体翻新，约 600 ㎡',
      category: 'roof_wall_leak',
      path: 'vote',
      budget_fen: 2800000,
      building_ids: [3, 4],
    });
    expect(calls('POST', CREATE)).toHaveLength(0);
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('an edit that keeps the buildings leaves the bearing units alone', async () => {
    route({ [`GET ${BUILDINGS}`]: buildings, [`GET ${DETAIL}`]: ok(returned), 'PATCH /api/v1/estates/7/repair-projects/2': ok(returned) });
    const page = await openPage('repair-project-compose', 'onLoad', { estate_id: '7', id: '2' });

    await fire(page.querySelector('#budget'), 'change', '28000');
    await fire(page.querySelector('#submit-button'), 'click');

    const sent = calls('PATCH', DETAIL)[0].data;
    expect(sent.budget_fen).toBe(2800000);
    expect(sent).not.toHaveProperty('building_ids');
    expect(sent).not.toHaveProperty('unit_ids');
  });
});
