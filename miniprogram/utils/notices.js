// What the notice pages share: who may post, and how a notice from the API is shown.
const { formatTime, formatSize } = require('./format');

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

module.exports = { POSTER_ROLES, canPostNotices, noticeView };
