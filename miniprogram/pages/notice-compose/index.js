const { showFormError, toastSuccess } = require('../../utils/feedback');
const { createNotice } = require('../../utils/notices');
const { NOTICE_TITLE_MAX, NOTICE_BODY_MAX, noticeErrors } = require('../../utils/validate');

Component({
  data: {
    title: '',
    body: '',
    pinned: false,
    errors: {},
    submitting: false,
    titleMax: NOTICE_TITLE_MAX,
    bodyMax: NOTICE_BODY_MAX,
  },

  methods: {
    onLoad(query) {
      this.estateId = Number(query.estate_id);
      // One token per notice being written: resending after a lost answer cannot post twice.
      this.clientToken = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
    },

    onTitle(event) {
      this.setData({ title: event.detail, 'errors.title': '' });
    },

    onBody(event) {
      this.setData({ body: event.detail, 'errors.body': '' });
    },

    onPinned(event) {
      this.setData({ pinned: event.detail, 'errors.pinned': '' });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const { title, body, pinned } = this.data;
      const errors = noticeErrors({ title, body });
      this.setData({ errors });
      if (Object.keys(errors).length) return;

      this.setData({ submitting: true });
      try {
        // The body is sent as typed: its leading full-width spaces are paragraph indents.
        const data = {
          audience_kind: 'estate',
          audience_id: this.estateId,
          title: title.trim(),
          body,
          pinned,
          client_token: this.clientToken,
        };
        const notice = await createNotice(data);
        toastSuccess('已发布');
        // Stay "submitting" while the page is replaced, so a late tap cannot post again.
        wx.redirectTo({ url: `/pages/notice/index?id=${notice.id}` });
      } catch (err) {
        showFormError(this, err);
        this.setData({ submitting: false });
      }
    },
  },
});
