// Behavior of pages that list a server collection 20 at a time: page 1 replaces the items,
// reaching the bottom appends the next page, and answers to a superseded load are dropped.
// The page supplies fetchPage({page, page_size}), resolving to {items, total}. A list filtered
// by status tabs keeps data.tabs ({key, title, query}) and data.tab, and binds <status-tabs>'s
// change to onTab.
const { showError } = require('./feedback');

const PAGE_SIZE = 20;

module.exports = Behavior({
  data: { items: [], page: 0, loading: false, finished: false },

  methods: {
    // Back from a page the list opened: after composing (this.composing), the new item belongs
    // at the top, so page 1 again; after opening an item (this.openedId), it may have changed,
    // so only that one is refreshed (the page's fetchItem) and the scroll stays.
    onShow() {
      const { openedId, composing } = this;
      this.openedId = null;
      this.composing = false;
      if (composing) this.reload();
      else if (openedId && this.fetchItem) this.refreshItem(openedId);
    },

    async onPullDownRefresh() {
      await this.reload();
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      if (!this.data.loading && !this.data.finished) this.loadPage(this.data.page + 1);
    },

    /** Another status tab: the list starts again from its page 1. */
    onTab(event) {
      this.setData({ tab: event.detail, items: [], page: 0, finished: false });
      this.reload();
    },

    /** The selected tab's filter, to send with the paging. */
    tabQuery() {
      return this.data.tabs.find((t) => t.key === this.data.tab).query;
    },

    /** Puts the page's fetchItem(id), the item's fresh view, in its place in the list. */
    async refreshItem(id) {
      try {
        const item = await this.fetchItem(id);
        const index = this.data.items.findIndex((listed) => listed.id === item.id);
        if (index >= 0) this.setData({ [`items[${index}]`]: item });
      } catch (err) {
        showError(this, err);
      }
    },

    /** Loads page 1 again; the current items stay on screen until it arrives. */
    reload() {
      return this.loadPage(1);
    },

    async loadPage(page) {
      const ticket = (this.ticket || 0) + 1; // a newer load makes older answers stale
      this.ticket = ticket;
      this.setData({ loading: true });
      try {
        const body = await this.fetchPage({ page, page_size: PAGE_SIZE });
        if (ticket !== this.ticket) return;
        const items = (page === 1 ? [] : this.data.items).concat(body.items);
        this.setData({ items, page, finished: items.length >= body.total || !body.items.length });
      } catch (err) {
        if (ticket === this.ticket) showError(this, err);
      } finally {
        if (ticket === this.ticket) this.setData({ loading: false });
      }
    },
  },
});
