const { request } = require('../../utils/api');
const { showError } = require('../../utils/feedback');

const PAGE_SIZE = 20;
// The directory (any estate, to join one) needs at least this many characters; without a
// search the page lists the estates I already belong to.
const DIRECTORY_MIN_CHARS = 2;

Component({
  data: { q: '', directory: false, items: [], page: 0, loading: false, finished: false },

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
      const { id, name } = event.currentTarget.dataset;
      // A directory result may be an estate I do not belong to yet: go straight to claiming.
      const url = this.data.directory
        ? `/pages/claim/index?estate_id=${id}&name=${encodeURIComponent(name)}`
        : `/pages/estate/index?id=${id}`;
      wx.navigateTo({ url });
    },

    search(q) {
      const trimmed = q.trim();
      const directory = trimmed.length >= DIRECTORY_MIN_CHARS;
      this.setData({ q: trimmed, directory, items: [], page: 0, finished: false });
      return this.loadPage(1);
    },

    async loadPage(page) {
      const ticket = (this.ticket || 0) + 1; // a newer search makes older answers stale
      this.ticket = ticket;
      this.setData({ loading: true });
      try {
        const { q, directory } = this.data;
        const data = directory ? { q, page, page_size: PAGE_SIZE } : { page, page_size: PAGE_SIZE };
        const path = directory ? '/api/v1/directory/estates' : '/api/v1/estates';
        const body = await request({ path, data });
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
