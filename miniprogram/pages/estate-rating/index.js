const { showError, showFormError, toast } = require('../../utils/feedback');
const { formatTime } = require('../../utils/format');
const { appealView, getPublicRecord, listRatings, lodgeAppeal, starsText } = require('../../utils/public-record-api');
const { elderMode } = require('../../utils/elder');

const REASON_MAX = 1000;

/** The record's newest rating with its score sheet (from the ratings list) and texts. */
function ratingView(rating, sheets) {
  const sheet = sheets.find((r) => r.id === rating.id);
  const criteria = (sheet ? sheet.criteria : []).map((c) => ({
    ...c,
    pointsText: `${c.points === null ? '—' : c.points} / ${c.max_points}`,
  }));
  return {
    ...rating,
    starsText: starsText(rating.stars),
    criteria,
    deadlineText: formatTime(rating.appeal_deadline),
  };
}

// 星级评定: the estate's newest confirmed star rating with each criterion's points, the appeals
// lodged against it, and, for the committee or manager within the appeal window, the appeal form.
Component({
  behaviors: [elderMode],

  data: {
    state: 'loading', // 'loading' | 'ready' | 'failed'
    rating: null,
    appeals: [],
    canAppeal: false,
    appealing: false,
    reason: '',
    errors: {},
    sending: false,
    reasonMax: REASON_MAX,
  },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      return this.load();
    },

    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },

    async load() {
      try {
        const [sheet, record] = await Promise.all([listRatings(this.estateId), getPublicRecord(this.estateId)]);
        const newest = record.rating;
        this.setData({
          state: 'ready',
          rating: newest ? ratingView(newest, sheet.ratings) : null,
          appeals: newest ? newest.appeals.map(appealView) : [],
          canAppeal: Boolean(newest && newest.can_appeal),
        });
      } catch (err) {
        if (this.data.state !== 'ready') this.setData({ state: 'failed' });
        showError(this, err);
      }
    },

    onStartAppeal() {
      this.setData({ appealing: true, reason: '', errors: {} });
    },

    onBackFromAppeal() {
      this.setData({ appealing: false });
    },

    onReason(event) {
      this.setData({ reason: event.detail, 'errors.reason': '' });
    },

    async onConfirmAppeal() {
      const reason = this.data.reason.trim();
      if (!reason) {
        this.setData({ 'errors.reason': '请填写申诉理由' });
        return;
      }
      if (this.data.sending) return;
      this.setData({ sending: true });
      try {
        await lodgeAppeal(this.data.rating.id, reason);
        this.setData({ appealing: false });
        toast(this, '已提交申诉，等待县住建局处理');
        await this.load();
      } catch (err) {
        showFormError(this, err);
        // Lodged by someone else meanwhile, or the window closed: show the rating as it now is.
        if (err.status === 409 || err.status === 403) {
          this.setData({ appealing: false });
          await this.load();
        }
      } finally {
        this.setData({ sending: false });
      }
    },
  },
});
