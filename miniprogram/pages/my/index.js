const auth = require('../../utils/auth');
const { getMe } = require('../../utils/estates');
const { showError, LOGIN_URL } = require('../../utils/feedback');
const { verifierEstates } = require('../../utils/claims-api');
const { canApprovePeriods } = require('../../utils/ledger');
const { canHandleTickets } = require('../../utils/tickets-view');
const elder = require('../../utils/elder');

// Claim status → Vant tag colour; the Chinese label comes from the server.
const TAG_TYPES = { pending: 'warning', verified: 'success', rejected: 'danger' };

Component({
  behaviors: [elder.elderMode],

  data: { me: null, canApprove: false, canHandleTickets: false, claimEstates: [] },

  methods: {
    // A tab page: reload on every show so new claims and reviews appear.
    async onShow() {
      try {
        const me = await getMe();
        const memberships = me.memberships.map((m) => ({ ...m, key: `${m.role}:${m.scope_kind}:${m.scope_id}` }));
        const claims = me.claims.map((claim) => ({ ...claim, tagType: TAG_TYPES[claim.status] || 'default' }));
        this.setData({
          me: { ...me, memberships, claims },
          canApprove: canApprovePeriods(me.memberships),
          canHandleTickets: canHandleTickets(me.memberships),
          claimEstates: verifierEstates(me.memberships),
        });
      } catch (err) {
        showError(this, err);
      }
    },

    // 长辈模式: the switch says 已开启/已关闭 in words, and every open page follows at once. The
    // switch shows data.elder, so a tap turns the mode the other way.
    onElder() {
      elder.set(!this.data.elder, [this]);
    },

    onPendingApprovals() {
      wx.navigateTo({ url: '/pages/ledger-pending/index' });
    },

    onPendingClaims(event) {
      wx.navigateTo({ url: `/pages/claims-pending/index?estate_id=${event.currentTarget.dataset.estateId}` });
    },

    onMyTickets() {
      wx.navigateTo({ url: '/pages/tickets/index' });
    },

    onTicketWork() {
      wx.navigateTo({ url: '/pages/ticket-work/index' });
    },

    onMyBallots() {
      wx.navigateTo({ url: '/pages/my-ballots/index' });
    },

    onWecomBinding() {
      wx.navigateTo({ url: '/pages/wecom-binding/index' });
    },

    onLogout() {
      auth.logout();
      wx.reLaunch({ url: LOGIN_URL });
    },
  },
});
