const { showError } = require('../../utils/feedback');
const votesApi = require('../../utils/votes-api');
const votesView = require('../../utils/votes-view');
const { elderMode } = require('../../utils/elder');

// A motion's result: published by the server once the motion is closed; until then, the turnout.
Component({
  behaviors: [elderMode],

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
        this.setData({ view: votesView.resultView(await votesApi.getMotion(this.motionId)) });
      } catch (err) {
        showError(this, err);
      }
    },
  },
});
