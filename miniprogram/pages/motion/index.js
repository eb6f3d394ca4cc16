const { listBuildings } = require('../../utils/estates');
const { showError, showFormError, toast } = require('../../utils/feedback');
const { openFileFor } = require('../../utils/files');
const subscribe = require('../../utils/subscribe');
const votesApi = require('../../utils/votes-api');
const votesForm = require('../../utils/votes-form');
const votesView = require('../../utils/votes-view');
const { elderMode } = require('../../utils/elder');

// The countdown reads in minutes; refreshing it twice a minute keeps it from lagging by one.
const TICK_MS = 30 * 1000;

Component({
  behaviors: [elderMode],

  data: {
    motion: null,
    scopeText: '',
    choices: votesView.CHOICES,
    pendingChoice: '',
    confirmText: '',
    voting: '',
    cancelling: false,
    reason: '',
    errors: {},
    cancelSending: false,
    closing: false,
    reminding: false,
    reasonMax: votesForm.CANCEL_REASON_MAX,
    // 长辈模式 shows an open ballot as one screen until the owner asks for everything.
    fullView: false,
  },

  methods: {
    onLoad(query) {
      this.motionId = Number(query.id);
      this.load();
      subscribe.loadMoments();
    },

    onUnload() {
      this.stopTicking();
    },

    onShow() {
      // Back from the roll: paper ballots recorded there moved the turnout.
      if (!this.openedElectors) return;
      this.openedElectors = false;
      this.load();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      try {
        this.show(await votesApi.getMotion(this.motionId));
      } catch (err) {
        showError(this, err);
      }
    },

    /** Shows a Motion from any answer and keeps its countdown running while it can change. */
    show(detail) {
      this.detail = detail;
      this.setData({ motion: votesView.motionView(detail), scopeText: this.scopeOf(detail) });
      if (!this.data.scopeText) this.loadBuildingNames(detail.estate_id);
      if (!['announced', 'open'].includes(detail.status)) this.stopTicking();
      else if (!this.timer) this.timer = setInterval(() => this.tick(), TICK_MS);
    },

    // Recomputed from the answer already here: the countdown, and 立即计票 once closes_at passes.
    tick() {
      this.setData({ motion: votesView.motionView(this.detail) });
    },

    scopeOf(detail) {
      return votesView.scopeText(detail, this.buildingNames);
    },

    // A motion put to some buildings names them by id: their names come from the directory.
    async loadBuildingNames(estateId) {
      try {
        const body = await listBuildings(estateId);
        this.buildingNames = Object.fromEntries(body.items.map((b) => [b.id, b.name]));
        this.setData({ scopeText: this.scopeOf(this.detail) || '部分楼栋业主' });
      } catch (err) {
        // Silent: the scope then reads 部分楼栋业主, and the motion itself is all there.
        this.setData({ scopeText: '部分楼栋业主' });
      }
    },

    stopTicking() {
      clearInterval(this.timer);
      this.timer = null;
    },

    onOpenAttachment(event) {
      const file = this.data.motion.attachments[event.currentTarget.dataset.index];
      openFileFor(this, file);
    },

    onElectors() {
      this.openedElectors = true;
      wx.navigateTo({ url: `/pages/motion-electors/index?id=${this.motionId}` });
    },

    // Announced: the owner asks to be told when voting opens and what it decided.
    async onRemind() {
      if (this.data.reminding) return;
      this.setData({ reminding: true });
      const answers = await subscribe.askConsent('motion_announced');
      this.setData({ reminding: false });
      if (subscribe.accepted(answers)) toast(this, '已订阅，投票开始和结果将通知您');
    },

    onResult() {
      wx.navigateTo({ url: `/pages/motion-result/index?id=${this.motionId}` });
    },

    onFullView() {
      this.setData({ fullView: true });
    },

    // ---- Voting: a ballot cannot be changed, so it is sent only after the owner confirms ----

    onChoose(event) {
      const { choice } = event.currentTarget.dataset;
      if (this.data.voting) return;
      this.setData({ pendingChoice: choice, confirmText: votesView.confirmMessage(choice) });
    },

    onCancelVote() {
      this.setData({ pendingChoice: '' });
    },

    onConfirmVote() {
      const choice = this.data.pendingChoice;
      this.setData({ pendingChoice: '' });
      if (!choice) return;
      subscribe.askConsent('ballot_cast'); // to be told the result; the ballot does not wait
      this.vote(choice);
    },

    async vote(choice) {
      if (this.data.voting) return;
      this.setData({ voting: choice });
      try {
        await votesApi.castBallot(this.motionId, choice);
        toast(this, '投票成功');
        // The ballot's answer lacks the new turnout and flags: show the motion as it now is.
        await this.load();
      } catch (err) {
        showError(this, err);
        // Voted on another phone or in WeCom, closed or no longer eligible meanwhile.
        if (err.status === 409 || err.status === 403) await this.load();
      } finally {
        this.setData({ voting: '' });
      }
    },

    // ---- The organiser: cancel before voting opens, count once it has closed ----

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
      const errors = votesForm.cancelErrors({ reason });
      this.setData({ errors });
      if (Object.keys(errors).length || this.data.cancelSending) return;

      this.setData({ cancelSending: true });
      try {
        this.show(await votesApi.cancelMotion(this.motionId, reason));
        this.setData({ cancelling: false });
        toast(this, '表决已取消');
      } catch (err) {
        showFormError(this, err);
        // Voting opened meanwhile: cancelling is no longer possible, show it as it now is.
        if (err.status === 409) {
          this.setData({ cancelling: false });
          await this.load();
        }
      } finally {
        this.setData({ cancelSending: false });
      }
    },

    async onCloseNow() {
      if (this.data.closing) return;
      this.setData({ closing: true });
      try {
        this.show(await votesApi.closeMotion(this.motionId));
        toast(this, '已完成计票');
      } catch (err) {
        showError(this, err);
        if (err.status === 409) await this.load();
      } finally {
        this.setData({ closing: false });
      }
    },
  },
});
