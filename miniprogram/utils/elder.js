// 长辈模式 (elder mode): larger type, bigger targets, plainer flows. One switch for the whole
// mini-program, remembered on the phone. Every page carries the elderMode behaviour, which puts
// the `elder` class on the page's root element; app.wxss scopes the mode's rules under it.

const MODE_KEY = 'linli.elder';
// The first-start offer is asked once: its answer (true/false) is kept here.
const OFFER_KEY = 'linli.elderOffered';

// WeChat's standard font size is 16 (px); the phone's 大/特大 settings report more than this.
const STANDARD_FONT_PX = 17;

const OFFER = {
  title: '开启长辈模式？',
  content: '字更大、按钮更大，首页只留看公告、随手拍、去投票、看账目四件事。可随时在「我的」里关闭。',
  confirmText: '开启',
  cancelText: '暂不',
};

/** True when 长辈模式 is on. */
const isOn = () => wx.getStorageSync(MODE_KEY) === true;

/** The phone's font size setting in px, or 0 when the base library does not tell. */
function fontSizeSetting() {
  try {
    const info = wx.getAppBaseInfo ? wx.getAppBaseInfo() : wx.getSystemInfoSync();
    return Number(info.fontSizeSetting) || 0;
  } catch (err) {
    return 0;
  }
}

// getCurrentPages is a WeChat global; a test harness may not have it.
const openPages = () => (typeof getCurrentPages === 'function' ? getCurrentPages() : []);

/** Turns the mode on or off, remembers it and applies it to every page already open. */
function set(on, extraPages = []) {
  wx.setStorageSync(MODE_KEY, Boolean(on));
  const pages = new Set([...openPages(), ...extraPages]);
  pages.forEach((page) => page && page.applyElder && page.applyElder());
}

let offering = null;

/**
 * On the first start with a large font setting, asks once whether to turn the mode on and
 * remembers the answer. Resolves to true when it asked. Never asks twice, even when called again
 * while the question is still on screen.
 */
function offerOnFirstStart() {
  if (offering) return offering;
  if (wx.getStorageSync(OFFER_KEY) !== '' || fontSizeSetting() <= STANDARD_FONT_PX) return Promise.resolve(false);
  offering = new Promise((resolve) => {
    wx.showModal({
      ...OFFER,
      success: ({ confirm }) => {
        wx.setStorageSync(OFFER_KEY, Boolean(confirm));
        if (confirm) set(true);
        resolve(true);
      },
      fail: () => resolve(false),
    });
  }).finally(() => {
    offering = null;
  });
  return offering;
}

/**
 * Behaviour every page uses: data.elder is the mode, read when the page is created and again on
 * every show, so a page under 我的 follows a switch made there. The page's root element binds
 * class="page {{ elder ? 'elder' : '' }}".
 */
const elderMode = Behavior({
  data: { elder: false },

  lifetimes: {
    attached() {
      this.setData({ elder: isOn() });
    },
  },

  pageLifetimes: {
    show() {
      this.applyElder();
    },
  },

  methods: {
    // A page that shows something else in the mode (the plain home) reacts in elderChanged.
    applyElder() {
      const elder = isOn();
      if (elder === this.data.elder) return;
      this.setData({ elder });
      if (this.elderChanged) this.elderChanged(elder);
    },
  },
});

module.exports = { MODE_KEY, OFFER_KEY, OFFER, STANDARD_FONT_PX, isOn, set, fontSizeSetting, offerOnFirstStart, elderMode };
