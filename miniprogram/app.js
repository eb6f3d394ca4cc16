const { offerOnFirstStart } = require('./utils/elder');

App({
  globalData: {},

  onLaunch() {
    // 长辈模式 is offered once, on the first start with a large font setting.
    offerOnFirstStart();
  },
});
