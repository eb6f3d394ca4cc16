const { showError, showFormError, toast } = require('../../utils/feedback');
const pagedList = require('../../utils/paged-list');
const votesApi = require('../../utils/votes-api');
const votesForm = require('../../utils/votes-form');
const votesView = require('../../utils/votes-view');
const { elderMode } = require('../../utils/elder');

// The eligibility snapshot of an open motion, for the organiser: who may vote and who has, and
// paper ballots recorded for those who have not (an owner without the app, the developer).
Component({
  behaviors: [elderMode, pagedList],

  data: {
    motion: null,
    canRecord: false,
    q: '',
    searched: '',
    total: null,
    choices: votesView.CHOICES,
    recording: null,
    choice: '',
    note: '',
    errors: {},
    confirming: false,
    confirmText: '',
    sending: false,
    noteMax: votesForm.NOTE_MAX,
    queryMax: votesForm.ELECTOR_QUERY_MAX,
  },

  methods: {
    onLoad(query) {
      this.motionId = Number(query.id);
      this.loadMotion();
      this.reload();
    },

    async onPullDownRefresh() {
      await Promise.all([this.loadMotion(), this.reload()]);
      wx.stopPullDownRefresh();
    },

    /** The motion above the list: which vote the ballots are for, and whether it still takes them. */
    async loadMotion() {
      try {
        const motion = votesView.motionView(await votesApi.getMotion(this.motionId));
        // Past closes_at the server refuses ballots even before the motion is counted.
        const open = motion.status === 'open' && Date.now() < Date.parse(motion.closes_at);
        // Only the organiser records (supervisors may read the roll); once the server has
        // refused (403), the entry buttons stay away.
        this.setData({ motion, canRecord: Boolean(motion.can_organise) && open && !this.refused });
      } catch (err) {
        showError(this, err);
      }
    },

    async fetchPage(paging) {
      const q = this.data.searched;
      const body = await votesApi.listElectors(this.motionId, { ...(q ? { q } : {}), ...paging });
      this.setData({ total: body.total });
      return { ...body, items: body.items.map(votesView.electorView) };
    },

    // ---- Search by name (as the snapshot masks it: the surname) or unit ----

    onQuery(event) {
      this.setData({ q: event.detail });
    },

    // The keyboard's search key hands over what was typed.
    onSearch(event) {
      this.search(String(event.detail || '').trim());
    },

    onSearchTap() {
      this.search(this.data.q.trim());
    },

    onClearSearch() {
      this.setData({ q: '' });
      if (this.data.searched) this.search('');
    },

    search(q) {
      // Emptied at once: the former list under a new search would read as its answer.
      this.setData({ searched: q, items: [], page: 0, finished: false, total: null });
      return this.reload();
    },

    // ---- A paper ballot: choice and note, confirmed, then sent; it cannot be changed ----

    onStartRecord(event) {
      const elector = this.data.items[event.currentTarget.dataset.index];
      if (!elector || elector.voted || !this.data.canRecord) return;
      this.setData({ recording: elector, choice: '', note: '', errors: {} });
    },

    onCloseRecord() {
      if (this.data.sending) return;
      this.setData({ recording: null, confirming: false });
    },

    onChoice(event) {
      this.setData({ choice: event.currentTarget.dataset.choice, 'errors.choice': '' });
    },

    onNote(event) {
      this.setData({ note: event.detail, 'errors.note': '' });
    },

    onSubmitRecord() {
      const { recording, choice, note, sending } = this.data;
      if (!recording || sending) return;
      const errors = votesForm.paperBallotErrors({ choice, note: note.trim() });
      this.setData({ errors });
      if (Object.keys(errors).length) return;
      this.setData({ confirming: true, confirmText: votesView.paperBallotConfirmMessage(recording.label, choice) });
    },

    onCancelConfirm() {
      this.setData({ confirming: false });
    },

    onConfirmRecord() {
      this.setData({ confirming: false });
      return this.record();
    },

    async record() {
      const { recording, choice, note } = this.data;
      if (!recording || this.data.sending) return;
      this.setData({ sending: true });
      try {
        await votesApi.recordPaperBallot(this.motionId, { elector_id: recording.id, choice, note: note.trim() });
        this.setData({ sending: false, recording: null });
        this.markVoted(recording.id);
        toast(this, '已录入纸质票');
      } catch (err) {
        this.setData({ sending: false });
        await this.recordFailed(err);
      }
    },

    async recordFailed(err) {
      if (err.status === 422) {
        showFormError(this, err);
        return;
      }
      if (err.status === 0 || err.status >= 500) {
        showError(this, err); // the form stays, to send again
        return;
      }
      this.setData({ recording: null });
      showError(this, err);
      if (err.status === 403) {
        this.refused = true;
        this.setData({ canRecord: false });
      } else if (err.code === 'motion_not_open') {
        // Voting ended meanwhile: no more entry, and the motion's status as it now is.
        this.setData({ canRecord: false });
        await this.loadMotion();
      } else {
        // Voted meanwhile (in the app, by chat, or another organiser's entry), or gone from
        // the roll: show the roll as it now is.
        await this.reload();
      }
    },

    // Keeps the scroll: only that elector's row changes.
    markVoted(id) {
      const index = this.data.items.findIndex((item) => item.id === id);
      if (index >= 0) this.setData({ [`items[${index}].voted`]: true });
    },
  },
});
