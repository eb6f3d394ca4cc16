const pagedList = require('../../utils/paged-list');
const tickets = require('../../utils/tickets');

// The tickets the caller handles now, across estates, oldest deadline first.
Component({
  behaviors: [pagedList],

  data: { tabs: tickets.WORK_TABS, tab: tickets.WORK_TABS[0].key },

  methods: {
    onLoad(query) {
      if (tickets.WORK_TABS.some((t) => t.key === query.tab)) this.setData({ tab: query.tab });
      this.reload();
    },

    // Back from a ticket just handled: it may have left this tab, so list again.
    onShow() {
      const { opened } = this;
      this.opened = false;
      if (opened) this.reload();
    },

    onTab(event) {
      const { key } = event.currentTarget.dataset;
      if (key === this.data.tab) return;
      this.setData({ tab: key, items: [], page: 0, finished: false });
      this.reload();
    },

    async fetchPage(paging) {
      const tab = tickets.WORK_TABS.find((t) => t.key === this.data.tab);
      const body = await tickets.listWork({ ...tab.query, ...paging });
      return { ...body, items: body.items.map((ticket) => tickets.ticketView(ticket)) };
    },

    onOpen(event) {
      this.opened = true;
      wx.navigateTo({ url: `/pages/ticket/index?id=${event.currentTarget.dataset.id}` });
    },
  },
});
