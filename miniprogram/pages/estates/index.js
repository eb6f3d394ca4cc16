const { listMyEstates, searchDirectory } = require('../../utils/estates');
const pagedList = require('../../utils/paged-list');
const { elderMode } = require('../../utils/elder');
const { showError } = require('../../utils/feedback');
const plainHome = require('../../utils/plain-home');

// The directory (any estate, to join one) needs at least this many characters; without a
// search the page lists the estates I already belong to.
const DIRECTORY_MIN_CHARS = 2;

Component({
  behaviors: [elderMode, pagedList],

  // plain: 长辈模式's home, {estates, estate, actions} for an owner with a verified unit; null
  // shows the list (everyone else, and the normal mode).
  data: { q: '', directory: false, plain: null, actions: plainHome.ACTIONS },

  // Shown again with the mode on (back from 我的, or from a claim just verified): the plain
  // home is read anew, as the owner's estates may have changed meanwhile. A switch of the mode
  // while away is the behaviour's (elderChanged), which runs first.
  pageLifetimes: {
    hide() {
      this.elderWhenHidden = this.data.elder;
    },
    show() {
      if (this.elderWhenHidden && this.data.elder) this.loadPlainHome();
    },
  },

  methods: {
    onLoad() {
      this.search('');
      if (this.data.elder) this.loadPlainHome();
    },

    elderChanged(elder) {
      if (elder) this.loadPlainHome();
      else this.setData({ plain: null });
    },

    async loadPlainHome() {
      try {
        const estates = await plainHome.loadOwnerEstates();
        if (!this.data.elder) return;
        const current = this.data.plain && estates.find((e) => e.id === this.data.plain.estate.id);
        const plain = estates.length ? { estates, estate: current || estates[0] } : null;
        if (plain || this.data.plain) this.setData({ plain });
      } catch (err) {
        showError(this, err);
      }
    },

    // An owner of several estates picks one with a single tap; the actions then go there.
    onPickEstate(event) {
      const estate = this.data.plain.estates.find((e) => e.id === event.currentTarget.dataset.id);
      if (estate) this.setData({ 'plain.estate': estate });
    },

    onAction(event) {
      wx.navigateTo({ url: plainHome.actionUrl(event.currentTarget.dataset.key, this.data.plain.estate) });
    },

    onEstateDetail() {
      wx.navigateTo({ url: `/pages/estate/index?id=${this.data.plain.estate.id}` });
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
