// Opening a draft period (a month or a quarter) for the estate's accounts; then straight to it.
const { showFormError } = require('../../utils/feedback');
const prepare = require('../../utils/ledger-prepare');
const { elderMode } = require('../../utils/elder');

// The last finished period is the one a bookkeeper usually brings in; the running one is first.
const DEFAULT_INDEX = 1;

Component({
  behaviors: [elderMode],

  data: {
    kind: 'month',
    choices: [],
    columns: [],
    index: DEFAULT_INDEX,
    picking: false,
    creating: false,
    errors: {},
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.setKind('month');
    },

    setKind(kind) {
      const choices = prepare.periodChoices(kind);
      this.setData({ kind, choices, columns: choices.map((c) => c.label), index: DEFAULT_INDEX, errors: {} });
    },

    onKind(event) {
      this.setKind(event.detail);
    },

    onPick() {
      this.setData({ picking: true });
    },

    onClosePicker() {
      this.setData({ picking: false });
    },

    onChoice(event) {
      this.setData({ index: event.detail.index, picking: false, errors: {} });
    },

    async onCreate() {
      if (this.data.creating) return;
      const choice = this.data.choices[this.data.index];
      this.setData({ creating: true });
      try {
        const period = await prepare.createPeriod(this.estateId, { kind: this.data.kind, start_date: choice.start_date });
        wx.redirectTo({ url: `/pages/ledger-period/index?estate_id=${this.estateId}&id=${period.id}` });
      } catch (err) {
        showFormError(this, err);
      } finally {
        this.setData({ creating: false });
      }
    },
  },
});
