const { showError, showFormError, toast, toastSuccess } = require('../../utils/feedback');
const clock = require('../../utils/clock');
const buildingChoice = require('../../utils/building-choice');
const votesApi = require('../../utils/votes-api');
const votesForm = require('../../utils/votes-form');
const { elderMode } = require('../../utils/elder');

const WAITING = '等待上传';
const IMAGE_NAME = /\.(jpe?g|png)$/i;
// Art. 278 (5): using the fund is decided by the owners of the buildings that bear the cost, so
// that matter may be put to some buildings only.
const SCOPED_MATTER = 'use_maintenance_fund';

/** The form's four picked parts, and the ISO times the API takes from them. */
function timesData({ opensDate, opensTime, closesDate, closesTime }) {
  return {
    opensDate,
    opensTime,
    closesDate,
    closesTime,
    opensAt: clock.isoAt(opensDate, opensTime),
    closesAt: clock.isoAt(closesDate, closesTime),
  };
}

// The committee announces a motion (业主表决): matter, text, documents and the voting period.
Component({
  behaviors: [elderMode, buildingChoice],
  data: {
    matters: votesForm.MATTERS,
    matterColumns: votesForm.MATTERS.map((m) => m.label),
    matter: '',
    matterLabel: '',
    thresholdText: '',
    // The building scope of a use of the fund: picked building ids (strings, as van-checkbox
    // hands them back); none picked means the whole estate votes.
    buildings: [],
    buildingIds: [],
    buildingsState: '',
    showMatters: false,
    title: '',
    body: '',
    opensDate: '',
    opensTime: '',
    closesDate: '',
    closesTime: '',
    opensAt: '',
    closesAt: '',
    pickingDate: '',
    pickingTime: '',
    dateValue: 0,
    dateMin: 0,
    timeValue: '09:00',
    uploads: [],
    uploadsBusy: false,
    errors: {},
    confirming: false,
    submitting: false,
    titleMax: votesForm.TITLE_MAX,
    bodyMax: votesForm.BODY_MAX,
    maxAttachments: votesForm.MAX_ATTACHMENTS,
    extensions: votesForm.ATTACHMENT_EXTENSIONS,
    noticeDays: votesForm.NOTICE_DAYS,
    maxVotingDays: votesForm.MAX_VOTING_DAYS,
    confirmText: '公告后将推送到小区群，投票开始前可以取消',
  },

  methods: {
    onLoad(query) {
      this.estateId = Number(query.estate_id);
      // Until the organiser picks a closing of their own, it follows the opening a week later.
      this.closesChosen = false;
      this.setData(timesData(votesForm.defaultTimes(Date.now())));
      // From a repair project: the fund's matter, scoped to the buildings bearing its cost.
      const preset = votesForm.MATTERS.findIndex(({ code }) => code === query.matter);
      if (preset >= 0) this.onPickMatter({ detail: { index: preset } });
      if (query.building_ids) this.setData({ buildingIds: String(query.building_ids).split(',').filter(Boolean) });
    },

    // ---- Matter, title and text ----

    onOpenMatters() {
      this.setData({ showMatters: true });
    },

    onCloseMatters() {
      this.setData({ showMatters: false });
    },

    onPickMatter(event) {
      const { code, label, thresholdText } = votesForm.MATTERS[event.detail.index];
      this.setData({ matter: code, matterLabel: label, thresholdText, showMatters: false, 'errors.matter': '' });
      if (code === SCOPED_MATTER && !this.data.buildingsState) this.loadBuildings();
    },

    onBuildings(event) {
      this.setData({ buildingIds: event.detail, 'errors.building_ids': '' });
    },

    onTitle(event) {
      this.setData({ title: event.detail, 'errors.title': '' });
    },

    onBody(event) {
      this.setData({ body: event.detail, 'errors.body': '' });
    },

    // ---- Voting period: a date picker and a time picker, each for the opening or the closing ----

    onOpenDate(event) {
      const { target } = event.currentTarget.dataset;
      const { opensDate } = this.data;
      // Days before the notice period ends, or a closing before the opening, are never valid.
      const min = target === 'opens' ? clock.shanghaiClock(votesForm.earliestOpening()).date : opensDate;
      this.setData({
        pickingDate: target,
        dateMin: clock.pickerDate(min),
        dateValue: clock.pickerDate(this.data[`${target}Date`]),
      });
    },

    onOpenTime(event) {
      const { target } = event.currentTarget.dataset;
      this.setData({ pickingTime: target, timeValue: this.data[`${target}Time`] });
    },

    onClosePickers() {
      this.setData({ pickingDate: '', pickingTime: '' });
    },

    onPickDate(event) {
      const target = this.data.pickingDate;
      this.setTime(target, { [`${target}Date`]: clock.pickedDate(event.detail) });
    },

    onPickTime(event) {
      const target = this.data.pickingTime;
      this.setTime(target, { [`${target}Time`]: event.detail });
    },

    setTime(target, change) {
      if (target === 'closes') this.closesChosen = true;
      const times = { ...this.data, ...change };
      const follow = target === 'opens' && !this.closesChosen;
      const next = follow ? { ...times, ...votesForm.closingAfter(times.opensDate, times.opensTime) } : times;
      this.setData({
        ...timesData(next),
        pickingDate: '',
        pickingTime: '',
        'errors.opens_at': '',
        'errors.closes_at': '',
      });
    },

    // ---- Documents: each uploads at once, one at a time; a refused one is dropped ----

    onFilesRead(event) {
      const room = votesForm.MAX_ATTACHMENTS - this.data.uploads.length;
      const files = [].concat(event.detail.file);
      if (files.length > room) toast(this, `最多上传${votesForm.MAX_ATTACHMENTS}个附件`);
      const added = files.slice(0, Math.max(room, 0)).map((file) => {
        this.uploadKey = (this.uploadKey || 0) + 1;
        const name = file.name || '';
        return {
          key: this.uploadKey,
          url: file.url,
          name,
          isImage: IMAGE_NAME.test(name),
          status: 'uploading',
          message: WAITING,
          id: null,
        };
      });
      if (!added.length) return Promise.resolve();
      this.setUploads(this.data.uploads.concat(added));
      this.setData({ 'errors.attachment_ids': '' });
      // One upload at a time: on a phone's uplink, parallel ones only finish later together.
      added.forEach(({ key }) => {
        this.uploadChain = (this.uploadChain || Promise.resolve()).then(() => this.uploadOne(key));
      });
      return this.uploadChain;
    },

    onFileDelete(event) {
      const { key } = this.data.uploads[event.detail.index] || {};
      this.setUploads(this.data.uploads.filter((upload) => upload.key !== key));
    },

    async uploadOne(key) {
      const upload = this.data.uploads.find((item) => item.key === key);
      if (!upload) return; // removed before its turn
      this.updateUpload(key, { message: '0%' });
      try {
        const onProgress = (progress) => this.updateUpload(key, { message: `${progress}%` });
        const attachment = await votesApi.uploadAttachment(this.estateId, upload.url, upload.name, onProgress);
        this.updateUpload(key, { id: attachment.id, status: 'done', message: '' });
      } catch (err) {
        const removed = !this.data.uploads.some((item) => item.key === key);
        this.setUploads(this.data.uploads.filter((item) => item.key !== key));
        if (!removed) showError(this, err);
      }
    },

    // A document removed meanwhile is not in the list any more, so its late progress changes nothing.
    updateUpload(key, changes) {
      this.setUploads(this.data.uploads.map((item) => (item.key === key ? { ...item, ...changes } : item)));
    },

    setUploads(uploads) {
      this.setData({ uploads, uploadsBusy: uploads.some((item) => item.status === 'uploading') });
    },

    // ---- Announcing: checked here, confirmed, then sent; the server checks again ----

    onSubmit() {
      if (this.data.submitting) return;
      const { matter, title, body, opensAt, closesAt } = this.data;
      const errors = votesForm.motionErrors({ matter, title, body, opensAt, closesAt }, Date.now());
      this.setData({ errors });
      if (Object.keys(errors).length) {
        toast(this, '请按提示修改后再公告');
        return;
      }
      if (this.data.uploadsBusy) {
        toast(this, '附件还在上传，请稍候');
        return;
      }
      this.setData({ confirming: true });
    },

    onCancelConfirm() {
      this.setData({ confirming: false });
    },

    onConfirm() {
      this.setData({ confirming: false });
      return this.announce();
    },

    async announce() {
      if (this.data.submitting) return;
      this.setData({ submitting: true });
      const { matter, title, body, opensAt, closesAt, uploads } = this.data;
      // The text is sent as typed: its leading full-width spaces are paragraph indents.
      const data = {
        matter,
        title: title.trim(),
        body,
        opens_at: opensAt,
        closes_at: closesAt,
        attachment_ids: uploads.filter((upload) => upload.status === 'done').map((upload) => upload.id),
      };
      if (matter === SCOPED_MATTER && this.data.buildingIds.length) data.building_ids = this.data.buildingIds.map(Number);
      try {
        const motion = await votesApi.createMotion(this.estateId, data);
        toastSuccess('已公告');
        // Stay "submitting" while the page is replaced, so a late tap cannot announce again.
        wx.redirectTo({ url: `/pages/motion/index?id=${motion.id}` });
      } catch (err) {
        showFormError(this, err);
        this.setData({ submitting: false });
      }
    },
  },
});
