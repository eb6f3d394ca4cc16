// What the ticket forms check before anything is sent (the server checks again), and the
// transition body an action form sends.
const { isBlank, requiredTextError, tooLong } = require('./text');
const { CATEGORY_LABELS } = require('./tickets-view');

const DESCRIPTION_MAX = 1000;
const LOCATION_TEXT_MAX = 100;
const NOTE_MAX = 1000;
const REASON_MAX = 200;
const RATING_COMMENT_MAX = 200;
const MAX_PHOTOS = 9;

/**
 * Returns {field: message} for a report, keyed as the API names its fields; empty when valid.
 * descriptionOptional: 长辈模式 asks only for a photo and a category.
 */
function reportErrors({ category, description, locationText, photoIds, descriptionOptional = false }) {
  const errors = {};
  if (!CATEGORY_LABELS[category]) errors.category = '请选择问题类型';
  const descriptionError = descriptionOptional
    ? tooLong(description, DESCRIPTION_MAX, '问题描述')
    : requiredTextError(description, DESCRIPTION_MAX, '请描述遇到的问题', '问题描述');
  if (descriptionError) errors.description = descriptionError;
  const locationError = tooLong(locationText, LOCATION_TEXT_MAX, '位置说明');
  if (locationError) errors.location_text = locationError;
  const count = (photoIds || []).length;
  if (!count) errors.photo_ids = '请至少上传1张照片';
  else if (count > MAX_PHOTOS) errors.photo_ids = `最多上传${MAX_PHOTOS}张照片`;
  return errors;
}

/** What a report still lacks before it may be sent, as a short Chinese list; '' when ready. */
function reportMissing({ category, description, photoCount, descriptionOptional = false }) {
  const missing = [];
  if (!category) missing.push('选择问题类型');
  if (!descriptionOptional && isBlank(description)) missing.push('描述问题');
  if (!photoCount) missing.push('上传至少1张照片');
  return missing.length ? `还需${missing.join('、')}` : '';
}

/**
 * The description a report sends: as typed, or, when 长辈模式 left it out, the category with a
 * pointer to the photos (the API requires one).
 */
function reportDescription(description, category) {
  const typed = (description || '').trim();
  return typed || `${CATEGORY_LABELS[category]}，详见照片`;
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
  const commentError = tooLong(comment, RATING_COMMENT_MAX, '评价');
  if (commentError) errors.comment = commentError;
  return errors;
}

module.exports = {
  DESCRIPTION_MAX,
  LOCATION_TEXT_MAX,
  NOTE_MAX,
  REASON_MAX,
  RATING_COMMENT_MAX,
  MAX_PHOTOS,
  reportErrors,
  reportMissing,
  reportDescription,
  actionErrors,
  actionBody,
  ratingErrors,
};
