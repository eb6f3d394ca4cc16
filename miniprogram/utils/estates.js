// The estate and directory API: my estates, one estate with my roles there, the directory a
// newcomer searches, its buildings and units, and claiming a unit.
const { request } = require('./api');

/** paging: {page, page_size}; resolves to a page of the estates I belong to. */
const listMyEstates = (paging) => request({ path: '/api/v1/estates', data: paging });

/** Resolves to the Estate, with my_roles: what the caller is there. */
const getEstate = (estateId) => request({ path: `/api/v1/estates/${estateId}` });

/** Resolves to the caller's roles on the estate ([] for none), for pages that show buttons by role. */
async function myRoles(estateId) {
  const estate = await getEstate(estateId);
  return estate.my_roles || [];
}

/** query: {q, page, page_size}; resolves to a page of estates whose name matches. */
const searchDirectory = (query) => request({ path: '/api/v1/directory/estates', data: query });

// The directory's list is the one every member may read: {items: [{id, name, unit_count}]}.
const listBuildings = (estateId) => request({ path: `/api/v1/directory/estates/${estateId}/buildings` });

// A building has at most a few hundred units: one page of 200 holds them.
const listUnits = (buildingId) =>
  request({ path: `/api/v1/directory/buildings/${buildingId}/units`, data: { page_size: 200 } });

/** data: {unit_id, real_name, phone}; resolves to the new claim. 422 with fields. */
const createClaim = (estateId, data) => request({ method: 'POST', path: `/api/v1/estates/${estateId}/claims`, data });

/** Resolves to the property company's credit score and its penalties. */
const getCompanyCredit = (companyId) => request({ path: `/api/v1/property-companies/${companyId}/credit` });

/** Resolves to the caller: memberships, claims. */
const getMe = () => request({ path: '/api/v1/me' });

module.exports = {
  listMyEstates,
  getEstate,
  myRoles,
  searchDirectory,
  listBuildings,
  listUnits,
  createClaim,
  getCompanyCredit,
  getMe,
};
