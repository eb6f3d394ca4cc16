// The maintenance fund (公维金) API: the estate's fund and its movements, repair projects
// (维修项目) with their quotes, authorisation, documents, budget, payments and owners' ratings.
const { download, request, upload } = require('./api');

const DOCUMENT_TOO_LARGE_MESSAGE = '文件太大，请压缩后再上传';

const fundPath = (estateId) => `/api/v1/estates/${estateId}/fund`;
const projectsPath = (estateId) => `/api/v1/estates/${estateId}/repair-projects`;
const projectPath = (estateId, projectId) => `${projectsPath(estateId)}/${projectId}`;

/** Resolves to the Fund: balance, buildings, my_units (exists false before the first import). */
const getFund = (estateId) => request({ path: fundPath(estateId) });

/** Recomputes the fund's hash chain; resolves to {ok, links_checked, head_hash, broken}. */
const verifyFund = (estateId) => request({ path: `${fundPath(estateId)}/verify` });

/** query: {page, page_size, building_id?}; resolves to a page of movements, newest first. */
const listMovements = (estateId, query) => request({ path: `${fundPath(estateId)}/movements`, data: query });

/** query: {page, page_size, status?}; resolves to a page of project summaries, newest first. */
const listProjects = (estateId, query) => request({ path: projectsPath(estateId), data: query });

const getProject = (estateId, projectId) => request({ path: projectPath(estateId, projectId) });

/** data: {title, scope, category, path, budget_fen, building_ids, unit_ids}; resolves to the new detail (201). */
const createProject = (estateId, data) => request({ method: 'POST', path: projectsPath(estateId), data });

/** A draft or returned project's changed fields; resolves to the detail. */
const updateProject = (estateId, projectId, data) =>
  request({ method: 'PATCH', path: projectPath(estateId, projectId), data });

/** action: submit, authorise, start, accept, cancel (…); resolves to the detail. 409 with the rule refused. */
const transition = (estateId, projectId, action, note) =>
  request({
    method: 'POST',
    path: `${projectPath(estateId, projectId)}/transitions`,
    data: note ? { action, note } : { action },
  });

/** quote: {contractor, amount_fen, note}; resolves to the new quote (201). */
const addQuote = (estateId, projectId, quote) =>
  request({ method: 'POST', path: `${projectPath(estateId, projectId)}/quotes`, data: quote });

/** Chooses a quote with the reason owners will read; resolves to the detail. */
const chooseQuote = (estateId, projectId, quoteId, reason) =>
  request({ method: 'POST', path: `${projectPath(estateId, projectId)}/quotes/${quoteId}/choose`, data: { reason } });

/** Cites the owners' vote; a passed, closed one authorises at once. Resolves to the detail. */
const citeMotion = (estateId, projectId, motionId) =>
  request({ method: 'POST', path: `${projectPath(estateId, projectId)}/motion`, data: { motion_id: motionId } });

/** kind: committee, community or township; resolves to the detail. 403 without that role, 409 signed. */
const signOff = (estateId, projectId, kind, note) =>
  request({ method: 'POST', path: `${projectPath(estateId, projectId)}/sign-offs`, data: { kind, note: note || '' } });

/** Posts the emergency repair's notice to the owners; resolves to the detail. */
const notifyOwners = (estateId, projectId) =>
  request({ method: 'POST', path: `${projectPath(estateId, projectId)}/owners-notice` });

/** Resolves to the detail; a rise over the limit answers it stopped. */
const changeBudget = (estateId, projectId, budgetFen, reason) =>
  request({
    method: 'POST',
    path: `${projectPath(estateId, projectId)}/budget`,
    data: { budget_fen: budgetFen, reason },
  });

/**
 * Uploads a document (kind: quote, contract, progress_photo, acceptance_photo, voucher) and
 * resolves to it (201). Rejects with ApiError (413 too large, 415 not a JPG/PNG/PDF).
 */
async function uploadDocument(estateId, projectId, { filePath, kind, caption, filename }, onProgress) {
  const formData = { kind, caption: caption || '', ...(filename ? { filename } : {}) };
  try {
    return await upload({ path: `${projectPath(estateId, projectId)}/documents`, filePath, name: 'file', formData, onProgress });
  } catch (err) {
    // A proxy in front of the API answers an oversized body with its own page, not our envelope.
    if (err.status === 413) err.message = DOCUMENT_TOO_LARGE_MESSAGE;
    throw err;
  }
}

/** Resolves to {document id: temp path} for those of the documents that could be fetched. */
async function documentPaths(documents) {
  const paths = await Promise.all(documents.map((doc) => download({ path: doc.url }).catch(() => '')));
  const found = {};
  documents.forEach((doc, index) => {
    if (paths[index]) found[doc.id] = paths[index];
  });
  return found;
}

/** payment: {amount_fen, paid_on, payee, voucher_ids, final, overdraft_reason}; resolves to the payment (201). */
const recordPayment = (estateId, projectId, payment) =>
  request({ method: 'POST', path: `${projectPath(estateId, projectId)}/payments`, data: payment });

/** Resolves to {score, comment, created_at} (201); 409 rated or out of window, 403 not bearing the cost. */
const rateProject = (estateId, projectId, score, comment) =>
  request({
    method: 'POST',
    path: `${projectPath(estateId, projectId)}/ratings`,
    data: { score, comment: comment || '' },
  });

module.exports = {
  DOCUMENT_TOO_LARGE_MESSAGE,
  getFund,
  verifyFund,
  listMovements,
  listProjects,
  getProject,
  createProject,
  updateProject,
  transition,
  addQuote,
  chooseQuote,
  citeMotion,
  signOff,
  notifyOwners,
  changeBudget,
  uploadDocument,
  documentPaths,
  recordPayment,
  rateProject,
};
