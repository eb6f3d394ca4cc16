const pagedList = require('../../utils/paged-list');
const ticketsApi = require('../../utils/tickets-api');
const ticketPhotos = require('../../utils/tickets-photos');
const ticketsView = require('../../utils/tickets-view');
const { elderMode } = require('../../utils/elder');

// Two lists in one page: without estate_id, the tickets I reported or support; with it, all of
// that estate's tickets, by status tab.
Component({
  behaviors: [elderMode, pagedList],

  data: { estateMode: false, tabs: ticketsView.ESTATE_TABS, tab: 'all', covers: {} },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      const estateMode = Boolean(this.estateId);
      this.setData({ estateMode });
      wx.setNavigationBarTitle({ title: estateMode ? '随手拍公示' : '我的随手拍' });
      this.reload();
    },

    async fetchPage(paging) {
      let body;
      if (this.data.estateMode) {
        body = await ticketsApi.listEstate(this.estateId, { ...this.tabQuery(), ...paging });
      } else {
        body = await ticketsApi.listMine(paging);
      }
      this.loadCovers(body.items);
      return { ...body, items: body.items.map((ticket) => ticketsView.ticketView(ticket)) };
    },

    // Each row shows its first photo; those come with the token, so one download each.
    async loadCovers(items) {
      const photos = items.map((item) => item.cover_photo).filter(Boolean);
      const paths = await ticketPhotos.photoPaths(photos, 'thumb');
      const changes = {};
      Object.keys(paths).forEach((id) => (changes[`covers.${id}`] = paths[id]));
      if (Object.keys(changes).length) this.setData(changes);
    },

    async fetchItem(id) {
      return ticketsView.ticketView(await ticketsApi.getTicket(id));
    },

    onOpen(event) {
      this.openedId = event.currentTarget.dataset.id;
      wx.navigateTo({ url: `/pages/ticket/index?id=${this.openedId}` });
    },

    onReport() {
      this.composing = true;
      wx.navigateTo({ url: `/pages/ticket-report/index?estate_id=${this.estateId}` });
    },
  },
});
