const { showError, showFormError, toast } = require('../../utils/feedback');
const { openFileFor } = require('../../utils/files');
const ledger = require('../../utils/ledger');
const subscribe = require('../../utils/subscribe');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode],

  data: {
    entry: null,
    period: null,
    question: '',
    asking: false,
    errors: {},
    questionMax: ledger.QUESTION_BODY_MAX,
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.entryId = query.id;
      this.load();
      subscribe.loadMoments();
    },

    async load() {
      try {
        const entry = await ledger.getEntry(this.estateId, this.entryId);
        this.setData({ entry: ledger.entryView(entry) });
        // The entry does not say whether its period is published, and only then may owners ask.
        const period = await ledger.getPeriod(this.estateId, entry.period_id);
        this.setData({ period: ledger.periodView(period) });
      } catch (err) {
        showError(this, err);
      }
    },

    onOpenVoucher(event) {
      const voucher = this.data.entry.vouchers[event.currentTarget.dataset.index];
      openFileFor(this, voucher);
    },

    onQuestion(event) {
      this.setData({ question: event.detail, 'errors.body': '' });
    },

    async onAsk() {
      if (this.data.asking) return;
      const body = this.data.question.trim();
      const errors = ledger.questionErrors({ body });
      this.setData({ errors });
      if (errors.body) return;

      subscribe.askConsent('question_asked'); // to be told of the answer; never in the way
      this.setData({ asking: true });
      try {
        const { entry } = this.data;
        await ledger.askQuestion(this.estateId, entry.period_id, { body, entryId: entry.id });
        this.setData({ question: '', 'entry.question_count': entry.question_count + 1 });
        toast(this, '提问已提交，可在账目详情查看答复');
      } catch (err) {
        showFormError(this, err);
      } finally {
        this.setData({ asking: false });
      }
    },
  },
});
