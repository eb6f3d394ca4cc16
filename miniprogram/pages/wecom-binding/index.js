const { showError, toast } = require('../../utils/feedback');
const votesApi = require('../../utils/votes-api');
const votesView = require('../../utils/votes-view');
const { elderMode } = require('../../utils/elder');

// Binding the owner's WeCom account, so ballots sent in the WeCom app count as theirs: the
// mini-program hands out a short code, the owner sends it to the app, the server links the two.
Component({
  behaviors: [elderMode],

  data: { binding: null, code: null, requesting: false, confirmingUnbind: false, unbinding: false },

  methods: {
    // On every show: back from WeCom after sending the code, the binding is there.
    async onShow() {
      try {
        const binding = votesView.bindingView(await votesApi.getWecomBinding());
        // A code is useless once bound or expired; showing it would invite a second try.
        const { code } = this.data;
        const keepCode = code && !binding.bound && !votesView.bindingCodeView(code).expired;
        this.setData({ binding, code: keepCode ? code : null });
      } catch (err) {
        showError(this, err);
      }
    },

    async onRequestCode() {
      if (this.data.requesting) return;
      this.setData({ requesting: true });
      try {
        this.setData({ code: votesView.bindingCodeView(await votesApi.requestBindingCode()) });
      } catch (err) {
        showError(this, err);
      } finally {
        this.setData({ requesting: false });
      }
    },

    onCopyCode() {
      wx.setClipboardData({ data: this.data.code.code });
    },

    onUnbind() {
      this.setData({ confirmingUnbind: true });
    },

    onCancelUnbind() {
      this.setData({ confirmingUnbind: false });
    },

    async onConfirmUnbind() {
      this.setData({ confirmingUnbind: false });
      if (this.data.unbinding) return;
      this.setData({ unbinding: true });
      try {
        await votesApi.unbindWecom();
        toast(this, '已解除绑定');
        await this.onShow();
      } catch (err) {
        showError(this, err);
      } finally {
        this.setData({ unbinding: false });
      }
    },
  },
});
