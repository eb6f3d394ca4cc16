// What the ticket (随手拍) pages share: the labels, the API calls, the form checks, how a ticket
// from the API is shown, and its photos, which need the bearer token and so are fetched to temp
// files.
const { request, download, upload } = require('./api');
const { formatTime } = require('./format');

const DESCRIPTION_MAX = 1000;
const LOCATION_TEXT_MAX = 100;
const NOTE_MAX = 1000;
const REASON_MAX = 200;
const RATING_COMMENT_MAX = 200;
const MAX_PHOTOS = 9;

// In the order the report form offers them.
const CATEGORIES = [
  { code: 'security', label: '治安安全' },
  { code: 'cleaning', label: '环境卫生' },
  { code: 'fire_safety', label: '消防安全' },
  { code: 'ebike', label: '电动车停放充电' },
  { code: 'elevator', label: '电梯故障' },
  { code: 'parking', label: '车辆停放' },
  { code: 'drains', label: '管道疏通' },
  { code: 'pavement', label: '路面破损' },
  { code: 'lighting', label: '公共照明' },
  { code: 'green_land', label: '绿地裸土' },
  { code: 'other', label: '其他' },
];
const CATEGORY_LABELS = Object.fromEntries(CATEGORIES.map(({ code, label }) => [code, label]));

const STATUS_LABELS = {
  submitted: '待受理',
  accepted: '已受理',
  assigned: '已转办',
  in_progress: '办理中',
  replied: '已反馈',
  closed: '已办结',
  rejected: '不予受理',
  duplicate: '重复工单',
};

// Status → Vant tag colour: waiting on the handler is orange, being handled blue, answered green.
const STATUS_TAG_TYPES = {
  submitted: 'warning',
  accepted: 'primary',
  assigned: 'primary',
  in_progress: 'primary',
  replied: 'success',
  closed: 'default',
  rejected: 'danger',
  duplicate: 'default',
};

// Open tickets may still be supported and handled.
const OPEN_STATUSES = ['submitted', 'accepted', 'assigned', 'in_progress', 'replied'];
// Where the reply deadline is the one that runs; before that it is the accept deadline.
const REPLY_DUE_STATUSES = ['accepted', 'assigned', 'in_progress'];

const CHANNEL_LABELS = {
  miniprogram: '小程序',
  group_chat: '群聊',
  hotline: '12345热线',
  console: '后台录入',
  open311: '外部平台',
};

const ESCALATION_LABELS = ['物业项目经理', '业委会', '社区', '街道（乡镇）', '县住建局'];

const EVENT_KIND_LABELS = {
  created: '提交',
  accepted: '受理',
  assigned: '转办',
  started: '开始办理',
  replied: '反馈结果',
  rejected: '不予受理',
  duplicate: '标记重复',
  reopened: '重新办理',
  rated: '评价',
  closed_not_rated: '超时未评价自动办结',
  escalated: '超时升级',
  supported: '附议',
};

// The handler's actions, in the order their buttons show; reopen is the reporter's and has its
// own place on the page.
const HANDLER_ACTIONS = ['accept', 'assign', 'start', 'reply', 'reject', 'duplicate'];
const ACTION_LABELS = {
  accept: '受理',
  assign: '转办',
  start: '开始办理',
  reply: '反馈结果',
  reject: '不予受理',
  duplicate: '标记重复',
  reopen: '申请重新办理',
};
// Actions sent with one tap; the others open a form first.
const ONE_TAP_ACTIONS = ['accept', 'start'];
const ACTION_DONE = {
  accept: '已受理',
  assign: '已转办',
  start: '已开始办理',
  reply: '已反馈',
  reject: '已不予受理',
  duplicate: '已标记为重复',
  reopen: '已申请重新办理',
};

const CLOSE_REASON_TEXTS = { rated: '已评价，办结', not_rated: '超时未评价，自动办结' };

// Roles that handle an estate's tickets from level 0 or 1. Only shows the 工单处理 link: the
// server decides who sees what in the work list.
const HANDLER_ROLES = ['property_manager', 'committee_member', 'committee_chair'];

/** True when one of an estate's my_roles (or /me memberships) handles tickets. */
const canHandleTickets = (roles) => (roles || []).some(({ role }) => HANDLER_ROLES.includes(role));

// The estate list's tabs and the work list's; a status list is sent comma-separated.
const IN_HAND = 'accepted,assigned,in_progress';
const ESTATE_TABS = [
  { key: 'all', title: '全部', query: {} },
  { key: 'submitted', title: '待受理', query: { status: 'submitted' } },
  { key: 'in_hand', title: '办理中', query: { status: IN_HAND } },
  { key: 'replied', title: '已反馈', query: { status: 'replied' } },
  { key: 'closed', title: '已办结', query: { status: 'closed' } },
];
const WORK_TABS = [
  { key: 'submitted', title: '待受理', query: { status: 'submitted' } },
  { key: 'in_hand', title: '办理中', query: { status: IN_HAND } },
  { key: 'replied', title: '已反馈', query: { status: 'replied' } },
  { key: 'overdue', title: '超时', query: { overdue: 1 } },
];

// ---- API ----

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

// The directory's list is the one every member may read: {items: [{id, name, unit_count}]}.
const listBuildings = (estateId) => request({ path: `/api/v1/directory/estates/${estateId}/buildings` });

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

// ---- Photos ----

// A proxy in front of the API may refuse a big body itself, without the error envelope.
const PHOTO_TOO_LARGE_MESSAGE = '照片太大，请换一张或压缩后再试';

/**
 * Uploads one local photo to the estate; resolves to {id, url, thumb_url, width, height, size}.
 * onProgress receives 0–100. Rejects with ApiError (413 too large, 415 not a photo).
 */
async function uploadPhoto(estateId, filePath, onProgress) {
  try {
    return await upload({ path: `/api/v1/estates/${estateId}/ticket-photos`, filePath, name: 'file', onProgress });
  } catch (err) {
    if (err.code === 'http_413') err.message = PHOTO_TOO_LARGE_MESSAGE;
    throw err;
  }
}

// Downloaded photos by id and size, newest use last; a ticket page shows up to 9 photos and a
// few per event, so this holds a couple of pages' worth.
const PHOTO_CACHE_MAX = 60;
const photoCache = new Map();

const photoUrl = (photo, size) => {
  const url = size === 'thumb' ? photo.thumb_url : photo.url;
  return url || `/api/v1/ticket-photos/${photo.id}${size === 'thumb' ? '?size=thumb' : ''}`;
};

/** Resolves to a temp file path for a photo ({id, url, thumb_url}); size is "thumb" or "full". */
function photoPath(photo, size = 'thumb') {
  const key = `${photo.id}:${size}`;
  let path = photoCache.get(key);
  if (path) {
    photoCache.delete(key); // re-inserted below as the most recently used
  } else {
    path = download({ path: photoUrl(photo, size) });
    // A failure is not remembered: the next look tries again.
    path.catch(() => photoCache.get(key) === path && photoCache.delete(key));
  }
  photoCache.set(key, path);
  if (photoCache.size > PHOTO_CACHE_MAX) photoCache.delete(photoCache.keys().next().value);
  return path;
}

/** Resolves to {photo id: temp path} for those of photos that could be fetched. */
async function photoPaths(photos, size = 'thumb') {
  const paths = await Promise.all(photos.map((photo) => photoPath(photo, size).catch(() => '')));
  const found = {};
  photos.forEach((photo, index) => {
    if (paths[index]) found[photo.id] = paths[index];
  });
  return found;
}

/** Forgets the downloaded photos (their temp files may be gone). */
function forgetPhotos() {
  photoCache.clear();
}

// ---- Checks done before anything is sent; the server checks again ----

// The server counts code points, so an emoji is one character here too, not two UTF-16 units.
const charCount = (text) => Array.from(text || '').length;
const isBlank = (text) => !text || !text.trim();

const tooLong = (text, max, what) => (charCount(text) > max ? `${what}不能超过${max}个字` : '');

/** A required text's error: blank or over max characters; '' when fine. */
const requiredTextError = (text, max, blankMessage, what) => (isBlank(text) ? blankMessage : tooLong(text, max, what));

/** Returns {field: message} for a report, keyed as the API names its fields; empty when valid. */
function reportErrors({ category, description, locationText, photoIds }) {
  const errors = {};
  if (!CATEGORY_LABELS[category]) errors.category = '请选择问题类型';
  const descriptionError = requiredTextError(description, DESCRIPTION_MAX, '请描述遇到的问题', '问题描述');
  if (descriptionError) errors.description = descriptionError;
  const locationError = tooLong(locationText, LOCATION_TEXT_MAX, '位置说明');
  if (locationError) errors.location_text = locationError;
  const count = (photoIds || []).length;
  if (!count) errors.photo_ids = '请至少上传1张照片';
  else if (count > MAX_PHOTOS) errors.photo_ids = `最多上传${MAX_PHOTOS}张照片`;
  return errors;
}

/** What a report still lacks before it may be sent, as a short Chinese list; '' when ready. */
function reportMissing({ category, description, photoCount }) {
  const missing = [];
  if (!category) missing.push('选择问题类型');
  if (isBlank(description)) missing.push('描述问题');
  if (!photoCount) missing.push('上传至少1张照片');
  return missing.length ? `还需${missing.join('、')}` : '';
}

// Actions whose note must be given, and how to ask for it; for the others it is optional.
const NOTE_REQUIRED = { reply: '请填写办理结果', reopen: '请说明不满意的原因' };

/**
 * Returns {field: message} for a handler's action form (or reopen), keyed as the API names
 * its fields. form: {note, reason, assigneeId, duplicateOf, ticketId}.
 */
function actionErrors(action, form) {
  const errors = {};
  const noteError = NOTE_REQUIRED[action]
    ? requiredTextError(form.note, NOTE_MAX, NOTE_REQUIRED[action], '说明')
    : tooLong(form.note, NOTE_MAX, '说明');
  if (noteError) errors.note = noteError;
  if (action === 'assign' && !form.assigneeId) errors.assignee_id = '请选择转办对象';
  if (action === 'reject') {
    const reasonError = requiredTextError(form.reason, REASON_MAX, '请填写不予受理的原因', '原因');
    if (reasonError) errors.reason = reasonError;
  }
  if (action === 'duplicate') {
    const id = Number(String(form.duplicateOf || '').trim());
    if (!Number.isSafeInteger(id) || id <= 0) errors.duplicate_of_id = '请填写原工单编号';
    else if (id === Number(form.ticketId)) errors.duplicate_of_id = '不能标记为与本工单重复';
  }
  return errors;
}

/** The transition body for an action form that passed actionErrors. */
function actionBody(action, form) {
  const note = (form.note || '').trim();
  const body = { action };
  if (action === 'assign') body.assignee_id = form.assigneeId;
  if (action === 'reject') body.reason = form.reason.trim();
  if (action === 'duplicate') body.duplicate_of_id = Number(String(form.duplicateOf).trim());
  if (note && ['accept', 'assign', 'start', 'reply', 'reopen'].includes(action)) body.note = note;
  if (action === 'reply' && (form.photoIds || []).length) body.photo_ids = form.photoIds;
  return body;
}

/** Returns {field: message} for a rating; empty when valid. */
function ratingErrors({ rating, comment }) {
  const errors = {};
  if (!(Number.isInteger(rating) && rating >= 1 && rating <= 5)) errors.rating = '请选择1到5星评分';
  if (charCount(comment) > RATING_COMMENT_MAX) errors.comment = `评价不能超过${RATING_COMMENT_MAX}个字`;
  return errors;
}

// ---- Views ----

const labelOf = (labels, code, given) => given || labels[code] || code || '';

/** "2026-11-30T02:00:00Z" → "11 月 30 日" in Shanghai. */
function monthDay(iso) {
  const date = formatTime(iso).slice(0, 10);
  if (!date) return '';
  const [, month, day] = date.split('-').map(Number);
  return `${month} 月 ${day} 日`;
}

const escalationText = (level) => (level >= 1 && ESCALATION_LABELS[level] ? `已升级至${ESCALATION_LABELS[level]}` : '');

function dueText(ticket) {
  if (ticket.status === 'submitted' && ticket.accept_due_at) return `${formatTime(ticket.accept_due_at)} 前受理`;
  if (REPLY_DUE_STATUSES.includes(ticket.status) && ticket.reply_due_at) {
    return `${formatTime(ticket.reply_due_at)} 前反馈`;
  }
  return '';
}

function locationText(location) {
  if (!location) return '';
  return [location.building_name, location.text].filter(Boolean).join(' ');
}

function eventView(event) {
  return {
    ...event,
    kindText: labelOf(EVENT_KIND_LABELS, event.kind, event.kind_label),
    atText: formatTime(event.created_at),
    escalationText: event.kind === 'escalated' ? escalationText(event.escalation_level) : '',
    photos: event.photos || [],
  };
}

/**
 * A Ticket or TicketDetail, with the texts and flags its templates show. now (ms) decides
 * whether reopening is still possible; the server decides again.
 */
function ticketView(ticket, now = Date.now()) {
  const status = ticket.status;
  const isOpen = OPEN_STATUSES.includes(status);
  const allowed = ticket.allowed_actions || [];
  const reopenDeadline = Date.parse(ticket.reopen_deadline);
  const beforeReopenDeadline = Number.isNaN(reopenDeadline) || now < reopenDeadline;
  const location = locationText(ticket.location);
  const supporterCount = ticket.supporter_count || 0;
  const createdText = formatTime(ticket.created_at);
  return {
    ...ticket,
    categoryText: labelOf(CATEGORY_LABELS, ticket.category, ticket.category_label),
    statusText: labelOf(STATUS_LABELS, status, ticket.status_label),
    tagType: STATUS_TAG_TYPES[status] || 'default',
    channelText: labelOf(CHANNEL_LABELS, ticket.channel, ticket.channel_label),
    escalationText: escalationText(ticket.escalation_level),
    overdue: Boolean(ticket.overdue),
    isOpen,
    locationText: location,
    createdText,
    dueText: dueText(ticket),
    acceptDueText: formatTime(ticket.accept_due_at),
    replyDueText: formatTime(ticket.reply_due_at),
    // The deadline that ran out is the one shown red.
    acceptOverdue: Boolean(ticket.overdue) && status === 'submitted',
    replyOverdue: Boolean(ticket.overdue) && REPLY_DUE_STATUSES.includes(status),
    repliedText: formatTime(ticket.replied_at),
    closedText: formatTime(ticket.closed_at),
    closeReasonText: CLOSE_REASON_TEXTS[ticket.close_reason] || '',
    ratedText: formatTime(ticket.rated_at),
    supportText: supporterCount ? `${supporterCount}人也遇到` : '',
    // Nearby answers say how far each one is from where the reporter stands.
    distanceText: Number.isInteger(ticket.distance_m) ? `距您约${ticket.distance_m}米` : '',
    mineText: ticket.is_mine ? '我提交的' : ticket.i_support ? '我附议的' : '',
    metaText: [location, createdText, supporterCount ? `附议 ${supporterCount}` : ''].filter(Boolean).join(' · '),
    photos: ticket.photos || [],
    events: (ticket.events || []).map(eventView),
    assignees: ticket.assignees || [],
    actions: HANDLER_ACTIONS.filter((action) => allowed.includes(action)).map((action) => ({
      action,
      label: ACTION_LABELS[action],
    })),
    canSupport: Boolean(ticket.can_support) && !ticket.i_support,
    canWithdrawSupport: Boolean(ticket.i_support) && isOpen,
    canRate: Boolean(ticket.can_rate),
    canReopen: Boolean(ticket.can_reopen) && beforeReopenDeadline,
    reopenDeadlineText: ticket.reopen_deadline ? `${monthDay(ticket.reopen_deadline)}前可申请重新办理` : '',
  };
}

module.exports = {
  DESCRIPTION_MAX,
  LOCATION_TEXT_MAX,
  NOTE_MAX,
  REASON_MAX,
  RATING_COMMENT_MAX,
  MAX_PHOTOS,
  CATEGORIES,
  CATEGORY_LABELS,
  STATUS_LABELS,
  STATUS_TAG_TYPES,
  CHANNEL_LABELS,
  ESCALATION_LABELS,
  EVENT_KIND_LABELS,
  HANDLER_ACTIONS,
  ACTION_LABELS,
  ONE_TAP_ACTIONS,
  ACTION_DONE,
  HANDLER_ROLES,
  ESTATE_TABS,
  WORK_TABS,
  canHandleTickets,
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
  listBuildings,
  nearbyQuery,
  uploadPhoto,
  photoPath,
  photoPaths,
  forgetPhotos,
  reportErrors,
  reportMissing,
  actionErrors,
  actionBody,
  ratingErrors,
  monthDay,
  ticketView,
};
