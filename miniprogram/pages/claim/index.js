const { createClaim, listBuildings, listUnits } = require('../../utils/estates');
const { showError, showFormError } = require('../../utils/feedback');
const { areaLabel } = require('../../utils/format');
const { claimErrors } = require('../../utils/validate');
const { elderMode } = require('../../utils/elder');

Component({
  behaviors: [elderMode],

  data: {
    estateName: '',
    buildings: [],
    buildingsLoaded: false,
    buildingId: null,
    units: [],
    unitId: null,
    realName: '',
    phone: '',
    errors: {},
    submitting: false,
    claim: null,
  },

  methods: {
    async onLoad(query) {
      this.estateId = query.estate_id;
      // The directory passes the name along: the claimant is not a member yet, so the
      // estate's own page would answer 404.
      this.setData({ estateName: decodeURIComponent(query.name || '') });
      try {
        const body = await listBuildings(this.estateId);
        this.setData({ buildings: body.items, buildingsLoaded: true });
      } catch (err) {
        showError(this, err);
      }
    },

    async onPickBuilding(event) {
      const buildingId = event.currentTarget.dataset.id;
      this.setData({ buildingId, units: [], unitId: null });
      try {
        const body = await listUnits(buildingId);
        const units = body.items.map((unit) => ({ ...unit, areaText: areaLabel(unit.area_dm2) }));
        if (buildingId === this.data.buildingId) this.setData({ units });
      } catch (err) {
        showError(this, err);
      }
    },

    onPickUnit(event) {
      this.setData({ unitId: event.currentTarget.dataset.id, 'errors.unit_id': '' });
    },

    onRealName(event) {
      this.setData({ realName: event.detail, 'errors.real_name': '' });
    },

    onPhone(event) {
      this.setData({ phone: event.detail, 'errors.phone': '' });
    },

    async onSubmit() {
      const form = {
        unitId: this.data.unitId,
        realName: this.data.realName.trim(),
        phone: this.data.phone.trim(),
      };
      const errors = claimErrors(form);
      this.setData({ errors });
      if (Object.keys(errors).length || this.data.submitting) return;

      this.setData({ submitting: true });
      try {
        const data = { unit_id: form.unitId, real_name: form.realName, phone: form.phone };
        const claim = await createClaim(this.estateId, data);
        this.setData({ claim });
      } catch (err) {
        showFormError(this, err);
      } finally {
        this.setData({ submitting: false });
      }
    },

    onDone() {
      wx.switchTab({ url: '/pages/my/index' });
    },
  },
});
