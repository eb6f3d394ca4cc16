const { fire, textOf, toastMessage, openPage } = require('./helpers');
const { ok, fail, route, calls, signIn } = require('./wx');

const CLAIMS = 'POST /api/v1/estates/7/claims';

beforeEach(() => {
  signIn();
  route({
    'GET /api/v1/directory/estates/7/buildings': ok({ items: [{ id: 3, name: '1号楼', unit_count: 2 }], total: 1 }),
    'GET /api/v1/directory/buildings/3/units': ok({
      items: [
        { id: 31, number: '1-101', floor: 1, area_dm2: 8912 },
        { id: 32, number: '1-102', floor: 1, area_dm2: 5 },
      ],
      total: 2,
    }),
  });
});

const openClaim = () => openPage('claim', 'onLoad', { estate_id: '7' });

/** Picks 1号楼 / 1-101 and types the name and phone. */
async function fillIn(page, { realName = '张三', phone = '13812345678' } = {}) {
  await fire(page.querySelector('.building'), 'click');
  await fire(page.querySelector('.unit'), 'click');
  await fire(page.querySelector('#real-name'), 'change', realName);
  await fire(page.querySelector('#phone'), 'change', phone);
}

const fieldError = (page, id) => page.querySelector(id).data.errorMessage;

test('shows the name of the estate chosen in the directory', async () => {
  const page = await openPage('claim', 'onLoad', { estate_id: '7', name: encodeURIComponent('阳光小区') });

  expect(textOf(page)).toContain('认领房屋 · 阳光小区');
});

test('picking a building lists its units with their area', async () => {
  const page = await openClaim();

  await fire(page.querySelector('.building'), 'click');

  expect(calls('GET', '/api/v1/directory/buildings/3/units')[0].query).toEqual({ page_size: '200' });
  expect(page.querySelectorAll('.unit')).toHaveLength(2);
  expect(textOf(page)).toContain('1层 · 89.12㎡');
  expect(textOf(page)).toContain('1层 · 0.05㎡');
});

test('a bad phone is refused locally without calling the API', async () => {
  const page = await openClaim();
  await fillIn(page, { phone: '12345' });

  await fire(page.querySelector('#submit-button'), 'click');

  expect(fieldError(page, '#phone')).toBe('请输入正确的11位手机号');
  expect(calls('POST', '/api/v1/estates/7/claims')).toHaveLength(0);
});

test('submitting without a unit asks for one', async () => {
  const page = await openClaim();

  await fire(page.querySelector('#submit-button'), 'click');

  expect(textOf(page)).toContain('请选择要认领的房屋');
  expect(calls('POST', '/api/v1/estates/7/claims')).toHaveLength(0);
});

test('server field errors show on their fields', async () => {
  route({ [CLAIMS]: fail(422, 'validation_error', '提交的信息有误', { phone: ['该手机号与登记信息不符'] }) });
  const page = await openClaim();
  await fillIn(page);

  await fire(page.querySelector('#submit-button'), 'click');

  expect(fieldError(page, '#phone')).toBe('该手机号与登记信息不符');
  expect(toastMessage(page)).toBe('提交的信息有误');
});

test('a conflict shows the server message', async () => {
  route({ [CLAIMS]: fail(409, 'conflict', '该房屋已有待审核的认领') });
  const page = await openClaim();
  await fillIn(page);

  await fire(page.querySelector('#submit-button'), 'click');

  expect(toastMessage(page)).toBe('该房屋已有待审核的认领');
});

test('submits unit, name and phone, then says it awaits review', async () => {
  route({ [CLAIMS]: ok({ id: 90, status: 'pending', status_label: '待审核' }, 201) });
  const page = await openClaim();
  await fillIn(page, { realName: ' 张三 ' });

  await fire(page.querySelector('#submit-button'), 'click');

  expect(calls('POST', '/api/v1/estates/7/claims').map((r) => r.data)).toEqual([
    { unit_id: 31, real_name: '张三', phone: '13812345678' },
  ]);
  expect(textOf(page)).toContain('认领已提交，等待业委会或物业核实');

  await fire(page.querySelector('#done-button'), 'click');
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/my/index' });
});
