// What the notice pages share: the API calls, who may post, and how a notice from the API is shown.
const { request } = require('./api');
const { formatTime, formatSize } = require('./format');

/** paging: {page, page_size}; resolves to a page of the estate's NoticeSummary, pinned first. */
const listNotices = (estateId, paging) => request({ path: `/api/v1/estates/${estateId}/notices`, data: paging });

/** Resolves to the NoticeDetail; fetching it is what marks it read on the server. */
const getNotice = (id) => request({ path: `/api/v1/notices/${id}` });

/** data: {audience_kind, audience_id, title, body, pinned, client_token}; resolves to the new notice. */
const createNotice = (data) => request({ method: 'POST', path: '/api/v1/notices', data });

/** Resolves to the withdrawn NoticeDetail; 409 invalid_transition once withdrawn. */
const withdrawNotice = (id, reason) => request({ method: 'POST', path: `/api/v1/notices/${id}/withdraw`, data: { reason } });

// Roles that may post to their estate. Only hides the button: the server decides (403).
const POSTER_ROLES = ['committee_member', 'committee_chair', 'property_manager'];

/** True when one of an estate's my_roles may post notices there. */
const canPostNotices = (myRoles) => (myRoles || []).some(({ role }) => POSTER_ROLES.includes(role));

/** A NoticeSummary or NoticeDetail, with the texts and flags its templates show. */
function noticeView(notice) {
  return {
    ...notice,
    publishedText: formatTime(notice.published_at),
    withdrawnText: formatTime(notice.withdrawn_at),
    // A withdrawn notice no longer asks for attention: no pinned badge, no unread dot.
    showPinned: Boolean(notice.pinned && !notice.withdrawn),
    showUnread: !notice.is_read && !notice.withdrawn,
    attachments: (notice.attachments || []).map((file) => ({ ...file, sizeText: formatSize(file.size) })),
  };
}

module.exports = { POSTER_ROLES, listNotices, getNotice, createNotice, withdrawNotice, canPostNotices, noticeView };
