const { showError } = require('../../utils/feedback');
const pagedList = require('../../utils/paged-list');
const votes = require('../../utils/votes');

// An estate's motions (业主表决), newest first, by status tab.
Component({
  behaviors: [pagedList],

  data: { tabs: votes.TABS, tab: 'all' },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.reload();
    },

    onShow() {
      // Back from a motion: it may have been voted on, cancelled or counted; refresh just that
      // one to keep the scroll.
      const { openedId } = this;
      this.openedId = null;
      if (openedId) this.refreshItem(openedId);
    },

    async onPullDownRefresh() {
      await this.reload();
      wx.stopPullDownRefresh();
    },

    onTab(event) {
      const { key } = event.currentTarget.dataset;
      if (key === this.data.tab) return;
      this.setData({ tab: key, items: [], page: 0, finished: false });
      this.reload();
    },

    async fetchPage(paging) {
      const tab = votes.TABS.find((t) => t.key === this.data.tab);
      const body = await votes.listMotions(this.estateId, { ...tab.query, ...paging });
      return { ...body, items: body.items.map((motion) => votes.motionView(motion)) };
    },

    async refreshItem(id) {
      try {
        const motion = await votes.getMotion(id);
        const index = this.data.items.findIndex((item) => item.id === motion.id);
        if (index >= 0) this.setData({ [`items[${index}]`]: votes.motionView(motion) });
      } catch (err) {
        showError(this, err);
      }
    },

    onOpen(event) {
      this.openedId = event.currentTarget.dataset.id;
      wx.navigateTo({ url: `/pages/motion/index?id=${this.openedId}` });
    },
  },
});
