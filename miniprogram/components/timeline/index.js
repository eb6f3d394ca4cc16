// A history drawn oldest first down a line, the latest dot blue: each event's kind, who, when,
// an escalation, a note and photo thumbnails. events are utils/tickets-view.js eventView()s;
// thumbs maps a photo id to its downloaded thumbnail. Tapping a photo fires preview with
// detail {event, index}: the event's place in events and the photo's in its photos.
Component({
  properties: {
    events: Array,
    thumbs: Object,
  },

  methods: {
    onPhoto(event) {
      const { event: eventIndex, index } = event.currentTarget.dataset;
      this.triggerEvent('preview', { event: eventIndex, index });
    },
  },
});
