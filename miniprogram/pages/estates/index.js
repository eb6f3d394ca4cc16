const { request } = require('../../utils/api');
const { showError } = require('../../utils/feedback');

const PAGE_SIZE = 20;

Component({
  data: { q: '', items: [], page: 0, loading: false, finished: false },

  methods: {
    onLoad() {
      this.search('');
    },

    onReachBottom() {
      if (!this.data.loading && !this.data.finished) this.loadPage(this.data.page + 1);
    },

    onChange(event) {
      this.setData({ q: event.detail });
    },

    onSearch(event) {
      this.search(event.detail);
    },

    onClear() {
      this.search('');
    },

    onOpen(event) {
      wx.navigateTo({ url: `/pages/estate/index?id=${event.currentTarget.dataset.id}` });
    },

    search(q) {
      this.setData({ q: q.trim(), items: [], page: 0, finished: false });
      return this.loadPage(1);
    },

    async loadPage(page) {
      const ticket = (this.ticket || 0) + 1; // a newer search makes older answers stale
      this.ticket = ticket;
      this.setData({ loading: true });
      try {
        const data = { q: this.data.q, page, page_size: PAGE_SIZE };
        const body = await request({ path: '/api/v1/estates', data });
        if (ticket !== this.ticket) return;
        const items = this.data.items.concat(body.items);
        this.setData({ items, page, finished: items.length >= body.total || !body.items.length });
      } catch (err) {
        if (ticket === this.ticket) showError(this, err);
      } finally {
        if (ticket === this.ticket) this.setData({ loading: false });
      }
    },
  },
});
