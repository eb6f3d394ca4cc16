const { showError, showFormError, toast } = require('../../utils/feedback');
const {
  CHANNELS,
  PROFILES,
  getLiveness,
  registerGroup,
  updateGroup,
  sendTest,
  uploadJoinQr,
  downloadPoster,
  groupView,
} = require('../../utils/group-chats-api');
const { elderMode } = require('../../utils/elder');

const NAME_MAX = 64;
const MAX_MEMBERS = 2000;
const emptyForm = () => ({ name: '', channel: 'wecom_robot', address: '', profile: 'external' });

// 监督群: the committee's list of the estate's group chats with each one's liveness (messages
// in the last 30 days, members, last activity), and what it does to them from the phone:
// register one (robot webhook or app chat, with its profile), send a test message, switch it on
// or off, record the member count, upload the join QR code and preview or save the poster.
Component({
  behaviors: [elderMode],

  data: {
    state: 'loading', // 'loading' | 'ready' | 'failed'
    groups: [],
    estateActive: false,
    adding: false,
    form: emptyForm(),
    errors: {},
    saving: false,
    busyId: null, // the group an action is running on
    countingId: null, // the group whose member count is being typed
    memberCount: '',
    posterPath: '',
    posterGroupId: null,
    channelTabs: CHANNELS.map((c) => ({ key: c.value, title: c.label })),
    profileTabs: PROFILES.map((p) => ({ key: p.value, title: p.label })),
    addressPlaceholder: CHANNELS[0].placeholder,
    nameMax: NAME_MAX,
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
        const found = await getLiveness(this.estateId);
        this.setData({ state: 'ready', groups: found.items.map(groupView), estateActive: found.estate_active });
      } catch (err) {
        if (this.data.state !== 'ready') this.setData({ state: 'failed' });
        showError(this, err);
      }
    },

    // -- registering a group ---------------------------------------------------------------

    onStartAdd() {
      this.setData({ adding: true, form: emptyForm(), errors: {}, addressPlaceholder: CHANNELS[0].placeholder });
    },

    onCancelAdd() {
      this.setData({ adding: false });
    },

    onName(event) {
      this.setData({ 'form.name': event.detail, 'errors.name': '' });
    },

    onAddress(event) {
      this.setData({ 'form.address': event.detail, 'errors.address': '' });
    },

    onChannel(event) {
      const channel = CHANNELS.find((c) => c.value === event.detail);
      // An app chat has only WeCom members: it is internal, and the server refuses it as external.
      const profile = channel.value === 'wecom_appchat' ? 'internal' : this.data.form.profile;
      this.setData({
        'form.channel': channel.value,
        'form.profile': profile,
        addressPlaceholder: channel.placeholder,
        'errors.address': '',
      });
    },

    onProfile(event) {
      this.setData({ 'form.profile': event.detail });
    },

    async onSubmitAdd() {
      const form = { ...this.data.form, name: this.data.form.name.trim(), address: this.data.form.address.trim() };
      const errors = {};
      if (!form.name) errors.name = '请填写群名称';
      if (!form.address) errors.address = form.channel === 'wecom_robot' ? '请粘贴群机器人的 Webhook 地址' : '请填写群聊 ID';
      if (Object.keys(errors).length) {
        this.setData({ errors });
        return;
      }
      if (this.data.saving) return;
      this.setData({ saving: true });
      try {
        await registerGroup(this.estateId, form);
        this.setData({ adding: false });
        toast(this, '已登记监督群，请发送测试消息确认');
        await this.load();
      } catch (err) {
        showFormError(this, err);
      } finally {
        this.setData({ saving: false });
      }
    },

    // -- actions on one group --------------------------------------------------------------

    async run(groupId, action, done) {
      if (this.data.busyId) return;
      this.setData({ busyId: groupId });
      try {
        await action();
        if (done) toast(this, done);
        await this.load();
      } catch (err) {
        showError(this, err);
      } finally {
        this.setData({ busyId: null });
      }
    },

    onTest(event) {
      const { id } = event.currentTarget.dataset;
      return this.run(id, () => sendTest(id), '测试消息已发出，请到群里查看');
    },

    onToggle(event) {
      const { id, active } = event.currentTarget.dataset;
      return this.run(id, () => updateGroup(id, { active: !active }), active ? '已停用' : '已启用');
    },

    onStartCount(event) {
      this.setData({ countingId: event.currentTarget.dataset.id, memberCount: '', 'errors.member_count': '' });
    },

    onCancelCount() {
      this.setData({ countingId: null });
    },

    onMemberCount(event) {
      this.setData({ memberCount: event.detail, 'errors.member_count': '' });
    },

    onSaveCount() {
      const text = String(this.data.memberCount).trim();
      const count = Number(text);
      if (!/^[0-9]+$/.test(text) || count > MAX_MEMBERS) {
        this.setData({ 'errors.member_count': `请填写 0 到 ${MAX_MEMBERS} 之间的整数` });
        return undefined;
      }
      const id = this.data.countingId;
      return this.run(id, async () => {
        await updateGroup(id, { member_count: count });
        this.setData({ countingId: null });
      }, '已记录群人数');
    },

    onUploadQr(event) {
      const { id } = event.currentTarget.dataset;
      return new Promise((resolve) => {
        wx.chooseMedia({
          count: 1,
          mediaType: ['image'],
          sourceType: ['album', 'camera'],
          success: (res) => resolve(this.run(id, () => uploadJoinQr(id, res.tempFiles[0].tempFilePath), '已上传入群二维码')),
          fail: () => resolve(),
        });
      });
    },

    async onPoster(event) {
      const { id } = event.currentTarget.dataset;
      if (this.data.busyId) return;
      this.setData({ busyId: id });
      wx.showLoading({ title: '正在生成海报…' });
      try {
        const path = await downloadPoster(id);
        this.setData({ posterPath: path, posterGroupId: id });
        wx.previewImage({ urls: [path], current: path });
      } catch (err) {
        showError(this, err);
      } finally {
        wx.hideLoading();
        this.setData({ busyId: null });
      }
    },

    onSavePoster() {
      if (!this.data.posterPath) return undefined;
      return new Promise((resolve) => {
        wx.saveImageToPhotosAlbum({
          filePath: this.data.posterPath,
          success: () => {
            toast(this, '海报已保存到相册');
            resolve();
          },
          fail: () => {
            toast(this, '未能保存到相册，请在设置中允许保存图片');
            resolve();
          },
        });
      });
    },
  },
});
