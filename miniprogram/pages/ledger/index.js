const { myRoles } = require('../../utils/estates');
const { showError } = require('../../utils/feedback');
const { canApprovePeriods, getPeriod, listPeriods, periodView } = require('../../utils/ledger');
const { canPrepare } = require('../../utils/ledger-prepare');
const pagedList = require('../../utils/paged-list');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode, pagedList],

  data: { canApprove: false, canPrepare: false },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.loadRoles();
      this.reload();
    },

    // Back from a period: it may have been approved or returned there; refresh just that one
    // to keep the scroll.

    async loadRoles() {
      try {
        const roles = await myRoles(this.estateId);
        this.setData({ canApprove: canApprovePeriods(roles), canPrepare: canPrepare(roles) });
      } catch (err) {
        showError(this, err);
      }
    },

    async fetchPage(paging) {
      const body = await listPeriods(this.estateId, paging);
      return { ...body, items: body.items.map(periodView) };
    },

    async fetchItem(id) {
      return periodView(await getPeriod(this.estateId, id));
    },

    onOpen(event) {
      this.openedId = event.currentTarget.dataset.id;
      wx.navigateTo({ url: `/pages/ledger-period/index?estate_id=${this.estateId}&id=${this.openedId}` });
    },

    // The new period opens in place of the form: back here, the list starts again at the top.
    onNewPeriod() {
      this.composing = true;
      wx.navigateTo({ url: `/pages/ledger-period-new/index?estate_id=${this.estateId}` });
    },

    onPending() {
      wx.navigateTo({ url: '/pages/ledger-pending/index' });
    },
  },
});
