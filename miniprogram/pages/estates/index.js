const { listMyEstates, searchDirectory } = require('../../utils/estates');
const pagedList = require('../../utils/paged-list');

// The directory (any estate, to join one) needs at least this many characters; without a
// search the page lists the estates I already belong to.
const DIRECTORY_MIN_CHARS = 2;

Component({
  behaviors: [pagedList],

  data: { q: '', directory: false },

  methods: {
    onLoad() {
      this.search('');
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
      return this.reload();
    },

    fetchPage(paging) {
      const { q, directory } = this.data;
      if (directory) return searchDirectory({ q, ...paging });
      return listMyEstates(paging);
    },
  },
});
