const { myRoles } = require('../../utils/estates');
const { showError } = require('../../utils/feedback');
const { canPostNotices, getNotice, listNotices, noticeView } = require('../../utils/notices');
const pagedList = require('../../utils/paged-list');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode, pagedList],

  data: { canPost: false },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.loadRoles();
      this.reload();
    },

    async loadRoles() {
      try {
        this.setData({ canPost: canPostNotices(await myRoles(this.estateId)) });
      } catch (err) {
        showError(this, err);
      }
    },

    async fetchPage(paging) {
      const body = await listNotices(this.estateId, paging);
      return { ...body, items: body.items.map(noticeView) };
    },

    async fetchItem(id) {
      return noticeView(await getNotice(id));
    },

    onOpen(event) {
      this.openedId = event.currentTarget.dataset.id;
      wx.navigateTo({ url: `/pages/notice/index?id=${this.openedId}` });
    },

    onCompose() {
      this.composing = true;
      wx.navigateTo({ url: `/pages/notice-compose/index?estate_id=${this.estateId}` });
    },
  },
});
