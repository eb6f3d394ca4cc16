const { getEstate } = require('../../utils/estates');
const { showError } = require('../../utils/feedback');
const { canManageGroups } = require('../../utils/group-chats-api');
const { getPublicRecord, recordView } = require('../../utils/public-record-api');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode],

  // record: the public record once loaded; recordState: 'loading' | 'ready' | 'failed'.
  // canManageGroups: the committee (or an officer) sees the link to the group chats page.
  data: { estate: null, record: null, recordState: 'loading', canManageGroups: false },

  methods: {
    async onLoad(query) {
      this.estateId = query.id;
      await Promise.all([this.loadEstate(), this.loadRecord()]);
    },

    async onPullDownRefresh() {
      await Promise.all([this.loadEstate(), this.loadRecord()]);
      wx.stopPullDownRefresh();
    },

    async loadEstate() {
      try {
        const estate = await getEstate(this.estateId);
        const roles = estate.my_roles || [];
        this.setData({ estate: { ...estate, my_roles: roles }, canManageGroups: canManageGroups(roles) });
      } catch (err) {
        showError(this, err);
      }
    },

    // The record is a second request: the estate shows at once, its record when it comes.
    async loadRecord() {
      this.setData({ recordState: this.data.record ? 'ready' : 'loading' });
      try {
        const record = recordView(await getPublicRecord(this.estateId));
        this.setData({ record, recordState: 'ready' });
      } catch (err) {
        this.setData({ recordState: this.data.record ? 'ready' : 'failed' });
        if (this.data.estate) showError(this, err);
      }
    },

    onRetryRecord() {
      return this.loadRecord();
    },

    onNotices() {
      wx.navigateTo({ url: `/pages/notices/index?estate_id=${this.estateId}` });
    },

    onLedger() {
      wx.navigateTo({ url: `/pages/ledger/index?estate_id=${this.estateId}` });
    },

    onMotions() {
      wx.navigateTo({ url: `/pages/motions/index?estate_id=${this.estateId}` });
    },

    onFund() {
      wx.navigateTo({ url: `/pages/fund/index?estate_id=${this.estateId}` });
    },

    onReport() {
      const name = encodeURIComponent(this.data.estate.name);
      wx.navigateTo({ url: `/pages/ticket-report/index?estate_id=${this.estateId}&name=${name}` });
    },

    onTickets() {
      wx.navigateTo({ url: `/pages/tickets/index?estate_id=${this.estateId}` });
    },

    onCompany() {
      wx.navigateTo({ url: `/pages/company-credit/index?id=${this.data.estate.property_company_id}` });
    },

    onRating() {
      if (!this.data.record || !this.data.record.rating) return;
      wx.navigateTo({ url: `/pages/estate-rating/index?estate_id=${this.estateId}` });
    },

    onProblems() {
      wx.navigateTo({ url: `/pages/estate-problems/index?estate_id=${this.estateId}` });
    },

    onDecisions() {
      wx.navigateTo({ url: `/pages/estate-decisions/index?estate_id=${this.estateId}` });
    },

    onCompanies() {
      wx.navigateTo({ url: '/pages/companies/index' });
    },

    onGroupChats() {
      wx.navigateTo({ url: `/pages/group-chats/index?estate_id=${this.estateId}` });
    },

    onClaim() {
      wx.navigateTo({ url: `/pages/claim/index?estate_id=${this.estateId}` });
    },
  },
});
