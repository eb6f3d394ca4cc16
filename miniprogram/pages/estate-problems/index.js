const pagedList = require('../../utils/paged-list');
const { PROBLEM_TABS, fetchPhotos, listProblems, problemView } = require('../../utils/public-record-api');
const { elderMode } = require('../../utils/elder');

// 问题清单: the estate's problems (十件实事) by status tab, each closed-out one with the photos
// of the fix, which open full screen when tapped.
Component({
  behaviors: [elderMode, pagedList],

  data: { tabs: PROBLEM_TABS, tab: 'all', photos: {} },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.reload();
    },

    async fetchPage(paging) {
      const body = await listProblems(this.estateId, { ...this.tabQuery(), ...paging });
      this.loadPhotos(body.items);
      return { ...body, items: body.items.map(problemView) };
    },

    // Photos come with the token, so each is downloaded before it can show.
    async loadPhotos(items) {
      const urls = items.flatMap((item) => item.photo_urls);
      if (!urls.length) return;
      const paths = await fetchPhotos(urls);
      const photos = { ...this.data.photos };
      Object.keys(paths).forEach((url) => (photos[url] = paths[url]));
      this.setData({ photos });
    },

    onPhoto(event) {
      const { problem, index } = event.currentTarget.dataset;
      const item = this.data.items.find((p) => p.id === problem);
      const urls = item.photo_urls.map((url) => this.data.photos[url]).filter(Boolean);
      const current = this.data.photos[item.photo_urls[index]];
      if (current) wx.previewImage({ urls, current });
    },
  },
});
