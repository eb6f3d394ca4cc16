const auth = require('../../utils/auth');
const { toast } = require('../../utils/feedback');
const { elderMode } = require('../../utils/elder');

const HOME_URL = '/pages/estates/index';

Component({
  behaviors: [elderMode],

  data: { loading: false },

  methods: {
    onLoad() {
      if (auth.isLoggedIn()) wx.switchTab({ url: HOME_URL });
    },

    async onLogin() {
      if (this.data.loading) return;
      this.setData({ loading: true });
      try {
        await auth.login();
        wx.switchTab({ url: HOME_URL });
      } catch (err) {
        toast(this, err.message);
      } finally {
        this.setData({ loading: false });
      }
    },
  },
});
