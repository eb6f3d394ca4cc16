const estates = require('../utils/estates');
const notices = require('../utils/notices');
const { ok, route, calls, signIn } = require('./wx');

beforeEach(() => signIn());

test('myRoles resolves to the estate my_roles, or [] when the estate has none', async () => {
  route({ 'GET /api/v1/estates/7': [ok({ id: 7, my_roles: [{ role: 'owner' }] }), ok({ id: 7 })] });

  expect(await estates.myRoles(7)).toEqual([{ role: 'owner' }]);
  expect(await estates.myRoles(7)).toEqual([]);
  expect(calls('GET', '/api/v1/estates/7')[0].header.Authorization).toBe('Bearer access-1');
});

test('the directory calls send the search, paging and the units page size', async () => {
  const empty = ok({ items: [], page: 1, page_size: 20, total: 0 });
  route({
    'GET /api/v1/directory/estates': empty,
    'GET /api/v1/estates': empty,
    'GET /api/v1/directory/estates/7/buildings': ok({ items: [] }),
    'GET /api/v1/directory/buildings/3/units': empty,
  });

  await estates.searchDirectory({ q: '阳光', page: 1, page_size: 20 });
  await estates.listMyEstates({ page: 2, page_size: 20 });
  await estates.listBuildings(7);
  await estates.listUnits(3);

  expect(calls('GET', '/api/v1/directory/estates')[0].query).toEqual({ q: '阳光', page: '1', page_size: '20' });
  expect(calls('GET', '/api/v1/estates')[0].query).toEqual({ page: '2', page_size: '20' });
  expect(calls('GET', '/api/v1/directory/estates/7/buildings')).toHaveLength(1);
  expect(calls('GET', '/api/v1/directory/buildings/3/units')[0].query).toEqual({ page_size: '200' });
});

test('a claim, the credit and me use the contract paths and methods', async () => {
  route({
    'POST /api/v1/estates/7/claims': ok({ id: 1, status: 'pending' }, 201),
    'GET /api/v1/property-companies/4/credit': ok({ score: 90, penalties: [] }),
    'GET /api/v1/me': ok({ memberships: [], claims: [] }),
  });

  const claim = await estates.createClaim(7, { unit_id: 5, real_name: '张三', phone: '13800138000' });
  await estates.getCompanyCredit(4);
  await estates.getMe();

  expect(claim.status).toBe('pending');
  expect(calls('POST', '/api/v1/estates/7/claims')[0].data).toEqual({ unit_id: 5, real_name: '张三', phone: '13800138000' });
  expect(calls('GET', '/api/v1/property-companies/4/credit')).toHaveLength(1);
  expect(calls('GET', '/api/v1/me')).toHaveLength(1);
});

test('the notice calls use the contract paths and methods', async () => {
  route({
    'GET /api/v1/estates/7/notices': ok({ items: [], page: 1, page_size: 20, total: 0 }),
    'GET /api/v1/notices/5': ok({ id: 5 }),
    'POST /api/v1/notices': ok({ id: 6 }, 201),
    'POST /api/v1/notices/5/withdraw': ok({ id: 5, withdrawn: true }),
  });

  await notices.listNotices(7, { page: 1, page_size: 20 });
  await notices.getNotice(5);
  await notices.createNotice({ title: '停水' });
  await notices.withdrawNotice(5, '有误');

  expect(calls('GET', '/api/v1/estates/7/notices')[0].query).toEqual({ page: '1', page_size: '20' });
  expect(calls('GET', '/api/v1/notices/5')).toHaveLength(1);
  expect(calls('POST', '/api/v1/notices')[0].data).toEqual({ title: '停水' });
  expect(calls('POST', '/api/v1/notices/5/withdraw')[0].data).toEqual({ reason: '有误' });
});
