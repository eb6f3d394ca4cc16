// Checks done before anything is sent; the server checks again.
const MOBILE = /^1[3-9]\d{9}$/;

/** Returns {field: message} for the claim form; empty when valid. */
function claimErrors({ unitId, realName, phone }) {
  const errors = {};
  if (!unitId) errors.unit_id = '请选择要认领的房屋';
  if (!realName || !realName.trim()) errors.real_name = '请输入真实姓名';
  if (!MOBILE.test(phone || '')) errors.phone = '请输入正确的11位手机号';
  return errors;
}

module.exports = { MOBILE, claimErrors };
