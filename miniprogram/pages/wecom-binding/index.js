const { showError, toast } = require('../../utils/feedback');
const votes = require('../../utils/votes');

// Binding the owner's WeCom account, so ballots sent in the WeCom app count as theirs: the
// mini-program hands out a short code, the owner sends it to the app, the server links the two.
Component({
  data: { binding: null, code: null, requesting: false, confirmingUnbind: false, unbinding: false },

  methods: {
    // On every show: back from WeCom after sending the code, the binding is there.
    async onShow() {
      try {
        const binding = votes.bindingView(await votes.getWecomBinding());
        // A code is useless once bound or expired; showing it would invite a second try.
        const { code } = this.data;
        const keepCode = code && !binding.bound && !votes.bindingCodeView(code).expired;
        this.setData({ binding, code: keepCode ? code : null });
      } catch (err) {
        showError(this, err);
      }
    },

    async onRequestCode() {
      if (this.data.requesting) return;
      this.setData({ requesting: true });
      try {
        this.setData({ code: votes.bindingCodeView(await votes.requestBindingCode()) });
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
        await votes.unbindWecom();
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
