const { showError, showFormError, toast } = require('../../utils/feedback');
const photoUploads = require('../../utils/photo-uploads');
const subscribe = require('../../utils/subscribe');
const ticketsApi = require('../../utils/tickets-api');
const ticketsForm = require('../../utils/tickets-form');
const ticketPhotos = require('../../utils/tickets-photos');
const ticketsView = require('../../utils/tickets-view');
const { elderMode } = require('../../utils/elder');

// A closed action form starts from these again.
const EMPTY_FORM = {
  acting: '',
  actingLabel: '',
  reopening: false,
  note: '',
  reason: '',
  assigneeId: null,
  assigneeLabel: '',
  showAssignees: false,
  duplicateOf: '',
  errors: {},
};

Component({
  behaviors: [elderMode, photoUploads],

  data: {
    ticket: null,
    thumbs: {},
    ...EMPTY_FORM,
    transitioning: '',
    supporting: false,
    rating: 0,
    comment: '',
    rateSending: false,
    noteMax: ticketsForm.NOTE_MAX,
    reasonMax: ticketsForm.REASON_MAX,
    commentMax: ticketsForm.RATING_COMMENT_MAX,
  },

  methods: {
    onLoad(query) {
      this.ticketId = Number(query.id);
      this.load();
      subscribe.loadMoments();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      try {
        this.show(await ticketsApi.getTicket(this.ticketId));
      } catch (err) {
        showError(this, err);
      }
    },

    /** Shows a TicketDetail from any answer, then fetches its photos' thumbnails. */
    show(detail) {
      const ticket = ticketsView.ticketView(detail);
      this.photoEstateId = ticket.estate_id;
      this.setData({ ticket });
      this.loadThumbs(ticket);
    },

    async loadThumbs(ticket) {
      const photos = ticket.photos.concat(...ticket.events.map((event) => event.photos));
      const paths = await ticketPhotos.photoPaths(photos, 'thumb');
      const changes = {};
      Object.keys(paths).forEach((id) => (changes[`thumbs.${id}`] = paths[id]));
      if (Object.keys(changes).length) this.setData(changes);
    },

    // The viewer gets the full-size photos of the group tapped: the ticket's or one event's.
    onPreview(event) {
      const { event: eventIndex, index } = event.currentTarget.dataset;
      this.preview(eventIndex, index);
    },

    onPreviewEvent(event) {
      this.preview(event.detail.event, event.detail.index);
    },

    /** Opens the full photos of the ticket (eventIndex -1) or of one event, at index. */
    async preview(eventIndex, index) {
      const { ticket } = this.data;
      const photos = eventIndex >= 0 ? ticket.events[eventIndex].photos : ticket.photos;
      wx.showLoading({ title: '正在加载…' });
      try {
        const urls = await Promise.all(photos.map((photo) => ticketPhotos.photoPath(photo, 'full')));
        wx.previewImage({ urls, current: urls[index] });
      } catch (err) {
        showError(this, err);
      } finally {
        wx.hideLoading();
      }
    },

    onOpenOriginal() {
      wx.navigateTo({ url: `/pages/ticket/index?id=${this.data.ticket.duplicate_of_id}` });
    },

    // ---- 我也遇到 ----

    onSupport() {
      return this.changeSupport(ticketsApi.support, '已附议');
    },

    onWithdrawSupport() {
      return this.changeSupport(ticketsApi.withdrawSupport, '已撤销附议');
    },

    async changeSupport(call, done) {
      if (this.data.supporting) return;
      this.setData({ supporting: true });
      try {
        this.show(await call(this.ticketId));
        toast(this, done);
      } catch (err) {
        showError(this, err);
        if (err.status === 409) await this.load();
      } finally {
        this.setData({ supporting: false });
      }
    },

    // ---- Rating ----

    onRating(event) {
      this.setData({ rating: event.detail, 'errors.rating': '' });
    },

    onComment(event) {
      this.setData({ comment: event.detail, 'errors.comment': '' });
    },

    async onRate() {
      if (this.data.rateSending) return;
      const rating = this.data.rating;
      const comment = this.data.comment.trim();
      const errors = ticketsForm.ratingErrors({ rating, comment });
      this.setData({ errors });
      if (Object.keys(errors).length) return;

      this.setData({ rateSending: true });
      try {
        const data = comment ? { rating, comment } : { rating };
        this.show(await ticketsApi.rate(this.ticketId, data));
        toast(this, '感谢您的评价');
      } catch (err) {
        await this.refused(err);
      } finally {
        this.setData({ rateSending: false });
      }
    },

    // ---- Reopen (the reporter) and the handler's actions ----

    onStartReopen() {
      this.setData({ ...EMPTY_FORM, reopening: true });
    },

    onAction(event) {
      const { action } = event.currentTarget.dataset;
      // A handler asks, once a page, to hear of tickets assigned or escalated to them.
      if (!this.askedConsent) {
        this.askedConsent = true;
        subscribe.askConsent('ticket_handling');
      }
      if (ticketsView.ONE_TAP_ACTIONS.includes(action)) {
        this.transition({ action });
        return;
      }
      this.clearUploads();
      this.setData({ ...EMPTY_FORM, acting: action, actingLabel: ticketsView.ACTION_LABELS[action] });
    },

    onCancelAction() {
      this.clearUploads();
      this.setData({ ...EMPTY_FORM });
    },

    onNote(event) {
      this.setData({ note: event.detail, 'errors.note': '' });
    },

    onReason(event) {
      this.setData({ reason: event.detail, 'errors.reason': '' });
    },

    onDuplicateOf(event) {
      this.setData({ duplicateOf: event.detail, 'errors.duplicate_of_id': '' });
    },

    onOpenAssignees() {
      this.setData({ showAssignees: true });
    },

    onCloseAssignees() {
      this.setData({ showAssignees: false });
    },

    onPickAssignee(event) {
      const assignee = this.data.ticket.assignees[event.detail.index];
      if (!assignee) return;
      this.setData({
        assigneeId: assignee.id,
        assigneeLabel: assignee.label,
        showAssignees: false,
        'errors.assignee_id': '',
      });
    },

    onConfirmAction() {
      const action = this.data.reopening ? 'reopen' : this.data.acting;
      const form = {
        note: this.data.note,
        reason: this.data.reason,
        assigneeId: this.data.assigneeId,
        duplicateOf: this.data.duplicateOf,
        ticketId: this.ticketId,
        photoIds: this.photoIds(),
      };
      const errors = ticketsForm.actionErrors(action, form);
      this.setData({ errors });
      if (Object.keys(errors).length) return;
      if (this.data.uploadsBusy) {
        toast(this, '照片还在上传，请稍候');
        return;
      }
      this.transition(ticketsForm.actionBody(action, form));
    },

    async transition(data) {
      // One action at a time: a second tap must not accept twice or accept and reject.
      if (this.data.transitioning) return;
      this.setData({ transitioning: data.action });
      try {
        this.show(await ticketsApi.transition(this.ticketId, data));
        this.clearUploads();
        this.setData({ ...EMPTY_FORM });
        toast(this, ticketsView.ACTION_DONE[data.action]);
      } catch (err) {
        await this.refused(err);
      } finally {
        this.setData({ transitioning: '' });
      }
    },

    // Moved on meanwhile (another handler acted, the deadline passed): say so and show it as it
    // is now. Other refusals keep the form, with the server's messages under its fields.
    async refused(err) {
      if (err.status === 409) {
        showError(this, err);
        this.clearUploads();
        this.setData({ ...EMPTY_FORM });
        await this.load();
      } else {
        showFormError(this, err);
      }
    },
  },
});
