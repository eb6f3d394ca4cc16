// The plain home of 长辈模式: for an owner with a verified unit, four big actions on one estate.
const { getMe, listMyEstates } = require('./estates');

// Words and icons together: an icon never stands alone in the mode.
const ACTIONS = [
  { key: 'notices', text: '看公告', icon: 'volume-o' },
  { key: 'report', text: '随手拍', icon: 'photograph' },
  { key: 'vote', text: '去投票', icon: 'todo-list-o' },
  { key: 'ledger', text: '看账目', icon: 'balance-list-o' },
];

/** The url an action opens on an estate ({id, name}). */
function actionUrl(key, estate) {
  const id = estate.id;
  if (key === 'notices') return `/pages/notices/index?estate_id=${id}`;
  if (key === 'report') return `/pages/ticket-report/index?estate_id=${id}&name=${encodeURIComponent(estate.name)}`;
  if (key === 'vote') return `/pages/motions/index?estate_id=${id}`;
  if (key === 'ledger') return `/pages/ledger/index?estate_id=${id}`;
  throw new Error(`unknown plain-home action ${key}`);
}

/**
 * The estates where I own a verified unit, [{id, name}] in the order of my estates list. An
 * owner's membership is on a unit and names its estate by estate_id; the list gives the name.
 */
function ownerEstates(memberships, estates) {
  const owned = new Set(memberships.filter((m) => m.role === 'owner' && m.estate_id).map((m) => m.estate_id));
  return estates.filter((estate) => owned.has(estate.id)).map(({ id, name }) => ({ id, name }));
}

// An owner of more estates than this is rare; the plain home offers the first ones.
const MAX_ESTATES = 20;

/** Resolves to the estates the plain home offers ([] for someone who owns no verified unit). */
async function loadOwnerEstates() {
  const [me, page] = await Promise.all([getMe(), listMyEstates({ page: 1, page_size: MAX_ESTATES })]);
  return ownerEstates(me.memberships, page.items);
}

module.exports = { ACTIONS, actionUrl, ownerEstates, loadOwnerEstates };
