const buildingChoice = require('../../utils/building-choice');
const { showError, showFormError, toast, toastSuccess } = require('../../utils/feedback');
const fundsApi = require('../../utils/funds-api');
const fundsForm = require('../../utils/funds-form');
const { elderMode } = require('../../utils/elder');

// The committee starts a repair project (维修项目), or changes a draft or returned one (?id=): what is repaired, of which category, by vote
// or as an emergency, which buildings bear the cost and the budget, typed in yuan on the
// digit keypad and sent as exact fen. It is saved as a draft; quotes and submitting come next.
Component({
  behaviors: [elderMode, buildingChoice],
  data: {
    categories: fundsForm.CATEGORIES,
    categoryColumns: fundsForm.CATEGORIES.map((c) => c.label),
    paths: fundsForm.PATHS,
    title: '',
    scope: '',
    category: '',
    categoryLabel: '',
    showCategories: false,
    path: 'vote',
    buildings: [],
    buildingIds: [],
    buildingsState: 'loading',
    budget: '',
    errors: {},
    submitting: false,
    editing: false,
    titleMax: fundsForm.TITLE_MAX,
    scopeMax: fundsForm.SCOPE_MAX,
  },

  methods: {
    onLoad(query) {
      this.estateId = Number(query.estate_id);
      this.projectId = Number(query.id) || 0;
      this.setData({ editing: Boolean(this.projectId) });
      return Promise.all([this.loadBuildings(), this.projectId ? this.loadProject() : null]);
    },

    /** Editing: the form starts from the project as it is. */
    async loadProject() {
      try {
        const project = await fundsApi.getProject(this.estateId, this.projectId);
        const category = fundsForm.CATEGORIES.find((c) => c.code === project.category);
        this.setData({
          title: project.title,
          scope: project.scope,
          category: project.category,
          categoryLabel: category ? category.label : project.category_label,
          path: project.path,
          buildingIds: project.buildings.map((b) => String(b.building_id)),
          budget: fundsForm.yuanText(project.budget_fen),
        });
        this.loadedBuildingIds = this.data.buildingIds.slice().sort().join(',');
      } catch (err) {
        showError(this, err);
      }
    },

    onTitle(event) {
      this.setData({ title: event.detail, 'errors.title': '' });
    },

    onScope(event) {
      this.setData({ scope: event.detail, 'errors.scope': '' });
    },

    onOpenCategories() {
      this.setData({ showCategories: true });
    },

    onCloseCategories() {
      this.setData({ showCategories: false });
    },

    onPickCategory(event) {
      const { code, label, emergency } = fundsForm.CATEGORIES[event.detail.index];
      // Only the four emergency categories may take the emergency path.
      const path = emergency ? this.data.path : 'vote';
      this.setData({ category: code, categoryLabel: label, path, showCategories: false, 'errors.category': '', 'errors.path': '' });
    },

    onPath(event) {
      this.setData({ path: event.detail, 'errors.path': '' });
    },

    onBuildings(event) {
      this.setData({ buildingIds: event.detail, 'errors.building_ids': '' });
    },

    onBudget(event) {
      this.setData({ budget: event.detail, 'errors.budget_fen': '' });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const { title, scope, category, path, budget, buildingIds } = this.data;
      const errors = fundsForm.projectErrors({ title, scope, category, path, budget, buildingIds });
      this.setData({ errors });
      if (Object.keys(errors).length) {
        toast(this, '请按提示修改后再保存');
        return;
      }
      this.setData({ submitting: true });
      const data = {
        title: title.trim(),
        scope,
        category,
        path,
        budget_fen: fundsForm.parseYuan(budget).fen,
        // The van-checkbox group hands back the names as strings.
        building_ids: buildingIds.map(Number),
      };
      // The phone has no unit picker: an edit that keeps the buildings leaves the bearing units
      // as they are (a project may be borne by some units only); new buildings mean all of theirs.
      if (this.projectId && buildingIds.slice().sort().join(',') === this.loadedBuildingIds) {
        delete data.building_ids;
      }
      try {
        if (this.projectId) {
          await fundsApi.updateProject(this.estateId, this.projectId, data);
          toastSuccess('已保存修改');
          wx.navigateBack();
          return;
        }
        const project = await fundsApi.createProject(this.estateId, data);
        toastSuccess('已保存草稿');
        // Stay "submitting" while the page is replaced, so a late tap cannot create it twice.
        wx.redirectTo({ url: `/pages/repair-project/index?estate_id=${this.estateId}&id=${project.id}` });
      } catch (err) {
        showFormError(this, err);
        this.setData({ submitting: false });
      }
    },
  },
});
