// Status tabs over a list: tabs are {key, title}, active the key shown selected. Tapping another
// tab fires change with its key; tapping the selected one does nothing. Hand-made: van-tabs
// measures its layout with selector queries, which the page tests cannot run.
Component({
  properties: {
    tabs: Array,
    active: String,
  },

  methods: {
    onTap(event) {
      const { key } = event.currentTarget.dataset;
      if (key !== this.data.active) this.triggerEvent('change', key);
    },
  },
});
