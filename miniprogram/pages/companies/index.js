const pagedList = require('../../utils/paged-list');
const { listCompanies } = require('../../utils/public-record-api');
const { elderMode } = require('../../utils/elder');

// 物业企业信用: every property company of my county with its credit score, searchable by name,
// each opening its credit page (企业信用公示), for owners choosing a company.
Component({
  behaviors: [elderMode, pagedList],

  data: { q: '' },

  methods: {
    onLoad() {
      this.reload();
    },

    onChange(event) {
      this.setData({ q: event.detail });
    },

    onSearch(event) {
      return this.search(event.detail);
    },

    onClear() {
      return this.search('');
    },

    search(q) {
      this.setData({ q: q.trim(), items: [], page: 0, finished: false });
      return this.reload();
    },

    async fetchPage(paging) {
      const { q } = this.data;
      const body = await listCompanies(q ? { q, ...paging } : paging);
      return {
        ...body,
        items: body.items.map((c) => ({
          ...c,
          penaltyText: c.penalty_count ? `惩戒记录 ${c.penalty_count} 条` : '无惩戒记录',
          scoreClass: c.score < 80 ? 'score--low' : '',
        })),
      };
    },

    onOpen(event) {
      wx.navigateTo({ url: `/pages/company-credit/index?id=${event.currentTarget.dataset.id}` });
    },
  },
});
