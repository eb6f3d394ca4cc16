// The ticket (随手拍) API: lists, a ticket, reporting, handling, rating and supporting.
const { request } = require('./api');

const listMine = (paging) => request({ path: '/api/v1/tickets/mine', data: paging });

/** query: paging and an ESTATE_TABS query. */
const listEstate = (estateId, query) => request({ path: `/api/v1/estates/${estateId}/tickets`, data: query });

/** query: paging and a WORK_TABS query. */
const listWork = (query) => request({ path: '/api/v1/tickets/work', data: query });

const getTicket = (id) => request({ path: `/api/v1/tickets/${id}` });

const createTicket = (estateId, data) =>
  request({ method: 'POST', path: `/api/v1/estates/${estateId}/tickets`, data });

/** query from nearbyQuery; resolves to {items}. */
const listNearby = (estateId, query) => request({ path: `/api/v1/estates/${estateId}/tickets/nearby`, data: query });

/** data is {action, ...the action's fields}; resolves to the TicketDetail. */
const transition = (id, data) => request({ method: 'POST', path: `/api/v1/tickets/${id}/transitions`, data });

const rate = (id, data) => request({ method: 'POST', path: `/api/v1/tickets/${id}/rating`, data });

const support = (id) => request({ method: 'POST', path: `/api/v1/tickets/${id}/supporters` });

const withdrawSupport = (id) => request({ method: 'DELETE', path: `/api/v1/tickets/${id}/supporters` });

/**
 * The nearby query for a report: the category and the building and/or position. Null when
 * neither is known, as the server needs one of them.
 */
function nearbyQuery({ category, buildingId, lat, lng }) {
  const hasPosition = typeof lat === 'number' && typeof lng === 'number';
  if (!category || (!buildingId && !hasPosition)) return null;
  return {
    category,
    ...(buildingId ? { building_id: buildingId } : {}),
    ...(hasPosition ? { lat, lng } : {}),
  };
}
module.exports = {
  listMine,
  listEstate,
  listWork,
  getTicket,
  createTicket,
  listNearby,
  transition,
  rate,
  support,
  withdrawSupport,
  nearbyQuery,
};
