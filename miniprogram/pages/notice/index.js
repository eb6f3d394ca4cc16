const { showError, showFormError, toast } = require('../../utils/feedback');
const { openFileFor } = require('../../utils/files');
const { getNotice, noticeView, withdrawNotice } = require('../../utils/notices');
const { WITHDRAW_REASON_MAX, withdrawErrors } = require('../../utils/validate');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode],

  data: {
    notice: null,
    withdrawing: false,
    reason: '',
    errors: {},
    submitting: false,
    reasonMax: WITHDRAW_REASON_MAX,
  },

  methods: {
    onLoad(query) {
      this.noticeId = query.id;
      this.load();
    },

    // Fetching the notice is what marks it read on the server.
    async load() {
      try {
        const notice = await getNotice(this.noticeId);
        this.setData({ notice: noticeView(notice) });
      } catch (err) {
        showError(this, err);
      }
    },

    onOpenAttachment(event) {
      const file = this.data.notice.attachments[event.currentTarget.dataset.index];
      openFileFor(this, file);
    },

    onStartWithdraw() {
      this.setData({ withdrawing: true, reason: '', errors: {} });
    },

    onCancelWithdraw() {
      this.setData({ withdrawing: false });
    },

    onReason(event) {
      this.setData({ reason: event.detail, 'errors.reason': '' });
    },

    async onConfirmWithdraw() {
      const reason = this.data.reason.trim();
      const errors = withdrawErrors({ reason });
      this.setData({ errors });
      if (Object.keys(errors).length || this.data.submitting) return;

      this.setData({ submitting: true });
      try {
        const notice = await withdrawNotice(this.noticeId, reason);
        this.setData({ notice: noticeView(notice), withdrawing: false });
        toast(this, '已撤回');
      } catch (err) {
        showFormError(this, err);
        // Withdrawn meanwhile (say, on another phone): show it as it now is.
        if (err.code === 'invalid_transition') {
          this.setData({ withdrawing: false });
          this.load();
        }
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
