// The in-page form that asks why before an irreversible step (withdraw a notice, cancel a
// motion, return a period, reopen a ticket): a titled textarea with a word count, a red confirm
// button and a way back. The page keeps the text and its error and decides what confirm does.
// Events: change (detail: the text), confirm, cancel.
Component({
  properties: {
    title: String,
    value: String,
    placeholder: String,
    maxlength: Number,
    error: String,
    confirmText: String,
    cancelText: { type: String, value: '取消' },
    loading: Boolean,
    disabled: Boolean,
  },

  methods: {
    onChange(event) {
      this.triggerEvent('change', event.detail);
    },

    onConfirm() {
      this.triggerEvent('confirm');
    },

    onCancel() {
      this.triggerEvent('cancel');
    },
  },
});
