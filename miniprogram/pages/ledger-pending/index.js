const { listPendingApprovals, periodView } = require('../../utils/ledger');
const pagedList = require('../../utils/paged-list');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode, pagedList],

  methods: {
    onLoad() {
      this.reload();
    },

    // Back from a period just approved or returned: it no longer waits for me, so list again.
    onShow() {
      const { opened } = this;
      this.opened = false;
      if (opened) this.reload();
    },

    async onPullDownRefresh() {
      await this.reload();
      wx.stopPullDownRefresh();
    },

    async fetchPage(paging) {
      const body = await listPendingApprovals(paging);
      return { ...body, items: body.items.map(periodView) };
    },

    onOpen(event) {
      this.opened = true;
      const { id, estateId } = event.currentTarget.dataset;
      wx.navigateTo({ url: `/pages/ledger-period/index?estate_id=${estateId}&id=${id}` });
    },
  },
});
