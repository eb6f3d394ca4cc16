const { myRoles } = require('../../utils/estates');
const pagedList = require('../../utils/paged-list');
const votesApi = require('../../utils/votes-api');
const votesView = require('../../utils/votes-view');
const { elderMode } = require('../../utils/elder');

// An estate's motions (业主表决), newest first, by status tab.
Component({
  behaviors: [elderMode, pagedList],

  data: { tabs: votesView.TABS, tab: 'all', canAnnounce: false },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.loadRoles();
      this.reload();
    },

    /**
     * Who sees 发起表决: the estate's committee members and chair, by the estate's my_roles, as
     * the notices page decides who may post. One rule, with or without motions: the list's
     * can_manage is no substitute, since supervisors (auditors, officers) have it too and may
     * not announce, and an estate without motions has no item to carry it. The community
     * organises only where there is no committee, which the app cannot see; it does so from
     * its own tools. Only hides the button: the server decides (403).
     */
    async loadRoles() {
      try {
        this.setData({ canAnnounce: votesView.canAnnounce(await myRoles(this.estateId)) });
      } catch (err) {
        // Silent: without the roles the button stays hidden, and the list reports its own errors.
      }
    },

    async fetchPage(paging) {
      const body = await votesApi.listMotions(this.estateId, { ...this.tabQuery(), ...paging });
      return { ...body, items: body.items.map((motion) => votesView.motionView(motion)) };
    },

    async fetchItem(id) {
      return votesView.motionView(await votesApi.getMotion(id));
    },

    onCompose() {
      this.composing = true;
      wx.navigateTo({ url: `/pages/motion-compose/index?estate_id=${this.estateId}` });
    },

    onOpen(event) {
      this.openedId = event.currentTarget.dataset.id;
      wx.navigateTo({ url: `/pages/motion/index?id=${this.openedId}` });
    },
  },
});
