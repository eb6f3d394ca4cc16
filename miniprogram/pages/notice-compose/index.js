const { shanghaiClock } = require('../../utils/clock');
const { getEstate } = require('../../utils/estates');
const { showError, showFormError, toast, toastSuccess } = require('../../utils/feedback');
const { formatSize } = require('../../utils/format');
const { audienceTabs, createNotice, listAudiences, reachText, uploadAttachment } = require('../../utils/notices');
const { NOTICE_TITLE_MAX, NOTICE_BODY_MAX, noticeErrors } = require('../../utils/validate');
const { elderMode } = require('../../utils/elder');

const MAX_ATTACHMENTS = 9;
const FILE_EXTENSIONS = ['pdf', 'docx', 'xlsx', 'jpg', 'jpeg', 'png'];
// A county has a few hundred estates at most: one page of the API's largest holds a kind.
const AUDIENCE_PAGE_SIZE = 200;

const extensionOf = (path) => (String(path).match(/\.([a-z0-9]+)$/i) || [])[1] || 'jpg';

// Compose a notice: its audience (the estate it was opened from, or any place of the author's
// scope: a community, a township, the county), its text, and files picked from a chat or
// photos from the camera or album, each uploaded at once.
Component({
  behaviors: [elderMode],

  data: {
    title: '',
    body: '',
    pinned: false,
    errors: {},
    submitting: false,
    titleMax: NOTICE_TITLE_MAX,
    bodyMax: NOTICE_BODY_MAX,
    audience: null,
    reachText: '',
    tabs: [],
    choosing: false,
    kind: 'estate',
    q: '',
    places: [],
    placesState: 'idle', // 'loading' | 'ready' | 'failed'
    files: [],
    uploading: false,
    maxFiles: MAX_ATTACHMENTS,
  },

  methods: {
    async onLoad(query) {
      this.estateId = Number(query.estate_id);
      // One token per notice being written: resending after a lost answer cannot post twice.
      this.clientToken = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
      this.setAudience({ kind: 'estate', id: this.estateId, label: '本小区', estate_count: 1 });
      try {
        const estate = await getEstate(this.estateId);
        this.setData({ tabs: audienceTabs(estate.my_roles) });
        if (this.data.audience.id === this.estateId && this.data.audience.kind === 'estate') {
          this.setAudience({ kind: 'estate', id: estate.id, label: estate.name, estate_count: 1 });
        }
      } catch (err) {
        showError(this, err);
      }
    },

    setAudience(audience) {
      this.setData({ audience, reachText: reachText(audience), 'errors.audience_id': '' });
    },

    onTitle(event) {
      this.setData({ title: event.detail, 'errors.title': '' });
    },

    onBody(event) {
      this.setData({ body: event.detail, 'errors.body': '' });
    },

    onPinned(event) {
      this.setData({ pinned: event.detail, 'errors.pinned': '' });
    },

    // ---- The audience chooser: a kind tab, then a place of that kind ----

    onChooseAudience() {
      if (this.data.tabs.length === 0) return undefined;
      this.setData({ choosing: true, q: '' });
      return this.loadPlaces(this.data.audience.kind);
    },

    onCloseChooser() {
      this.setData({ choosing: false });
    },

    onKind(event) {
      this.setData({ q: '' });
      return this.loadPlaces(event.detail);
    },

    onSearchChange(event) {
      this.setData({ q: event.detail });
    },

    onSearch(event) {
      this.setData({ q: event.detail.trim() });
      return this.loadPlaces(this.data.kind);
    },

    async loadPlaces(kind) {
      const ticket = (this.placesTicket || 0) + 1; // a newer tab or search wins
      this.placesTicket = ticket;
      this.setData({ kind, places: [], placesState: 'loading' });
      try {
        const query = { kind, page: 1, page_size: AUDIENCE_PAGE_SIZE };
        if (this.data.q) query.q = this.data.q;
        const body = await listAudiences(query);
        if (ticket !== this.placesTicket) return;
        this.setData({ places: body.items, placesState: 'ready' });
      } catch (err) {
        if (ticket !== this.placesTicket) return;
        this.setData({ placesState: 'failed' });
        showError(this, err);
      }
    },

    onPickPlace(event) {
      const place = this.data.places[event.currentTarget.dataset.index];
      this.setAudience(place);
      this.setData({ choosing: false });
    },

    // ---- Attachments: uploaded one at a time as they are picked; a refused one is dropped ----

    onPickFiles() {
      const count = MAX_ATTACHMENTS - this.data.files.length;
      if (count <= 0) return toast(this, `最多上传${MAX_ATTACHMENTS}个附件`);
      return new Promise((resolve) => {
        wx.chooseMessageFile({
          count,
          type: 'file',
          extension: FILE_EXTENSIONS,
          success: (res) => resolve(this.addFiles(res.tempFiles.map((f) => ({ path: f.path, name: f.name, size: f.size })))),
          fail: () => resolve(),
        });
      });
    },

    onPickPhotos() {
      const count = MAX_ATTACHMENTS - this.data.files.length;
      if (count <= 0) return toast(this, `最多上传${MAX_ATTACHMENTS}个附件`);
      return new Promise((resolve) => {
        wx.chooseMedia({
          count,
          mediaType: ['image'],
          sourceType: ['album', 'camera'],
          success: (res) => {
            // A photo has no name of its own: named by when it was picked, as people read it.
            const { date, time } = shanghaiClock(Date.now());
            const stamp = `${date.replace(/-/g, '')}-${time.replace(':', '')}`;
            const picked = res.tempFiles.map((f, i) => ({
              path: f.tempFilePath,
              name: `照片${stamp}-${i + 1}.${extensionOf(f.tempFilePath).toLowerCase()}`,
              size: f.size,
            }));
            resolve(this.addFiles(picked));
          },
          fail: () => resolve(),
        });
      });
    },

    addFiles(picked) {
      const added = picked.slice(0, MAX_ATTACHMENTS - this.data.files.length).map((file) => {
        this.fileKey = (this.fileKey || 0) + 1;
        return { ...file, key: this.fileKey, id: null, status: 'uploading', statusText: '等待上传', sizeText: formatSize(file.size) };
      });
      this.setFiles(this.data.files.concat(added));
      this.setData({ 'errors.attachment_ids': '' });
      added.forEach(({ key }) => {
        this.uploadChain = (this.uploadChain || Promise.resolve()).then(() => this.uploadOne(key));
      });
      return this.uploadChain;
    },

    async uploadOne(key) {
      const file = this.data.files.find((f) => f.key === key);
      if (!file) return; // removed before its turn
      try {
        const onProgress = (progress) => this.updateFile(key, { statusText: `${progress}%` });
        const stored = await uploadAttachment(file.path, file.name, onProgress);
        this.updateFile(key, { id: stored.id, status: 'done', statusText: '' });
      } catch (err) {
        const removed = !this.data.files.some((f) => f.key === key);
        this.setFiles(this.data.files.filter((f) => f.key !== key));
        if (!removed) showError(this, err);
      }
    },

    onRemoveFile(event) {
      const { key } = event.currentTarget.dataset;
      this.setFiles(this.data.files.filter((f) => f.key !== key));
    },

    updateFile(key, changes) {
      this.setFiles(this.data.files.map((f) => (f.key === key ? { ...f, ...changes } : f)));
    },

    setFiles(files) {
      this.setData({ files, uploading: files.some((f) => f.status === 'uploading') });
    },

    // ---- Posting ----

    async onSubmit() {
      if (this.data.submitting) return;
      const { title, body, pinned, audience, files } = this.data;
      const errors = noticeErrors({ title, body });
      this.setData({ errors });
      if (Object.keys(errors).length) return;
      if (this.data.uploading) {
        toast(this, '附件还在上传，请稍候');
        return;
      }

      this.setData({ submitting: true });
      try {
        // The body is sent as typed: its leading full-width spaces are paragraph indents.
        const data = {
          audience_kind: audience.kind,
          audience_id: audience.id,
          title: title.trim(),
          body,
          pinned,
          attachment_ids: files.filter((f) => f.status === 'done').map((f) => f.id),
          client_token: this.clientToken,
        };
        const notice = await createNotice(data);
        toastSuccess('已发布');
        // Stay "submitting" while the page is replaced, so a late tap cannot post again.
        wx.redirectTo({ url: `/pages/notice/index?id=${notice.id}` });
      } catch (err) {
        showFormError(this, err);
        this.setData({ submitting: false });
      }
    },
  },
});
