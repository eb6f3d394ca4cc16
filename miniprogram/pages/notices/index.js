const { request } = require('../../utils/api');
const { showError } = require('../../utils/feedback');
const { canPostNotices, noticeView } = require('../../utils/notices');
const pagedList = require('../../utils/paged-list');

Component({
  behaviors: [pagedList],

  data: { canPost: false },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.loadRoles();
      this.reload();
    },

    async loadRoles() {
      try {
        const estate = await request({ path: `/api/v1/estates/${this.estateId}` });
        this.setData({ canPost: canPostNotices(estate.my_roles) });
      } catch (err) {
        showError(this, err);
      }
    },

    async fetchPage(paging) {
      const body = await request({ path: `/api/v1/estates/${this.estateId}/notices`, data: paging });
      return { ...body, items: body.items.map(noticeView) };
    },

    async refreshItem(id) {
      try {
        const notice = await request({ path: `/api/v1/notices/${id}` });
        const index = this.data.items.findIndex((item) => item.id === notice.id);
        if (index >= 0) this.setData({ [`items[${index}]`]: noticeView(notice) });
      } catch (err) {
        showError(this, err);
      }
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
