// The estate's supervision group chats (监督群) for the committee: the groups with their
// liveness, registering one, a test message, on/off, the member count, the join QR code and
// the poster owners scan to join.
const { request, download, upload } = require('./api');
const { formatTime } = require('./format');

// Who may manage an estate's group chats (backend GROUP_CHAT_ROLES): the committee and the
// officers above it; the property company is what the group supervises.
const GROUP_CHAT_ROLES = ['committee_member', 'committee_chair', 'auditor', 'township_officer', 'county_officer', 'admin'];

const CHANNELS = [
  { value: 'wecom_robot', label: '企业微信群机器人', placeholder: '粘贴群机器人的 Webhook 地址或 key' },
  { value: 'wecom_appchat', label: '企业微信应用群聊', placeholder: '填写应用群聊的群聊 ID' },
];
const PROFILES = [
  { value: 'external', label: '外部群（含个人微信业主）' },
  { value: 'internal', label: '内部群（仅企业微信成员）' },
];

const canManageGroups = (roles) => (roles || []).some((r) => GROUP_CHAT_ROLES.includes(r.role));

/** Resolves to {items: [{group, delivered_30d, members, members_source, last_activity_at, is_active, last_test}], estate_active, window_days}. */
const getLiveness = (estateId) => request({ path: `/api/v1/estates/${estateId}/group-chats/liveness` });

/** form: {name, channel, address, profile}; resolves to the new group (201). */
const registerGroup = (estateId, form) =>
  request({ method: 'POST', path: `/api/v1/estates/${estateId}/group-chats`, data: form });

/** changes: {active?, member_count?, name?, profile?}; resolves to the group. */
const updateGroup = (groupId, changes) =>
  request({ method: 'PATCH', path: `/api/v1/group-chats/${groupId}`, data: changes });

/** Resolves to the queued test message {id, status, status_label}. */
const sendTest = (groupId) => request({ method: 'POST', path: `/api/v1/group-chats/${groupId}/test-messages` });

/** Uploads the join QR code picked on the phone; resolves to the group. */
const uploadJoinQr = (groupId, filePath) => upload({ path: `/api/v1/group-chats/${groupId}/join-qr`, filePath });

/** Downloads the poster; resolves to its temp file path (for previewImage / saveImageToPhotosAlbum). */
const downloadPoster = (groupId) => download({ path: `/api/v1/group-chats/${groupId}/poster.png` });

/** A liveness item as the page shows it. */
function groupView(item) {
  const { group } = item;
  const recorded = item.members_source === 'recorded';
  let membersText = '人数未记录';
  if (item.members !== null && item.members !== undefined) {
    membersText = recorded
      ? `${item.members} 人（${formatTime(group.member_count_recorded_at)} 记录）`
      : `${item.members} 人（已绑定企业微信的业主）`;
  }
  const test = item.last_test;
  return {
    id: group.id,
    name: group.name,
    active: group.active,
    profileLabel: group.profile_label,
    external: group.profile === 'external',
    channelText: `${group.channel_label} · ${group.address_hint}`,
    deliveredText: `近 30 天送达 ${item.delivered_30d} 条`,
    membersText,
    lastActivityText: item.last_activity_at ? `最近活动 ${formatTime(item.last_activity_at)}` : '尚无消息送达',
    isActive: item.is_active,
    testText: test ? `测试消息：${test.status_label}（${formatTime(test.created_at)}）` : '尚未发送测试消息',
    testFailed: Boolean(test && test.status === 'dead'),
    // The server refuses a second test while one is on its way: say so by disabling the button.
    testPending: Boolean(test && ['pending', 'queued', 'retrying'].includes(test.status)),
    hasJoinQr: group.has_join_qr,
  };
}

module.exports = {
  CHANNELS,
  PROFILES,
  canManageGroups,
  getLiveness,
  registerGroup,
  updateGroup,
  sendTest,
  uploadJoinQr,
  downloadPoster,
  groupView,
};
