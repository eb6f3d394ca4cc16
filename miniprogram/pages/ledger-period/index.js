const { showError, showFormError, toast } = require('../../utils/feedback');
const { openFileFor } = require('../../utils/files');
const ledger = require('../../utils/ledger');
const ledgerAnswers = require('../../utils/ledger-answers');
const { chainCheckView, statementFiles, verifyChain } = require('../../utils/ledger-chain');
const pagedList = require('../../utils/paged-list');
const subscribe = require('../../utils/subscribe');
const { elderMode } = require('../../utils/elder');

const QUESTIONS_PAGE_SIZE = 20;

// The entries are the long list at the bottom: they page with paged-list as the user scrolls.
// Questions come 20 at a time behind a 查看更多 button.
Component({
  behaviors: [elderMode, pagedList, ledgerAnswers],

  data: {
    period: null,
    statement: null,
    questions: [],
    questionsPage: 0,
    questionsFinished: true,
    questionsLoading: false,
    question: '',
    asking: false,
    returning: false,
    reason: '',
    transitioning: '',
    errors: {},
    questionMax: ledger.QUESTION_BODY_MAX,
    reasonMax: ledger.RETURN_REASON_MAX,
    files: [],
    verifying: false,
    chainCheck: null,
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.periodId = query.id;
      this.loadAll();
      subscribe.loadMoments();
    },

    // Back from an entry: a question may have been asked about it there. Back from writing
    // entries or importing them: the entries and totals have changed.
    onShow() {
      const { openedEntry, preparing } = this;
      this.openedEntry = false;
      this.preparing = false;
      if (preparing) Promise.all([this.loadDetail(), this.loadStatement(), this.reload()]);
      else if (openedEntry) this.loadQuestions(1);
    },

    async onPullDownRefresh() {
      await this.loadAll();
      wx.stopPullDownRefresh();
    },

    loadAll() {
      return Promise.all([this.loadDetail(), this.loadStatement(), this.loadQuestions(1), this.reload()]);
    },

    async loadDetail() {
      try {
        const period = await ledger.getPeriod(this.estateId, this.periodId);
        const files = period.status === 'published' ? statementFiles(this.estateId, period) : [];
        this.setData({ period: ledger.periodView(period), files });
      } catch (err) {
        showError(this, err);
      }
    },

    async loadStatement() {
      try {
        const statement = await ledger.getStatement(this.estateId, this.periodId);
        this.setData({ statement: ledger.statementView(statement) });
      } catch (err) {
        showError(this, err);
      }
    },

    async loadQuestions(page) {
      const ticket = (this.questionsTicket || 0) + 1; // a newer load makes older answers stale
      this.questionsTicket = ticket;
      this.setData({ questionsLoading: true });
      try {
        const paging = { page, page_size: QUESTIONS_PAGE_SIZE };
        const body = await ledger.listQuestions(this.estateId, this.periodId, paging);
        if (ticket !== this.questionsTicket) return;
        const questions = (page === 1 ? [] : this.data.questions).concat(body.items.map(ledger.questionView));
        const questionsFinished = questions.length >= body.total || !body.items.length;
        this.setData({ questions, questionsPage: page, questionsFinished });
      } catch (err) {
        if (ticket === this.questionsTicket) showError(this, err);
      } finally {
        if (ticket === this.questionsTicket) this.setData({ questionsLoading: false });
      }
    },

    onMoreQuestions() {
      if (!this.data.questionsLoading) this.loadQuestions(this.data.questionsPage + 1);
    },

    async fetchPage(paging) {
      const body = await ledger.listEntries(this.estateId, this.periodId, paging);
      return { ...body, items: body.items.map(ledger.entryView) };
    },

    // A draft's preparer opens an entry to change it; everyone else to read it and ask.
    onOpenEntry(event) {
      const { id } = event.currentTarget.dataset;
      if (this.data.period && this.data.period.canSubmit) {
        this.openEntryEditor(`&id=${id}`);
        return;
      }
      this.openedEntry = true;
      wx.navigateTo({ url: `/pages/ledger-entry/index?estate_id=${this.estateId}&id=${id}` });
    },

    // ---- Preparing a draft ----

    openEntryEditor(extra = '') {
      this.preparing = true;
      wx.navigateTo({ url: `/pages/ledger-entry-edit/index?estate_id=${this.estateId}&period_id=${this.periodId}${extra}` });
    },

    onAddEntry() {
      this.openEntryEditor();
    },

    onImport() {
      this.preparing = true;
      wx.navigateTo({ url: `/pages/ledger-import/index?estate_id=${this.estateId}&period_id=${this.periodId}` });
    },

    // ---- A published period in hand ----

    onOpenStatementFile(event) {
      openFileFor(this, this.data.files[event.currentTarget.dataset.index]);
    },

    async onVerify() {
      if (this.data.verifying) return;
      this.setData({ verifying: true, chainCheck: null });
      try {
        const result = await verifyChain(this.estateId);
        this.setData({ chainCheck: chainCheckView(result, this.data.period) });
      } catch (err) {
        showError(this, err);
      } finally {
        this.setData({ verifying: false });
      }
    },

    onCopyHash() {
      wx.setClipboardData({ data: this.data.statement.head_hash });
    },

    // ---- Submit, approve and return ----

    // The preparer asks to hear when the period is returned, approved, audited or published.
    onSubmit() {
      this.transition({ action: 'submit' }, '已提交审批', 'period_submitted');
    },

    // The committee asks to hear when an owner questions the accounts.
    onApprove() {
      this.transition({ action: 'approve' }, '已同意', 'period_reviewed');
    },

    onStartReturn() {
      this.setData({ returning: true, reason: '', 'errors.reason': '' });
    },

    onCancelReturn() {
      this.setData({ returning: false });
    },

    onReason(event) {
      this.setData({ reason: event.detail, 'errors.reason': '' });
    },

    onConfirmReturn() {
      const reason = this.data.reason.trim();
      const errors = ledger.returnErrors({ reason });
      // The return reason and the question are separate forms: keep each one's error to itself.
      this.setData({ 'errors.reason': errors.reason || '' });
      if (errors.reason) return;
      this.transition({ action: 'return', reason }, '已退回', 'period_reviewed');
    },

    /** Takes one step; ``moment``, if given, asks consent from the same tap (not awaited). */
    async transition(data, done, moment) {
      // One transition at a time: a second tap must not approve twice or approve and return.
      if (this.data.transitioning) return;
      if (moment) subscribe.askConsent(moment);
      this.setData({ transitioning: data.action });
      try {
        await ledger.transitionPeriod(this.estateId, this.periodId, data);
        this.setData({ returning: false });
        toast(this, done);
        await this.loadDetail();
      } catch (err) {
        showFormError(this, err);
        // Moved on meanwhile (another member approved, the preparer withdrew): show it as it is.
        if (err.status === 409) {
          this.setData({ returning: false });
          await this.loadDetail();
        }
      } finally {
        this.setData({ transitioning: '' });
      }
    },

    // ---- Questions ----

    onQuestion(event) {
      this.setData({ question: event.detail, 'errors.body': '' });
    },

    async onAsk() {
      if (this.data.asking) return;
      const body = this.data.question.trim();
      const errors = ledger.questionErrors({ body });
      this.setData({ 'errors.body': errors.body || '' });
      if (errors.body) return;

      subscribe.askConsent('question_asked'); // to be told of the answer; never in the way
      this.setData({ asking: true });
      try {
        await ledger.askQuestion(this.estateId, this.periodId, { body });
        this.setData({ question: '' });
        toast(this, '质询已提交');
        await this.loadQuestions(1);
      } catch (err) {
        showFormError(this, err);
      } finally {
        this.setData({ asking: false });
      }
    },
  },
});
