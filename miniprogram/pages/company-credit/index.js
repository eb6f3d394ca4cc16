const { getCompanyCredit } = require('../../utils/estates');
const { showError } = require('../../utils/feedback');
const { elderMode } = require('../../utils/elder');

// 企业信用公示: a property company's credit score and its penalties, newest first.
Component({
  behaviors: [elderMode],

  data: { credit: null },

  methods: {
    async onLoad(query) {
      this.companyId = query.id;
      await this.load();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      try {
        const credit = await getCompanyCredit(this.companyId);
        this.setData({
          credit: {
            ...credit,
            penalties: credit.penalties.map((p) => ({
              ...p,
              tagType: p.revoked ? 'default' : p.kind === 'deduction' ? 'danger' : 'warning',
            })),
          },
        });
      } catch (err) {
        showError(this, err);
      }
    },
  },
});
