// Owners' claims as the estate's committee and manager decide them: the pending list, one
// claim in full (the server records every such look), verify, and reject with a reason.
const { request } = require('./api');
const { areaLabel, formatTime } = require('./format');

// Who decides claims on an estate (the server's VERIFIER_ROLES).
const VERIFIER_ROLES = ['committee_member', 'committee_chair', 'property_manager'];

/** The estates where memberships let me decide claims: [{estate_id, scope_name}], once each. */
function verifierEstates(memberships) {
  const seen = new Set();
  return (memberships || [])
    .filter((m) => VERIFIER_ROLES.includes(m.role) && m.estate_id && !seen.has(m.estate_id) && seen.add(m.estate_id))
    .map((m) => ({ estate_id: m.estate_id, scope_name: m.scope_name }));
}

/** paging: {page, page_size}; resolves to a page of the estate's pending claims (names masked). */
const listPendingClaims = (estateId, paging) =>
  request({ path: `/api/v1/estates/${estateId}/claims`, data: { status: 'pending', ...paging } });

/** Resolves to one claim in full, with owner_of_record_match; the server records the look. */
const getClaim = (claimId) => request({ path: `/api/v1/claims/${claimId}` });

const verifyClaim = (claimId) => request({ method: 'POST', path: `/api/v1/claims/${claimId}/verify` });

/** 422 with fields.reason when the reason is missing or too short. */
const rejectClaim = (claimId, reason) =>
  request({ method: 'POST', path: `/api/v1/claims/${claimId}/reject`, data: { reason } });

// 匹配 / 不匹配 / 未登记 → Vant tag colour.
const MATCH_TAGS = { match: 'success', mismatch: 'danger', unregistered: 'default' };

/** A claim as the page shows it: its area in ㎡, its time in Shanghai, its match tag. */
function claimView(claim) {
  return {
    ...claim,
    areaText: areaLabel(claim.area_dm2),
    createdText: formatTime(claim.created_at),
    matchTag: MATCH_TAGS[claim.owner_of_record_match] || 'default',
  };
}

module.exports = { VERIFIER_ROLES, verifierEstates, listPendingClaims, getClaim, verifyClaim, rejectClaim, claimView };
