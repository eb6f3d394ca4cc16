const { shanghaiClock } = require('../../utils/clock');
const { showError, showFormError, toast } = require('../../utils/feedback');
const fundsApi = require('../../utils/funds-api');
const fundsForm = require('../../utils/funds-form');
const fundsView = require('../../utils/funds-view');
const votesApi = require('../../utils/votes-api');
const { elderMode } = require('../../utils/elder');

const IMAGE_NAME = /\.(jpe?g|png)$/i;
// The motions a project may cite: votes of this estate on using the fund. One page is plenty:
// an estate holds a handful of such votes a year.
const MOTION_PAGE = { page: 1, page_size: 50 };

const emptyUploads = () => ({ quote: [], contract: [], progress_photo: [], acceptance_photo: [], voucher: [] });

// The committee's work on a repair project (项目办理): quotes and the choice, the vote it cites,
// the contract and photos, budget changes, acceptance with photos and payments with vouchers.
// Each part shows only while the project's actions allow it; the server decides again.
Component({
  behaviors: [elderMode],

  data: {
    project: null,
    state: 'loading',
    busy: '',
    errors: {},
    // Quotes
    contractor: '',
    quoteAmount: '',
    quoteNote: '',
    choosingId: 0,
    choiceReason: '',
    // The vote
    motions: [],
    motionsState: '',
    // Documents, by kind: {key, url, name, isImage, status, message, id}
    uploads: emptyUploads(),
    captions: { contract: '施工合同', progress_photo: '施工进度', acceptance_photo: '竣工验收', voucher: '支付凭证', quote: '报价单' },
    // Budget
    newBudget: '',
    budgetReason: '',
    // Acceptance
    acceptNote: '',
    // Payment
    payAmount: '',
    paidOn: '',
    payee: '',
    final: true,
    overdraftUnits: [],
    overdraftText: '',
    overdraftReason: '',
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.projectId = Number(query.id);
      this.setData({ paidOn: shanghaiClock(Date.now()).date });
      return this.load();
    },

    async load() {
      try {
        const project = fundsView.projectView(await fundsApi.getProject(this.estateId, this.projectId));
        const chosen = project.quotes.find((q) => q.is_chosen);
        // The server pays up to the budget less what is paid: offer that as the amount.
        const left = project.budget_fen - (project.paid_fen || 0);
        this.setData({
          project,
          state: 'ready',
          payee: this.data.payee || (chosen ? chosen.contractor : ''),
          payAmount: this.data.payAmount || (project.canPay && left > 0 ? fundsForm.yuanText(left) : ''),
        });
        if (project.canCite && !this.data.motionsState) this.loadMotions();
      } catch (err) {
        if (!this.data.project) this.setData({ state: 'failed' });
        showError(this, err);
      }
    },

    onRetry() {
      this.setData({ state: 'loading' });
      return this.load();
    },

    /** Runs one step of the work; on success the project is shown again as it now is. */
    async run(name, call, done) {
      if (this.data.busy) return false;
      this.setData({ busy: name });
      try {
        await call();
        toast(this, done);
        await this.load();
        return true;
      } catch (err) {
        showFormError(this, err);
        return false;
      } finally {
        this.setData({ busy: '' });
      }
    },

    field(event) {
      const { name } = event.currentTarget.dataset;
      this.setData({ [name]: event.detail, errors: {} });
    },

    // ---- Quotes: add them, then choose one with the reason ----

    onAddQuote() {
      const { contractor, quoteAmount, quoteNote } = this.data;
      const errors = fundsForm.quoteErrors({ contractor, amount: quoteAmount, note: quoteNote });
      this.setData({ errors });
      if (Object.keys(errors).length) return Promise.resolve();
      const quote = { contractor: contractor.trim(), amount_fen: fundsForm.parseYuan(quoteAmount).fen, note: quoteNote.trim() };
      return this.run('quote', () => fundsApi.addQuote(this.estateId, this.projectId, quote), '已添加报价').then((ok) => {
        if (ok) this.setData({ contractor: '', quoteAmount: '', quoteNote: '' });
      });
    },

    onStartChoose(event) {
      this.setData({ choosingId: event.currentTarget.dataset.id, choiceReason: '', errors: {} });
    },

    onBackFromChoose() {
      this.setData({ choosingId: 0 });
    },

    onChoiceReason(event) {
      this.setData({ choiceReason: event.detail, 'errors.reason': '' });
    },

    async onConfirmChoose() {
      const reason = this.data.choiceReason.trim();
      const errors = fundsForm.reasonErrors(reason, '选定理由');
      this.setData({ errors });
      if (Object.keys(errors).length) return;
      const id = this.data.choosingId;
      const ok = await this.run('choose', () => fundsApi.chooseQuote(this.estateId, this.projectId, id, reason), '已选定');
      if (ok) this.setData({ choosingId: 0 });
    },

    // ---- The owners' vote it cites ----

    async loadMotions() {
      this.setData({ motionsState: 'loading' });
      try {
        const body = await votesApi.listMotions(this.estateId, MOTION_PAGE);
        const motions = body.items
          .filter((m) => m.matter === 'use_maintenance_fund' && m.status !== 'cancelled')
          .map((m) => ({
            ...m,
            scopeText: m.building_names && m.building_names.length ? m.building_names.join('、') : '全体业主',
            outcomeText: m.result ? m.result.outcome_label : m.status_label,
          }));
        this.setData({ motions, motionsState: 'ready' });
      } catch (err) {
        this.setData({ motionsState: 'failed' });
        showError(this, err);
      }
    },

    onCite(event) {
      const { id } = event.currentTarget.dataset;
      return this.run('cite', () => fundsApi.citeMotion(this.estateId, this.projectId, id), '已关联表决');
    },

    onComposeMotion() {
      const ids = this.data.project.buildings.map((b) => b.building_id).join(',');
      wx.navigateTo({
        url: `/pages/motion-compose/index?estate_id=${this.estateId}&matter=use_maintenance_fund&building_ids=${ids}`,
      });
      // The new motion is listed when the committee comes back to cite it.
      this.setData({ motionsState: '' });
    },

    onShow() {
      if (this.data.project && this.data.project.canCite && !this.data.motionsState) this.loadMotions();
    },

    // ---- Documents: each uploads at once, one at a time, under its kind ----

    onFilesRead(event) {
      const { kind } = event.currentTarget.dataset;
      const files = [].concat(event.detail.file);
      const added = files.map((file) => {
        this.uploadKey = (this.uploadKey || 0) + 1;
        const url = file.url || file.tempFilePath;
        const name = file.name || '';
        return { key: this.uploadKey, url, name, isImage: !name || IMAGE_NAME.test(name), status: 'uploading', message: '等待上传', id: null };
      });
      this.setUploads(kind, this.data.uploads[kind].concat(added));
      added.forEach(({ key }) => {
        this.uploadChain = (this.uploadChain || Promise.resolve()).then(() => this.uploadOne(kind, key));
      });
      return this.uploadChain;
    },

    onFileDelete(event) {
      const { kind } = event.currentTarget.dataset;
      const { key } = this.data.uploads[kind][event.detail.index] || {};
      this.setUploads(kind, this.data.uploads[kind].filter((item) => item.key !== key));
    },

    async uploadOne(kind, key) {
      const upload = this.data.uploads[kind].find((item) => item.key === key);
      if (!upload) return; // removed before its turn
      const update = (changes) =>
        this.setUploads(kind, this.data.uploads[kind].map((item) => (item.key === key ? { ...item, ...changes } : item)));
      update({ message: '0%' });
      try {
        const doc = await fundsApi.uploadDocument(
          this.estateId,
          this.projectId,
          { filePath: upload.url, kind, caption: this.data.captions[kind], filename: upload.name },
          (progress) => update({ message: `${progress}%` }),
        );
        update({ id: doc.id, status: 'done', message: '' });
        this.setData({ errors: {} });
      } catch (err) {
        this.setUploads(kind, this.data.uploads[kind].filter((item) => item.key !== key));
        showError(this, err);
      }
    },

    setUploads(kind, list) {
      this.setData({ [`uploads.${kind}`]: list });
    },

    uploadedIds(kind) {
      return this.data.uploads[kind].filter((u) => u.status === 'done').map((u) => u.id);
    },

    busyUploading() {
      return Object.values(this.data.uploads).some((list) => list.some((u) => u.status === 'uploading'));
    },

    // ---- Budget: a rise over the limit stops the project until approved again ----

    onChangeBudget() {
      const { newBudget, budgetReason } = this.data;
      const money = fundsForm.parseYuan(newBudget);
      const errors = { ...(money.error ? { budget_fen: money.error } : {}), ...fundsForm.reasonErrors(budgetReason.trim(), '变更理由') };
      this.setData({ errors });
      if (Object.keys(errors).length) return Promise.resolve();
      return this.run(
        'budget',
        async () => {
          const project = await fundsApi.changeBudget(this.estateId, this.projectId, money.fen, budgetReason.trim());
          if (project.status === 'stopped') toast(this, '预算增加超过上限，项目已暂停，待重新批准');
          return project;
        },
        '预算已变更',
      ).then((ok) => ok && this.setData({ newBudget: '', budgetReason: '' }));
    },

    // ---- Acceptance, with photos ----

    onAccept() {
      const note = this.data.acceptNote.trim();
      const errors = fundsForm.reasonErrors(note, '验收意见');
      if (errors.reason) errors.accept_note = errors.reason;
      delete errors.reason;
      if (!this.uploadedIds('acceptance_photo').length && !this.data.project.photos.some((p) => p.kind === 'acceptance_photo')) {
        errors.acceptance_photo = '请上传验收照片';
      }
      this.setData({ errors });
      if (Object.keys(errors).length) return Promise.resolve();
      if (this.busyUploading()) {
        toast(this, '照片还在上传，请稍候');
        return Promise.resolve();
      }
      return this.run('accept', () => fundsApi.transition(this.estateId, this.projectId, 'accept', note), '已验收');
    },

    // ---- Payment, with vouchers; a unit going below zero needs a recorded decision ----

    onFinal(event) {
      this.setData({ final: event.detail });
    },

    async onPay() {
      const { payAmount, paidOn, payee, final, overdraftReason, overdraftUnits } = this.data;
      const voucherIds = this.uploadedIds('voucher');
      const errors = fundsForm.paymentErrors({ amount: payAmount, paidOn, payee, voucherIds });
      if (overdraftUnits.length && !overdraftReason.trim()) errors.overdraft_reason = '请填写透支决定的理由';
      this.setData({ errors });
      if (Object.keys(errors).length) return;
      if (this.busyUploading()) {
        toast(this, '凭证还在上传，请稍候');
        return;
      }
      if (this.data.busy) return;
      this.setData({ busy: 'pay' });
      const payment = {
        amount_fen: fundsForm.parseYuan(payAmount).fen,
        paid_on: paidOn,
        payee: payee.trim(),
        voucher_ids: voucherIds,
        final,
        overdraft_reason: overdraftUnits.length ? overdraftReason.trim() : null,
      };
      try {
        const paid = await fundsApi.recordPayment(this.estateId, this.projectId, payment);
        this.setData({ overdraftUnits: [], overdraftReason: '', 'uploads.voucher': [], payAmount: '' });
        toast(this, `已支付，记入资金链第 ${paid.chain_seq} 笔`);
        await this.load();
      } catch (err) {
        // Units that would go below zero: the committee may decide to pay anyway, with a reason.
        const units = err.status === 409 && err.fields && err.fields.units;
        if (units) {
          const list = String(units).split('；');
          this.setData({ overdraftUnits: list, overdraftText: list.join('、') });
        }
        showFormError(this, err);
      } finally {
        this.setData({ busy: '' });
      }
    },
  },
});
