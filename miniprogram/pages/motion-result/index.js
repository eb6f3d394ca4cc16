const { showError } = require('../../utils/feedback');
const votes = require('../../utils/votes');

// A motion's result: published by the server once the motion is closed; until then, the turnout.
Component({
  data: { view: null },

  methods: {
    onLoad(query) {
      this.motionId = Number(query.id);
      this.load();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      try {
        this.setData({ view: votes.resultView(await votes.getMotion(this.motionId)) });
      } catch (err) {
        showError(this, err);
      }
    },
  },
});
