const pagedList = require('../../utils/paged-list');
const votesApi = require('../../utils/votes-api');
const votesView = require('../../utils/votes-view');
const { elderMode } = require('../../utils/elder');

// The ballots I cast, newest first; each opens its motion.
Component({
  behaviors: [elderMode, pagedList],

  methods: {
    onLoad() {
      this.reload();
    },

    async fetchPage(paging) {
      const body = await votesApi.listMyBallots(paging);
      return { ...body, items: body.items.map(votesView.ballotView) };
    },

    onOpen(event) {
      wx.navigateTo({ url: `/pages/motion/index?id=${event.currentTarget.dataset.id}` });
    },
  },
});
