// What the notice pages share: the API calls, who may post, and how a notice from the API is shown.
const { request, upload } = require('./api');
const { formatTime, formatSize } = require('./format');

/** paging: {page, page_size}; resolves to a page of the estate's NoticeSummary, pinned first. */
const listNotices = (estateId, paging) => request({ path: `/api/v1/estates/${estateId}/notices`, data: paging });

/** Resolves to the NoticeDetail; fetching it is what marks it read on the server. */
const getNotice = (id) => request({ path: `/api/v1/notices/${id}` });

/** data: {audience_kind, audience_id, title, body, pinned, attachment_ids, client_token}; resolves to the new notice. */
const createNotice = (data) => request({ method: 'POST', path: '/api/v1/notices', data });

/** query: {kind, q?, page, page_size}; resolves to a page of {kind, id, name, label, estate_count}. */
const listAudiences = (query) => request({ path: '/api/v1/notices/audiences', data: query });

const ATTACHMENT_TOO_LARGE_MESSAGE = '文件太大，请压缩后再上传';

/**
 * Uploads a local file for the notice being written; resolves to {id, name, size, content_type}.
 * The file part carries the temp file's name (tmp_…), so the person's own name goes as a field.
 */
async function uploadAttachment(filePath, filename, onProgress) {
  try {
    const formData = filename ? { filename } : undefined;
    return await upload({ path: '/api/v1/notices/attachments', filePath, name: 'file', formData, onProgress });
  } catch (err) {
    // A proxy in front of the API answers an oversized body with its own page, not our envelope.
    if (err.status === 413) err.message = ATTACHMENT_TOO_LARGE_MESSAGE;
    throw err;
  }
}

/** Resolves to the withdrawn NoticeDetail; 409 invalid_transition once withdrawn. */
const withdrawNotice = (id, reason) => request({ method: 'POST', path: `/api/v1/notices/${id}/withdraw`, data: { reason } });

// The audience kinds each role may post to, narrowest first: an estate's people post to their
// estate, officers to any place of their own or below. Only shapes the page: the server decides.
const AUDIENCE_KINDS_OF_ROLE = {
  committee_member: ['estate'],
  committee_chair: ['estate'],
  property_manager: ['estate'],
  auditor: ['estate', 'community'],
  township_officer: ['estate', 'community', 'township'],
  county_officer: ['estate', 'community', 'township', 'county'],
  admin: ['estate', 'community', 'township', 'county'],
};
const POSTER_ROLES = Object.keys(AUDIENCE_KINDS_OF_ROLE);
const AUDIENCE_TITLES = { estate: '小区', community: '社区', township: '街道（乡镇）', county: '全县' };

/** True when one of an estate's my_roles may post notices there. */
const canPostNotices = (myRoles) => (myRoles || []).some(({ role }) => POSTER_ROLES.includes(role));

/** The audience tabs ({key, title}) my roles on an estate open, narrowest first. */
function audienceTabs(myRoles) {
  const kinds = new Set();
  (myRoles || []).forEach(({ role }) => (AUDIENCE_KINDS_OF_ROLE[role] || []).forEach((kind) => kinds.add(kind)));
  return Object.keys(AUDIENCE_TITLES)
    .filter((kind) => kinds.has(kind))
    .map((kind) => ({ key: kind, title: AUDIENCE_TITLES[kind] }));
}

/** "送达 12 个小区" for an audience. */
const reachText = (audience) => (audience ? `送达 ${audience.estate_count} 个小区` : '');

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

module.exports = {
  POSTER_ROLES,
  ATTACHMENT_TOO_LARGE_MESSAGE,
  listNotices,
  getNotice,
  createNotice,
  withdrawNotice,
  listAudiences,
  uploadAttachment,
  canPostNotices,
  audienceTabs,
  reachText,
  noticeView,
};
