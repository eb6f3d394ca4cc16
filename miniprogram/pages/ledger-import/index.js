// The month's accounts from an .xlsx picked from a WeChat chat: every row goes in, or none, and
// each wrong row's errors are shown against its row number as Excel shows it.
const { showError, toast } = require('../../utils/feedback');
const { openFileFor } = require('../../utils/files');
const ledger = require('../../utils/ledger');
const prepare = require('../../utils/ledger-prepare');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode],

  data: {
    period: null,
    state: 'idle', // idle | uploading | imported | refused
    fileName: '',
    imported: 0,
    message: '',
    rows: [],
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.periodId = query.period_id;
      this.loadPeriod();
    },

    async loadPeriod() {
      try {
        this.setData({ period: ledger.periodView(await ledger.getPeriod(this.estateId, this.periodId)) });
      } catch (err) {
        showError(this, err);
      }
    },

    onTemplate() {
      openFileFor(this, prepare.templateFile(this.estateId));
    },

    onPick() {
      if (this.data.state === 'uploading') return Promise.resolve();
      return new Promise((resolve) => {
        wx.chooseMessageFile({
          count: 1,
          type: 'file',
          extension: ['xlsx'],
          success: (res) => resolve(this.send(res.tempFiles[0])),
          fail: () => resolve(),
        });
      });
    },

    async send(file) {
      this.setData({ state: 'uploading', fileName: file.name, rows: [], message: '' });
      try {
        const { imported } = await prepare.importEntries(this.estateId, this.periodId, file);
        this.setData({ state: 'imported', imported });
        toast(this, `已导入 ${imported} 笔`);
      } catch (err) {
        const rows = prepare.rowErrors(err);
        if (rows.length || err.status === 422) {
          const fileError = (err.fields && err.fields.file) || '';
          this.setData({ state: 'refused', rows, message: rows.length ? err.message : fileError || err.message });
        } else {
          this.setData({ state: 'idle' });
        }
        showError(this, err);
      }
    },

    onDone() {
      wx.navigateBack();
    },
  },
});
