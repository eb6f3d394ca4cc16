const { showError } = require('../../utils/feedback');
const fundsApi = require('../../utils/funds-api');
const fundsView = require('../../utils/funds-view');
const pagedList = require('../../utils/paged-list');
const { elderMode } = require('../../utils/elder');

// 维修资金: the estate's maintenance fund, my units' and my buildings' balances (every building's
// for staff), and its movements, newest first. The fund's repair projects are one tap away.
Component({
  behaviors: [elderMode, pagedList],

  // fundState: 'loading' | 'ready' | 'failed'; the movements keep the paged list's own states.
  // building: the building whose movements alone are listed ({building_id, name}), or null.
  data: { fund: null, fundState: 'loading', verifying: false, verified: null, building: null },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      return Promise.all([this.loadFund(), this.reload()]);
    },

    async onPullDownRefresh() {
      await Promise.all([this.loadFund(), this.reload()]);
      wx.stopPullDownRefresh();
    },

    async loadFund() {
      this.setData({ fundState: this.data.fund ? 'ready' : 'loading' });
      try {
        const fund = fundsView.fundView(await fundsApi.getFund(this.estateId));
        this.setData({ fund, fundState: 'ready' });
      } catch (err) {
        // The movements' load reports the same failure in the toast; this only keeps the place.
        this.setData({ fundState: this.data.fund ? 'ready' : 'failed' });
      }
    },

    onRetry() {
      return Promise.all([this.loadFund(), this.reload()]);
    },

    async fetchPage(paging) {
      const { building } = this.data;
      const query = building ? { ...paging, building_id: building.building_id } : paging;
      const body = await fundsApi.listMovements(this.estateId, query);
      return { ...body, items: body.items.map(fundsView.movementView) };
    },

    // Anyone who sees the fund may recompute its chain: no payment can be altered unseen.
    async onVerify() {
      if (this.data.verifying) return;
      this.setData({ verifying: true });
      try {
        this.setData({ verified: fundsView.verifyView(await fundsApi.verifyFund(this.estateId)) });
      } catch (err) {
        showError(this, err);
      } finally {
        this.setData({ verifying: false });
      }
    },

    /** A building's row lists its movements alone; tapping it again lists them all. */
    onBuilding(event) {
      const picked = this.data.fund.buildings[event.currentTarget.dataset.index];
      const same = this.data.building && this.data.building.building_id === picked.building_id;
      this.setData({ building: same ? null : { building_id: picked.building_id, name: picked.name }, items: [], page: 0, finished: false });
      return this.reload();
    },

    onAllMovements() {
      this.setData({ building: null, items: [], page: 0, finished: false });
      return this.reload();
    },

    onProjects() {
      wx.navigateTo({ url: `/pages/repair-projects/index?estate_id=${this.estateId}` });
    },

    onProject(event) {
      const { id } = event.currentTarget.dataset;
      if (id) wx.navigateTo({ url: `/pages/repair-project/index?estate_id=${this.estateId}&id=${id}` });
    },
  },
});
