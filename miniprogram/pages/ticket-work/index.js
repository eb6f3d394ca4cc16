const pagedList = require('../../utils/paged-list');
const ticketsApi = require('../../utils/tickets-api');
const ticketsView = require('../../utils/tickets-view');
const { elderMode } = require('../../utils/elder');

// The tickets the caller handles now, across estates, oldest deadline first.
Component({
  behaviors: [elderMode, pagedList],

  data: { tabs: ticketsView.WORK_TABS, tab: ticketsView.WORK_TABS[0].key },

  methods: {
    onLoad(query) {
      if (ticketsView.WORK_TABS.some((t) => t.key === query.tab)) this.setData({ tab: query.tab });
      this.reload();
    },

    // Back from a ticket just handled: it may have left this tab, so list again.
    onShow() {
      const { opened } = this;
      this.opened = false;
      if (opened) this.reload();
    },

    async fetchPage(paging) {
      const body = await ticketsApi.listWork({ ...this.tabQuery(), ...paging });
      return { ...body, items: body.items.map((ticket) => ticketsView.ticketView(ticket)) };
    },

    onOpen(event) {
      this.opened = true;
      wx.navigateTo({ url: `/pages/ticket/index?id=${event.currentTarget.dataset.id}` });
    },
  },
});
