const pagedList = require('../../utils/paged-list');
const votes = require('../../utils/votes');

// The ballots I cast, newest first; each opens its motion.
Component({
  behaviors: [pagedList],

  methods: {
    onLoad() {
      this.reload();
    },

    async fetchPage(paging) {
      const body = await votes.listMyBallots(paging);
      return { ...body, items: body.items.map(votes.ballotView) };
    },

    onOpen(event) {
      wx.navigateTo({ url: `/pages/motion/index?id=${event.currentTarget.dataset.id}` });
    },
  },
});
