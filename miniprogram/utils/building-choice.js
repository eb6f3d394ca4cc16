// Behavior of a form that picks buildings of the page's estate (this.estateId): loadBuildings()
// fills data.buildings and moves data.buildingsState to 'loading', then 'ready' or 'failed'
// (with the error shown and onRetryBuildings to try again).
const { listBuildings } = require('./estates');
const { showError } = require('./feedback');

module.exports = Behavior({
  methods: {
    async loadBuildings() {
      this.setData({ buildingsState: 'loading' });
      try {
        const body = await listBuildings(this.estateId);
        this.setData({ buildings: body.items, buildingsState: 'ready' });
      } catch (err) {
        this.setData({ buildingsState: 'failed' });
        showError(this, err);
      }
    },

    onRetryBuildings() {
      return this.loadBuildings();
    },
  },
});
