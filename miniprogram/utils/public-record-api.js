// The estate's public record (小区公示) API and how its pages show it: the record itself
// (roster, company, rating, counts), the problem list, joint-meeting decisions, the star
// rating's score sheet and appeal, and the credit pages of the county's property companies.
const { request } = require('./api');
const { formatTime } = require('./format');
const { photoPaths } = require('./tickets-photos');

/** Resolves to {committee, company, rating, problems_open, problems_overdue, problems_closed_out, decisions}. */
const getPublicRecord = (estateId) => request({ path: `/api/v1/estates/${estateId}/public-record` });

/** query: {status?, page, page_size}; resolves to a page of problems, newest first. */
const listProblems = (estateId, query) => request({ path: `/api/v1/estates/${estateId}/problems`, data: query });

/** paging: {page, page_size}; resolves to a page of joint-meeting decisions about the estate. */
const listDecisions = (estateId, paging) =>
  request({ path: `/api/v1/estates/${estateId}/meeting-decisions`, data: paging });

/** Resolves to {ratings: [{id, year, stars, total, criteria: [...]}]}, newest year first. */
const listRatings = (estateId) => request({ path: `/api/v1/estates/${estateId}/ratings` });

/** Resolves to the new appeal (201); 403 not the committee, 409 window closed or one open. */
const lodgeAppeal = (ratingId, reason) =>
  request({ method: 'POST', path: `/api/v1/estate-ratings/${ratingId}/appeals`, data: { reason } });

/** query: {q?, page, page_size}; resolves to a page of {id, name, credit_code, score, penalty_count}. */
const listCompanies = (query) => request({ path: '/api/v1/property-companies', data: query });

/** Resolves to {url: temp path} for the photos (API urls) that could be fetched. */
const fetchPhotos = (urls) => photoPaths(urls.map((url) => ({ id: url, url })), 'full');

const PROBLEM_TABS = [
  { key: 'all', title: '全部', query: {} },
  { key: 'open', title: '整改中', query: { status: 'open' } },
  { key: 'closed_out', title: '已销号', query: { status: 'closed_out' } },
];

/** "★★★★☆" for 4 of 5; 0 stars is 未评星. */
function starsText(stars) {
  if (!stars) return '未评星';
  return '★'.repeat(stars) + '☆'.repeat(Math.max(5 - stars, 0));
}

/** The committee section: the roster as one line, the term and whether it lapsed. */
function committeeView(committee) {
  if (!committee) return null;
  return {
    ...committee,
    rosterText: committee.members.map((m) => `${m.role_label} ${m.name}`).join(' · '),
    termText: committee.lapsed ? `任期已于 ${committee.term_ends_on} 届满，待换届` : `任期至 ${committee.term_ends_on}`,
  };
}

/** The company section: its managers and credit score as one line. */
function companyView(company) {
  const managers = (company.managers || []).map((m) => m.name).join('、');
  const parts = [];
  if (managers) parts.push(`项目经理 ${managers}`);
  if (company.score !== null && company.score !== undefined) parts.push(`信用分 ${company.score}`);
  return { ...company, detailText: parts.join(' · ') };
}

/** The rating section: stars, total, and where its newest appeal stands. */
function ratingView(rating) {
  if (!rating) return null;
  const [latest] = rating.appeals || [];
  return {
    ...rating,
    starsText: starsText(rating.stars),
    titleText: `${rating.year} 年度星级评定`,
    scoreText: `${rating.total} 分`,
    appealText: latest ? `申诉：${latest.status_label}` : '',
    deadlineText: formatTime(rating.appeal_deadline),
  };
}

/** The whole record as the estate page shows it. */
function recordView(record) {
  return {
    ...record,
    committee: committeeView(record.committee),
    company: companyView(record.company),
    rating: ratingView(record.rating),
    problemsText: `整改中 ${record.problems_open} · 已销号 ${record.problems_closed_out}`,
    overdueText: record.problems_overdue ? `其中逾期 ${record.problems_overdue} 项` : '',
  };
}

/** A problem of the list, with the texts its row shows. */
function problemView(problem) {
  return {
    ...problem,
    closedText: formatTime(problem.closed_at),
    tagType: problem.status === 'closed_out' ? 'success' : problem.overdue ? 'danger' : 'warning',
    statusText: problem.overdue ? '已逾期' : problem.status_label,
  };
}

/** A decision, with its state in words. */
function decisionView(decision) {
  let stateText = decision.done ? '已落实' : '落实中';
  if (decision.is_dispute) stateText = decision.dispute_resolved ? '纠纷已化解' : '纠纷调处中';
  return {
    ...decision,
    stateText,
    deadlineText: decision.deadline ? `限 ${decision.deadline} 前` : '',
    minutes: (decision.minutes || []).map((m) => ({ ...m })),
  };
}

/** An appeal, for the rating page's history. */
function appealView(appeal) {
  return { ...appeal, createdText: formatTime(appeal.created_at) };
}

module.exports = {
  PROBLEM_TABS,
  getPublicRecord,
  listProblems,
  listDecisions,
  listRatings,
  lodgeAppeal,
  listCompanies,
  fetchPhotos,
  starsText,
  recordView,
  problemView,
  decisionView,
  appealView,
};
