// What a list filled by utils/paged-list.js shows under its items: the empty state once a load
// found nothing, and the footer that says a page is loading or that there is no more. The page
// renders the items itself and passes the behavior's loading, finished and items.length.
Component({
  properties: {
    loading: Boolean,
    finished: Boolean,
    count: Number,
    emptyText: String,
  },
});
