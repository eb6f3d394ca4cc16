// Behavior of forms that attach ticket photos through <van-uploader>: chosen photos upload at
// once, one at a time, each showing its progress; a refused one is dropped with the server's
// message. The page sets this.photoEstateId before the first photo is chosen, binds
// after-read to onPhotosRead and delete to onPhotoDelete, and sends photoIds().
const { showError, toast } = require('./feedback');
const { MAX_PHOTOS } = require('./tickets-form');
const { uploadPhoto } = require('./tickets-photos');

const WAITING = '等待上传';

module.exports = Behavior({
  data: { uploads: [], uploadsBusy: false, maxPhotos: MAX_PHOTOS },

  methods: {
    onPhotosRead(event) {
      const room = MAX_PHOTOS - this.data.uploads.length;
      const files = [].concat(event.detail.file);
      if (files.length > room) toast(this, `最多上传${MAX_PHOTOS}张照片`);
      const added = files.slice(0, Math.max(room, 0)).map((file) => {
        this.uploadKey = (this.uploadKey || 0) + 1;
        const url = file.url || file.tempFilePath;
        return { key: this.uploadKey, url, isImage: true, status: 'uploading', message: WAITING, id: null };
      });
      if (!added.length) return Promise.resolve();
      this.setUploads(this.data.uploads.concat(added));
      // One upload at a time: on a phone's uplink, parallel ones only finish later together.
      added.forEach(({ key }) => {
        this.uploadChain = (this.uploadChain || Promise.resolve()).then(() => this.uploadOne(key));
      });
      return this.uploadChain;
    },

    onPhotoDelete(event) {
      const { key } = this.data.uploads[event.detail.index] || {};
      this.setUploads(this.data.uploads.filter((upload) => upload.key !== key));
    },

    /** Ids of the photos uploaded so far, in the order shown. */
    photoIds() {
      return this.data.uploads.filter((upload) => upload.status === 'done').map((upload) => upload.id);
    },

    clearUploads() {
      this.setUploads([]);
    },

    /** Shows why a photo was refused; a page may override it (to handle 403 its own way). */
    uploadFailed(err) {
      showError(this, err);
    },

    async uploadOne(key) {
      const upload = this.data.uploads.find((item) => item.key === key);
      if (!upload) return; // removed before its turn
      this.updateUpload(key, { message: '0%' });
      try {
        const onProgress = (progress) => this.updateUpload(key, { message: `${progress}%` });
        const photo = await uploadPhoto(this.photoEstateId, upload.url, onProgress);
        this.updateUpload(key, { id: photo.id, status: 'done', message: '' });
      } catch (err) {
        const removed = !this.data.uploads.some((item) => item.key === key);
        this.setUploads(this.data.uploads.filter((item) => item.key !== key));
        if (!removed) this.uploadFailed(err);
      }
    },

    // A photo removed meanwhile is not in the list any more, so its late progress changes nothing.
    updateUpload(key, changes) {
      const uploads = this.data.uploads.map((item) => (item.key === key ? { ...item, ...changes } : item));
      this.setUploads(uploads);
    },

    setUploads(uploads) {
      this.setData({ uploads, uploadsBusy: uploads.some((item) => item.status === 'uploading') });
    },
  },
});
