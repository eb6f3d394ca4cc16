const { myRoles } = require('../../utils/estates');
const fundsApi = require('../../utils/funds-api');
const fundsView = require('../../utils/funds-view');
const pagedList = require('../../utils/paged-list');
const { elderMode } = require('../../utils/elder');

// An estate's repair projects (维修项目), newest first, by stage tab; the committee starts new ones.
Component({
  behaviors: [elderMode, pagedList],

  data: { tabs: fundsView.TABS, tab: 'all', canCompose: false },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.loadRoles();
      return this.reload();
    },

    /** Who sees 新建维修项目: the estate's committee. Only hides the button: the server decides (403). */
    async loadRoles() {
      try {
        this.setData({ canCompose: fundsView.isCommittee(await myRoles(this.estateId)) });
      } catch (err) {
        // Silent: without the roles the button stays hidden, and the list reports its own errors.
      }
    },

    async fetchPage(paging) {
      const body = await fundsApi.listProjects(this.estateId, { ...this.tabQuery(), ...paging });
      return { ...body, items: body.items.map(fundsView.projectSummaryView) };
    },

    async fetchItem(id) {
      return fundsView.projectSummaryView(await fundsApi.getProject(this.estateId, id));
    },

    onCompose() {
      this.composing = true;
      wx.navigateTo({ url: `/pages/repair-project-compose/index?estate_id=${this.estateId}` });
    },

    onOpen(event) {
      this.openedId = event.currentTarget.dataset.id;
      wx.navigateTo({ url: `/pages/repair-project/index?estate_id=${this.estateId}&id=${this.openedId}` });
    },
  },
});
