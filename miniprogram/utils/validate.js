// Checks done before anything is sent; the server checks again.
const MOBILE = /^1[3-9]\d{9}$/;
const NOTICE_TITLE_MAX = 60;
const NOTICE_BODY_MAX = 5000;
const WITHDRAW_REASON_MAX = 200;

// The server counts code points, so an emoji is one character here too, not two UTF-16 units.
const charCount = (text) => Array.from(text || '').length;
const isBlank = (text) => !text || !text.trim();

/** Returns {field: message} for the claim form; empty when valid. */
function claimErrors({ unitId, realName, phone }) {
  const errors = {};
  if (!unitId) errors.unit_id = '请选择要认领的房屋';
  if (!realName || !realName.trim()) errors.real_name = '请输入真实姓名';
  if (!MOBILE.test(phone || '')) errors.phone = '请输入正确的11位手机号';
  return errors;
}

/** Returns {field: message} for a new notice; empty when valid. */
function noticeErrors({ title, body }) {
  const errors = {};
  if (isBlank(title)) errors.title = '请输入公告标题';
  else if (charCount(title) > NOTICE_TITLE_MAX) errors.title = `标题不能超过${NOTICE_TITLE_MAX}个字`;
  if (isBlank(body)) errors.body = '请输入公告正文';
  else if (charCount(body) > NOTICE_BODY_MAX) errors.body = `正文不能超过${NOTICE_BODY_MAX}个字`;
  return errors;
}

/** Returns {reason: message} when a withdrawal's reason is missing or too long. */
function withdrawErrors({ reason }) {
  if (isBlank(reason)) return { reason: '请填写撤回原因' };
  if (charCount(reason) > WITHDRAW_REASON_MAX) return { reason: `撤回原因不能超过${WITHDRAW_REASON_MAX}个字` };
  return {};
}

module.exports = {
  MOBILE,
  NOTICE_TITLE_MAX,
  NOTICE_BODY_MAX,
  WITHDRAW_REASON_MAX,
  claimErrors,
  noticeErrors,
  withdrawErrors,
};
