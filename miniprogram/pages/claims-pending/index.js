const pagedList = require('../../utils/paged-list');
const { showError, showFormError, toast } = require('../../utils/feedback');
const { claimView, getClaim, listPendingClaims, rejectClaim, verifyClaim } = require('../../utils/claims-api');
const { elderMode } = require('../../utils/elder');

const REASON_MAX = 200;

// 待审核认领: the estate's pending claims for its committee and manager, 20 a page with names
// masked; opening one shows the claimant's name and phone in full (the server records the look)
// and whether the name matches the register's owner of record, then verify or reject with a reason.
Component({
  behaviors: [elderMode, pagedList],

  data: { failed: false, selected: null, rejecting: false, reason: '', errors: {}, sending: false, reasonMax: REASON_MAX },

  methods: {
    onLoad(query) {
      this.estateId = query.estate_id;
      this.reload();
    },

    async fetchPage(paging) {
      try {
        const body = await listPendingClaims(this.estateId, paging);
        this.setData({ failed: false });
        return { ...body, items: body.items.map(claimView) };
      } catch (err) {
        this.setData({ failed: true });
        throw err;
      }
    },

    async onOpen(event) {
      const { id } = event.currentTarget.dataset;
      try {
        const claim = await getClaim(id);
        this.setData({ selected: claimView(claim), rejecting: false, reason: '', errors: {} });
      } catch (err) {
        showError(this, err);
      }
    },

    onBack() {
      this.setData({ selected: null, rejecting: false });
    },

    /** The decided claim leaves the list; back to it with a toast. */
    decided(message) {
      const { id } = this.data.selected;
      const items = this.data.items.filter((item) => item.id !== id);
      this.setData({ selected: null, rejecting: false, items });
      toast(this, message);
    },

    async onVerify() {
      if (this.data.sending) return;
      this.setData({ sending: true });
      try {
        await verifyClaim(this.data.selected.id);
        this.decided('已通过认证');
      } catch (err) {
        showError(this, err);
        // Decided by someone else meanwhile: the list as it now is.
        if (err.status === 409) {
          this.setData({ selected: null });
          await this.reload();
        }
      } finally {
        this.setData({ sending: false });
      }
    },

    onStartReject() {
      this.setData({ rejecting: true, reason: '', errors: {} });
    },

    onBackFromReject() {
      this.setData({ rejecting: false });
    },

    onReason(event) {
      this.setData({ reason: event.detail, 'errors.reason': '' });
    },

    async onConfirmReject() {
      const reason = this.data.reason.trim();
      if (reason.length < 2) {
        this.setData({ 'errors.reason': '请填写 2 到 200 字的驳回理由' });
        return;
      }
      if (this.data.sending) return;
      this.setData({ sending: true });
      try {
        await rejectClaim(this.data.selected.id, reason);
        this.decided('已驳回，申请人将看到理由');
      } catch (err) {
        showFormError(this, err);
        if (err.status === 409) {
          this.setData({ selected: null, rejecting: false });
          await this.reload();
        }
      } finally {
        this.setData({ sending: false });
      }
    },
  },
});
