const { openFileFor } = require('../../utils/files');
const pagedList = require('../../utils/paged-list');
const { decisionView, listDecisions } = require('../../utils/public-record-api');
const { elderMode } = require('../../utils/elder');

// 联席会议决议: what the community's joint meetings (四方联席会议) decided about this estate,
// newest meeting first, with who carries each out, by when, and the minutes to open.
Component({
  behaviors: [elderMode, pagedList],

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.reload();
    },

    async fetchPage(paging) {
      const body = await listDecisions(this.estateId, paging);
      return { ...body, items: body.items.map(decisionView) };
    },

    onMinutes(event) {
      const { decision, index } = event.currentTarget.dataset;
      const item = this.data.items.find((d) => d.id === decision);
      return openFileFor(this, item.minutes[index]);
    },
  },
});
