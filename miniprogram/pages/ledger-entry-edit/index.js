// A draft's entry, new or changed, by whoever prepares the accounts: the amount on a yuan keypad
// (sent as exact fen), then its vouchers from the camera, the album or a PDF from a chat.
const clock = require('../../utils/clock');
const { showError, showFormError, toast, toastSuccess } = require('../../utils/feedback');
const { openFileFor } = require('../../utils/files');
const { formatSize } = require('../../utils/format');
const ledger = require('../../utils/ledger');
const { parseYuan, yuanText } = require('../../utils/money-input');
const prepare = require('../../utils/ledger-prepare');
const { elderMode } = require('../../utils/elder');

const columnsOf = (direction) => prepare.categoriesOf(direction).map((c) => c.label);

// The day an entry defaults to: today while the period runs, else its last day.
function defaultDate(period, today) {
  return today >= period.start_date && today < period.end_date ? today : clock.addDays(period.end_date, -1);
}

Component({
  behaviors: [elderMode],

  data: {
    state: 'loading', // loading | failed | ready
    period: null,
    entryId: null,
    entryDate: '',
    direction: 'income',
    category: '',
    categoryText: '',
    amountText: '',
    counterparty: '',
    description: '',
    errors: {},
    saving: false,
    justAdded: false,
    keypadShown: false,
    keypadError: '',
    keypadReplace: false,
    pickingCategory: false,
    categoryColumns: columnsOf('income'),
    pickingDate: false,
    dateValue: 0,
    dateMin: 0,
    dateMax: 0,
    vouchers: [],
    uploads: [],
    counterpartyMax: prepare.COUNTERPARTY_MAX,
    descriptionMax: prepare.DESCRIPTION_MAX,
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.periodId = query.period_id;
      this.setData({ entryId: query.id ? Number(query.id) : null });
      if (query.id) wx.setNavigationBarTitle({ title: '修改收支' });
      this.load();
    },

    async load() {
      this.setData({ state: 'loading' });
      try {
        const period = ledger.periodView(await ledger.getPeriod(this.estateId, this.periodId));
        const last = clock.addDays(period.end_date, -1);
        const picker = { dateMin: clock.pickerDate(period.start_date), dateMax: clock.pickerDate(last) };
        if (this.data.entryId) {
          const entry = await ledger.getEntry(this.estateId, this.data.entryId);
          this.fill(entry);
        } else {
          this.setData({ entryDate: defaultDate(period, clock.shanghaiClock(Date.now()).date) });
        }
        this.setData({ period, ...picker, state: 'ready' });
      } catch (err) {
        this.setData({ state: 'failed' });
        showError(this, err);
      }
    },

    fill(entry) {
      this.setData({
        entryDate: entry.entry_date,
        direction: entry.direction,
        category: entry.category,
        categoryText: prepare.categoryLabel(entry.category),
        categoryColumns: columnsOf(entry.direction),
        amountText: yuanText(entry.amount_fen),
        counterparty: entry.counterparty || '',
        description: entry.description || '',
        vouchers: ledger.entryView(entry).vouchers,
      });
    },

    // ---- The fields ----

    onDirection(event) {
      const direction = event.detail;
      const keeps = prepare.categoriesOf(direction).some((c) => c.code === this.data.category);
      this.setData({
        direction,
        categoryColumns: columnsOf(direction),
        ...(keeps ? {} : { category: '', categoryText: '' }),
      });
    },

    onPickCategory() {
      this.setData({ pickingCategory: true });
    },

    onCategory(event) {
      const choice = prepare.categoriesOf(this.data.direction)[event.detail.index];
      this.setData({ category: choice.code, categoryText: choice.label, pickingCategory: false, 'errors.category': '' });
    },

    onClosePickers() {
      this.setData({ pickingCategory: false, pickingDate: false });
    },

    onPickDate() {
      this.setData({ pickingDate: true, dateValue: clock.pickerDate(this.data.entryDate) });
    },

    onDate(event) {
      this.setData({ entryDate: clock.pickedDate(event.detail), pickingDate: false, 'errors.entry_date': '' });
    },

    onOpenKeypad() {
      // An amount already there is replaced by typing, as a calculator's result is.
      this.setData({ keypadShown: true, keypadError: '', keypadReplace: Boolean(this.data.amountText) });
    },

    onKeypad(event) {
      this.setData({ amountText: event.detail, keypadError: '', keypadReplace: false, 'errors.amount_fen': '' });
    },

    onKeypadDone() {
      const { error } = parseYuan(this.data.amountText);
      if (error) this.setData({ keypadError: error });
      else this.setData({ keypadShown: false });
    },

    onCloseKeypad() {
      this.setData({ keypadShown: false });
    },

    onCounterparty(event) {
      this.setData({ counterparty: event.detail, 'errors.counterparty': '' });
    },

    onDescription(event) {
      this.setData({ description: event.detail, 'errors.description': '' });
    },

    // ---- Save and delete ----

    async onSave() {
      if (this.data.saving) return;
      const { errors, data } = prepare.entryForm(this.data);
      this.setData({ errors });
      if (!data) return;
      this.setData({ saving: true });
      try {
        if (this.data.entryId) {
          await prepare.updateEntry(this.estateId, this.data.entryId, data);
          toast(this, '已保存');
        } else {
          const entry = await prepare.addEntry(this.estateId, this.periodId, data);
          this.setData({ entryId: entry.id, vouchers: [], justAdded: true });
          toast(this, '已记账，可继续添加凭证');
        }
      } catch (err) {
        showFormError(this, err);
      } finally {
        this.setData({ saving: false });
      }
    },

    // Bookkeepers enter a month's entries one after another: a blank form in place of this one.
    onAddAnother() {
      wx.redirectTo({ url: `/pages/ledger-entry-edit/index?estate_id=${this.estateId}&period_id=${this.periodId}` });
    },

    onDelete() {
      wx.showModal({
        title: '删除这笔收支？',
        content: '凭证将一并删除',
        confirmText: '删除',
        confirmColor: '#c8102e',
        success: ({ confirm }) => confirm && this.remove(),
      });
    },

    async remove() {
      try {
        await prepare.deleteEntry(this.estateId, this.data.entryId);
        toastSuccess('已删除');
        wx.navigateBack();
      } catch (err) {
        showError(this, err);
      }
    },

    // ---- Vouchers: uploaded one at a time as they are picked; a refused one is dropped ----

    onPickPhotos() {
      return new Promise((resolve) => {
        wx.chooseMedia({
          count: prepare.MAX_VOUCHERS_PER_PICK,
          mediaType: ['image'],
          sourceType: ['camera', 'album'],
          success: (res) => resolve(this.addFiles(res.tempFiles.map((f, i) => ({
            path: f.tempFilePath,
            name: `凭证照片${i + 1}.${f.tempFilePath.split('.').pop().toLowerCase()}`,
            size: f.size,
          })))),
          fail: () => resolve(),
        });
      });
    },

    onPickPdf() {
      return new Promise((resolve) => {
        wx.chooseMessageFile({
          count: prepare.MAX_VOUCHERS_PER_PICK,
          type: 'file',
          extension: ['pdf'],
          success: (res) => resolve(this.addFiles(res.tempFiles.map((f) => ({ path: f.path, name: f.name, size: f.size })))),
          fail: () => resolve(),
        });
      });
    },

    addFiles(picked) {
      const added = picked.map((file) => {
        this.uploadKey = (this.uploadKey || 0) + 1;
        return { ...file, key: this.uploadKey, statusText: '等待上传', sizeText: formatSize(file.size) };
      });
      this.setData({ uploads: this.data.uploads.concat(added) });
      added.forEach(({ key }) => {
        this.uploadChain = (this.uploadChain || Promise.resolve()).then(() => this.uploadOne(key));
      });
      return this.uploadChain;
    },

    async uploadOne(key) {
      const file = this.data.uploads.find((f) => f.key === key);
      const onProgress = (progress) => this.setUpload(key, { statusText: `${progress}%` });
      try {
        const voucher = await prepare.uploadVoucher(this.estateId, this.data.entryId, file, onProgress);
        this.setData({ vouchers: this.data.vouchers.concat(ledger.entryView({ vouchers: [voucher] }).vouchers) });
      } catch (err) {
        showError(this, err);
      } finally {
        this.setData({ uploads: this.data.uploads.filter((f) => f.key !== key) });
      }
    },

    setUpload(key, changes) {
      this.setData({ uploads: this.data.uploads.map((f) => (f.key === key ? { ...f, ...changes } : f)) });
    },

    onOpenVoucher(event) {
      openFileFor(this, this.data.vouchers[event.currentTarget.dataset.index]);
    },
  },
});
