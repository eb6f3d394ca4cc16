// The vote (业主共同决定) API: motions, ballots, paper ballots, electors, attachments and the
// WeCom binding that lets an owner vote from WeCom.
const { request, upload } = require('./api');

const ATTACHMENT_TOO_LARGE_MESSAGE = '文件太大，请压缩后再上传';


/** query: paging and a TABS query; resolves to a page of Motions. */
const listMotions = (estateId, query) => request({ path: `/api/v1/estates/${estateId}/motions`, data: query });

const getMotion = (id) => request({ path: `/api/v1/motions/${id}` });

/** Resolves to {choice, choice_label, cast_at, channel}; 409 already_voted / motion_not_open, 403 not_eligible. */
const castBallot = (id, choice) => request({ method: 'POST', path: `/api/v1/motions/${id}/ballots`, data: { choice } });

/** Resolves to the cancelled Motion. */
const cancelMotion = (id, reason) =>
  request({ method: 'POST', path: `/api/v1/motions/${id}/cancel`, data: { reason } });

/** Counts the ballots once the vote has closed; resolves to the closed Motion. */
const closeMotion = (id) => request({ method: 'POST', path: `/api/v1/motions/${id}/close` });

const listMyBallots = (paging) => request({ path: '/api/v1/me/ballots', data: paging });

const getWecomBinding = () => request({ path: '/api/v1/me/wecom-binding' });

/** Resolves to {code, expires_at, instruction}; 403 not_verified_owner. */
const requestBindingCode = () => request({ method: 'POST', path: '/api/v1/me/wecom-binding' });

const unbindWecom = () => request({ method: 'DELETE', path: '/api/v1/me/wecom-binding' });

/** Announces a motion; resolves to the new Motion (201). 422 with fields, 403 not an organiser. */
const createMotion = (estateId, data) =>
  request({ method: 'POST', path: `/api/v1/estates/${estateId}/motions`, data });

/** Uploads a document for a motion about to be announced; resolves to {id, filename, ...}. */
// The file part carries the temporary file's name (tmp_…); the person's own name goes as a field.
async function uploadAttachment(estateId, filePath, filename, onProgress) {
  const formData = filename ? { filename } : undefined;
  try {
    return await upload({ path: `/api/v1/estates/${estateId}/motion-attachments`, filePath, name: 'file', formData, onProgress });
  } catch (err) {
    // A proxy in front of the API answers an oversized body with its own page, not our envelope.
    if (err.status === 413) err.message = ATTACHMENT_TOO_LARGE_MESSAGE;
    throw err;
  }
}

/** query: {q?, page, page_size}; resolves to a page of electors {id, kind, label, area_dm2, unit_count, voted}. */
const listElectors = (motionId, query) => request({ path: `/api/v1/motions/${motionId}/electors`, data: query });

/** ballot: {elector_id, choice, note}; 409 already_voted / motion_not_open, 403 not the organiser. */
const recordPaperBallot = (motionId, ballot) =>
  request({ method: 'POST', path: `/api/v1/motions/${motionId}/paper-ballots`, data: ballot });

module.exports = {
  ATTACHMENT_TOO_LARGE_MESSAGE,
  listMotions,
  getMotion,
  castBallot,
  cancelMotion,
  closeMotion,
  listMyBallots,
  getWecomBinding,
  requestBindingCode,
  unbindWecom,
  createMotion,
  uploadAttachment,
  listElectors,
  recordPaperBallot,
};
