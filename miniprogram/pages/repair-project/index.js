const { showError, showFormError, toast } = require('../../utils/feedback');
const { openFileFor } = require('../../utils/files');
const fundsApi = require('../../utils/funds-api');
const fundsForm = require('../../utils/funds-form');
const fundsView = require('../../utils/funds-view');
const { elderMode } = require('../../utils/elder');

// What each one-tap step sends and says once done; the server decides who may (actions).
const STEPS = {
  submit: { call: (e, p) => fundsApi.transition(e, p, 'submit'), done: '已提交事前指导' },
  authorise: { call: (e, p) => fundsApi.transition(e, p, 'authorise'), done: '已确认批准' },
  start: { call: (e, p) => fundsApi.transition(e, p, 'start'), done: '已开工' },
  notify: { call: (e, p) => fundsApi.notifyOwners(e, p), done: '已发布告知业主公告' },
};

// One repair project (维修项目): its stage, scope, quotes, the vote or the signatures that
// authorise it, pre-check, documents and photos, payments with their chain links, the owners'
// rating and its history. The steps the caller may take show as buttons; the committee's forms
// are on the work page.
Component({
  behaviors: [elderMode],

  data: {
    project: null,
    // Photo id → its downloaded file, for the grid and the viewer.
    thumbs: {},
    // 'loading' until the first answer, 'failed' if it never came, then 'ready'.
    state: 'loading',
    busy: '',
    cancelling: false,
    reason: '',
    errors: {},
    score: 0,
    comment: '',
    rating: false,
    reasonMax: fundsForm.REASON_MAX,
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.projectId = Number(query.id);
      return this.load();
    },

    onShow() {
      // Back from the work or edit page: the project changed there.
      if (!this.openedWork) return;
      this.openedWork = false;
      this.load();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      try {
        this.show(await fundsApi.getProject(this.estateId, this.projectId));
      } catch (err) {
        if (!this.data.project) this.setData({ state: 'failed' });
        showError(this, err);
      }
    },

    onRetry() {
      this.setData({ state: 'loading' });
      return this.load();
    },

    show(detail) {
      const project = fundsView.projectView(detail);
      this.setData({ project, state: 'ready' });
      this.loadThumbs(project.photos);
    },

    // The photos need the bearer token, so each is fetched to a temp file once; a failed one
    // stays a grey square and is tried again on the next load.
    async loadThumbs(photos) {
      const missing = photos.filter((photo) => !this.data.thumbs[photo.id]);
      if (!missing.length) return;
      const paths = await fundsApi.documentPaths(missing);
      const changes = {};
      Object.keys(paths).forEach((id) => (changes[`thumbs.${id}`] = paths[id]));
      if (Object.keys(changes).length) this.setData(changes);
    },

    onPreview(event) {
      const { index } = event.currentTarget.dataset;
      const { photos } = this.data.project;
      const urls = photos.map((photo) => this.data.thumbs[photo.id]).filter(Boolean);
      const current = this.data.thumbs[photos[index].id];
      if (current) wx.previewImage({ urls, current });
    },

    onMotion() {
      const { motion } = this.data.project.authorisation;
      if (motion) wx.navigateTo({ url: `/pages/motion/index?id=${motion.id}` });
    },

    onOwnersNotice() {
      const id = this.data.project.owners_notice_id;
      if (id) wx.navigateTo({ url: `/pages/notice/index?id=${id}` });
    },

    onOpenFile(event) {
      const { list, index } = event.currentTarget.dataset;
      openFileFor(this, this.data.project[list][index]);
    },

    onWork() {
      this.openedWork = true;
      wx.navigateTo({ url: `/pages/repair-project-work/index?estate_id=${this.estateId}&id=${this.projectId}` });
    },

    onEdit() {
      this.openedWork = true;
      wx.navigateTo({ url: `/pages/repair-project-compose/index?estate_id=${this.estateId}&id=${this.projectId}` });
    },

    // ---- One-tap steps: submit, authorise, start, tell the owners, sign ----

    onStep(event) {
      const { step } = event.currentTarget.dataset;
      return this.run(step, () => STEPS[step].call(this.estateId, this.projectId), STEPS[step].done);
    },

    onSign(event) {
      const { kind } = event.currentTarget.dataset;
      return this.run(`sign-${kind}`, () => fundsApi.signOff(this.estateId, this.projectId, kind), '已签批');
    },

    async run(name, call, done) {
      if (this.data.busy) return;
      this.setData({ busy: name });
      try {
        this.show(await call());
        toast(this, done);
      } catch (err) {
        showError(this, err);
        // Someone else moved the project meanwhile: show it as it now is.
        if (err.status === 409) await this.load();
      } finally {
        this.setData({ busy: '' });
      }
    },

    // ---- Cancelling, with the reason owners will read ----

    onStartCancel() {
      this.setData({ cancelling: true, reason: '', errors: {} });
    },

    onBackFromCancel() {
      this.setData({ cancelling: false });
    },

    onReason(event) {
      this.setData({ reason: event.detail, 'errors.reason': '' });
    },

    async onConfirmCancel() {
      const reason = this.data.reason.trim();
      const errors = fundsForm.reasonErrors(reason, '取消原因');
      this.setData({ errors });
      if (Object.keys(errors).length || this.data.busy) return;
      this.setData({ busy: 'cancel' });
      try {
        this.show(await fundsApi.transition(this.estateId, this.projectId, 'cancel', reason));
        this.setData({ cancelling: false });
        toast(this, '项目已取消');
      } catch (err) {
        showFormError(this, err);
      } finally {
        this.setData({ busy: '' });
      }
    },

    // ---- The owners' rating: 1–5, once, within the window after acceptance ----

    onScore(event) {
      this.setData({ score: event.detail });
    },

    onComment(event) {
      this.setData({ comment: event.detail });
    },

    async onRate() {
      const { score, comment } = this.data;
      if (!score) {
        toast(this, '请选择评分');
        return;
      }
      if (this.data.rating) return;
      this.setData({ rating: true });
      try {
        await fundsApi.rateProject(this.estateId, this.projectId, score, comment.trim());
        toast(this, '感谢您的评价');
        await this.load();
      } catch (err) {
        showError(this, err);
        if (err.status === 409 || err.status === 403) await this.load();
      } finally {
        this.setData({ rating: false });
      }
    },
  },
});
