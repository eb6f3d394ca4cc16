// A keypad for an amount in yuan: digits, one point, delete and 完成. It keeps no amount of its
// own: the page holds the typed text (value) and turns it into fen with utils/money-input.
// With `replace`, the first digit or point starts a new amount instead of extending the shown one
// (an entry's stored "1280.50" takes no third decimal). Events: change (detail: the text), done.
const { pressKey } = require('../../utils/money-input');

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '0', 'delete'];

Component({
  properties: {
    value: String,
    error: String,
    replace: Boolean,
  },

  data: { keys: KEYS },

  methods: {
    onKey(event) {
      const { key } = event.currentTarget.dataset;
      const from = this.data.replace && key !== 'delete' ? '' : this.data.value;
      const next = pressKey(from, key);
      if (next !== this.data.value) this.triggerEvent('change', next);
    },

    onDone() {
      this.triggerEvent('done');
    },
  },
});
