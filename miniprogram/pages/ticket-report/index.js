const { showError, showFormError, toastSuccess, toast } = require('../../utils/feedback');
const photoUploads = require('../../utils/photo-uploads');
const estates = require('../../utils/estates');
const subscribe = require('../../utils/subscribe');
const ticketsApi = require('../../utils/tickets-api');
const ticketsForm = require('../../utils/tickets-form');
const ticketsView = require('../../utils/tickets-view');
const { elderMode } = require('../../utils/elder');

const NO_BUILDING = '不指定楼栋';
const LOCATION_DENIED = '未获得定位权限，可选择楼栋或填写位置说明';
const LOCATION_FAILED = '定位失败，可选择楼栋或填写位置说明';

// The duplicate check only advises: when it breaks on the server's side, reporting goes on.
const isServerFault = (err) => err.status >= 500;

Component({
  behaviors: [elderMode, photoUploads],

  data: {
    estateName: '',
    categoryColumns: ticketsView.CATEGORIES.map((c) => c.label),
    category: '',
    categoryLabel: '',
    showCategories: false,
    description: '',
    buildings: [],
    buildingColumns: [NO_BUILDING],
    buildingId: null,
    buildingName: '',
    showBuildings: false,
    locationText: '',
    lat: null,
    lng: null,
    locating: false,
    errors: {},
    missing: ticketsForm.reportMissing({ category: '', description: '', photoCount: 0 }),
    ready: false,
    nearby: [],
    submitting: false,
    supportingId: null,
    forbidden: '',
    descriptionMax: ticketsForm.DESCRIPTION_MAX,
    locationMax: ticketsForm.LOCATION_TEXT_MAX,
  },

  observers: {
    // 长辈模式 asks only for a photo and a category: the description is optional there.
    'category, description, uploads, uploadsBusy, elder': function (category, description, uploads, uploadsBusy, elder) {
      const photoCount = uploads.filter((upload) => upload.status === 'done').length;
      const missing = uploadsBusy
        ? '照片上传中…'
        : ticketsForm.reportMissing({ category, description, photoCount, descriptionOptional: elder });
      this.setData({ missing, ready: !missing });
    },
  },

  methods: {
    onLoad(query) {
      this.estateId = Number(query.estate_id);
      this.photoEstateId = this.estateId;
      // One token per report being written: a double tap or a resend after a lost answer
      // cannot file it twice.
      this.clientToken = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
      this.setData({ estateName: decodeURIComponent(query.name || '') });
      this.loadBuildings();
      subscribe.loadMoments();
    },

    async loadBuildings() {
      try {
        const body = await estates.listBuildings(this.estateId);
        this.setData({ buildings: body.items, buildingColumns: [NO_BUILDING, ...body.items.map((b) => b.name)] });
      } catch (err) {
        showError(this, err);
      }
    },

    // ---- The form ----

    onOpenCategories() {
      this.setData({ showCategories: true });
    },

    onCloseCategories() {
      this.setData({ showCategories: false });
    },

    onPickCategory(event) {
      const { code, label } = ticketsView.CATEGORIES[event.detail.index];
      this.setData({ category: code, categoryLabel: label, showCategories: false, 'errors.category': '', nearby: [] });
    },

    onDescription(event) {
      this.setData({ description: event.detail, 'errors.description': '' });
    },

    onOpenBuildings() {
      this.setData({ showBuildings: true });
    },

    onCloseBuildings() {
      this.setData({ showBuildings: false });
    },

    onPickBuilding(event) {
      const building = this.data.buildings[event.detail.index - 1];
      this.setData({
        buildingId: building ? building.id : null,
        buildingName: building ? building.name : '',
        showBuildings: false,
        'errors.building_id': '',
        nearby: [],
      });
    },

    onLocationText(event) {
      this.setData({ locationText: event.detail, 'errors.location_text': '' });
    },

    onLocate() {
      if (this.data.locating) return;
      this.setData({ locating: true });
      wx.getLocation({
        type: 'gcj02',
        success: ({ latitude, longitude }) => {
          this.setData({ lat: latitude, lng: longitude, locating: false, 'errors.lat': '', nearby: [] });
        },
        fail: ({ errMsg } = {}) => {
          this.setData({ locating: false });
          toast(this, /auth|permission/i.test(errMsg || '') ? LOCATION_DENIED : LOCATION_FAILED);
        },
      });
    },

    onClearLocation() {
      this.setData({ lat: null, lng: null, nearby: [] });
    },

    uploadFailed(err) {
      this.failed(err);
    },

    // ---- Sending ----

    report() {
      const { category, description, locationText, buildingId, lat, lng } = this.data;
      const descriptionOptional = this.data.elder;
      return { category, description, locationText, buildingId, lat, lng, photoIds: this.photoIds(), descriptionOptional };
    },

    /** Checks the form, showing what is wrong; false while a photo is still uploading. */
    validate() {
      const errors = ticketsForm.reportErrors(this.report());
      this.setData({ errors });
      if (Object.keys(errors).length) return false;
      if (this.data.uploadsBusy) toast(this, '照片还在上传，请稍候');
      return !this.data.uploadsBusy;
    },

    /** Asks, once per report and from the submit tap itself, to be told of the reply and of an
     * escalation; resolves when the owner has answered (never rejects). */
    askConsent() {
      if (!this.consent) this.consent = subscribe.askConsent('ticket_reported');
      return this.consent;
    },

    async onSubmit() {
      if (this.data.submitting || !this.validate()) return;
      this.askConsent();
      this.setData({ submitting: true });
      try {
        const nearby = await this.findNearby();
        if (nearby.length) {
          this.setData({ nearby: nearby.map((ticket) => ticketsView.ticketView(ticket)), submitting: false });
          return;
        }
      } catch (err) {
        this.failed(err);
        this.setData({ submitting: false });
        return;
      }
      await this.create();
    },

    /** Same problem reported nearby already, unless checked for this place and category before. */
    async findNearby() {
      const { category, buildingId, lat, lng } = this.data;
      const query = ticketsApi.nearbyQuery({ category, buildingId, lat, lng });
      const key = JSON.stringify(query);
      if (!query || key === this.nearbyKey) return [];
      try {
        const body = await ticketsApi.listNearby(this.estateId, query);
        this.nearbyKey = key;
        return body.items;
      } catch (err) {
        if (isServerFault(err)) return [];
        throw err;
      }
    },

    onSubmitAnyway() {
      if (this.data.submitting || !this.validate()) return;
      this.askConsent();
      this.setData({ submitting: true, nearby: [] });
      return this.create();
    },

    async create() {
      const { category, description, locationText, buildingId, lat, lng } = this.data;
      const data = {
        category,
        description: ticketsForm.reportDescription(description, category),
        photo_ids: this.photoIds(),
        client_token: this.clientToken,
        ...(buildingId ? { building_id: buildingId } : {}),
        ...(locationText.trim() ? { location_text: locationText.trim() } : {}),
        ...(lat !== null && lng !== null ? { lat, lng } : {}),
      };
      try {
        const ticket = await ticketsApi.createTicket(this.estateId, data);
        toastSuccess('已提交');
        // Leave only once the owner has answered WeChat's consent sheet, or it closes with the page.
        await this.askConsent();
        // Stay "submitting" while the page is replaced, so a late tap cannot file again.
        wx.redirectTo({ url: `/pages/ticket/index?id=${ticket.id}` });
      } catch (err) {
        this.failed(err);
        this.setData({ submitting: false });
      }
    },

    // Not a verified owner (403): say so where the form was, with the way to become one.
    failed(err) {
      if (err && err.status === 403) this.setData({ forbidden: err.message });
      else showFormError(this, err);
    },

    // ---- Same problem nearby ----

    onOpenNearby(event) {
      wx.navigateTo({ url: `/pages/ticket/index?id=${event.currentTarget.dataset.id}` });
    },

    async onSupport(event) {
      const { id } = event.currentTarget.dataset;
      if (this.data.supportingId || this.data.submitting) return;
      this.setData({ supportingId: id });
      try {
        await ticketsApi.support(id);
        toastSuccess('已附议');
      } catch (err) {
        // Supported it already (say, from the list): the ticket is where to go all the same.
        if (err.code !== 'already_supported') {
          this.failed(err);
          this.setData({ supportingId: null });
          return;
        }
      }
      wx.redirectTo({ url: `/pages/ticket/index?id=${id}` });
    },

    onClaim() {
      const name = this.data.estateName ? `&name=${encodeURIComponent(this.data.estateName)}` : '';
      wx.navigateTo({ url: `/pages/claim/index?estate_id=${this.estateId}${name}` });
    },
  },
});
