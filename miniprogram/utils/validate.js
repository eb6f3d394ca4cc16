// Checks done before anything is sent; the server checks again.
const { requiredTextError } = require('./text');

const MOBILE = /^1[3-9]\d{9}$/;
const NOTICE_TITLE_MAX = 60;
const NOTICE_BODY_MAX = 5000;
const WITHDRAW_REASON_MAX = 200;


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
  const titleError = requiredTextError(title, NOTICE_TITLE_MAX, '请输入公告标题', '标题');
  if (titleError) errors.title = titleError;
  const bodyError = requiredTextError(body, NOTICE_BODY_MAX, '请输入公告正文', '正文');
  if (bodyError) errors.body = bodyError;
  return errors;
}

/** Returns {reason: message} when a withdrawal's reason is missing or too long. */
function withdrawErrors({ reason }) {
  const error = requiredTextError(reason, WITHDRAW_REASON_MAX, '请填写撤回原因', '撤回原因');
  return error ? { reason: error } : {};
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
