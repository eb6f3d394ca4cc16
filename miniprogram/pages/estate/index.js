const { getEstate } = require('../../utils/estates');
const { showError } = require('../../utils/feedback');

Component({
  data: { estate: null },

  methods: {
    async onLoad(query) {
      this.estateId = query.id;
      try {
        const estate = await getEstate(this.estateId);
        this.setData({ estate: { ...estate, my_roles: estate.my_roles || [] } });
      } catch (err) {
        showError(this, err);
      }
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

    onClaim() {
      wx.navigateTo({ url: `/pages/claim/index?estate_id=${this.estateId}` });
    },
  },
});
