// Every text colour of the mini-program reaches WCAG's 4.5:1 against every background it can sit
// on (issue 22 §3): our wxss, the Vant Weapp text our pages show (through the Vant variables
// app.wxss sets, or Vant's defaults where it sets none), and the tab bar of app.json.
const fs = require('fs');
const path = require('path');
const {
  parseWxss,
  parseColor,
  contrast,
  check,
  ourWxssFiles,
  lightBackgrounds,
} = require('./contrast');

const ROOT = path.join(__dirname, '..');

// Vant Weapp text our pages show, with the variable Vant reads and its default (from
// miniprogram_npm/@vant/weapp/*/index.wxss), on the background Vant draws it on (null: no
// background of its own, so every ambient one). Disabled states are exempt (WCAG 1.4.3).
const v = (name, fallback) => `var(${name}, ${fallback})`;
const BUTTON_TYPES = [
  ['primary', '#07c160'],
  ['info', '#1989fa'],
  ['danger', '#ee0a24'],
  ['warning', '#ff976a'],
];
const TAG_TYPES = [
  ['primary', '#1989fa'],
  ['success', '#07c160'],
  ['danger', '#ee0a24'],
  ['warning', '#ff976a'],
  ['default', '#969799'],
];
const CELL_BG = v('--cell-background-color', '#fff');
const VANT_PAIRS = [
  ['van-cell title', v('--cell-text-color', '#323233'), CELL_BG],
  ['van-cell label', v('--cell-label-color', '#969799'), CELL_BG],
  ['van-cell value', v('--cell-value-color', '#969799'), CELL_BG],
  ['van-cell required mark', v('--cell-required-color', '#ee0a24'), CELL_BG],
  ['van-cell-group title', v('--cell-group-title-color', '#969799'), null],
  ['van-field label', v('--field-label-color', '#646566'), CELL_BG],
  ['van-field input', v('--field-input-text-color', '#323233'), CELL_BG],
  ['van-field placeholder', v('--field-placeholder-text-color', '#c8c9cc'), CELL_BG],
  ['van-field error message', v('--field-error-message-color', '#ee0a24'), CELL_BG],
  ['van-field error input', v('--field-input-error-text-color', '#ee0a24'), CELL_BG],
  ['van-field word limit', v('--field-word-limit-color', '#646566'), CELL_BG],
  ['van-field word limit full', v('--field-word-num-full-color', '#ee0a24'), CELL_BG],
  ...BUTTON_TYPES.flatMap(([type, bg]) => [
    [`van-button ${type}`, v(`--button-${type}-color`, '#fff'), v(`--button-${type}-background-color`, bg)],
    [
      `van-button ${type} plain`,
      v(`--button-${type}-background-color`, bg),
      v('--button-plain-background-color', '#fff'),
    ],
  ]),
  ['van-button default', v('--button-default-color', '#323233'), v('--button-default-background-color', '#fff')],
  ...TAG_TYPES.flatMap(([type, bg]) => [
    [`van-tag ${type}`, v('--tag-text-color', '#fff'), v(`--tag-${type}-color`, bg)],
    [`van-tag ${type} plain`, v(`--tag-${type}-color`, bg), v('--tag-plain-background-color', '#fff')],
  ]),
  ['van-picker cancel', v('--picker-cancel-action-color', '#969799'), v('--picker-background-color', '#fff')],
  ['van-picker confirm', v('--picker-confirm-action-color', '#576b95'), v('--picker-background-color', '#fff')],
  ['van-picker option', v('--picker-option-text-color', '#000'), v('--picker-background-color', '#fff')],
  ['van-picker selected option', v('--picker-option-selected-text-color', '#323233'), v('--picker-background-color', '#fff')],
  ['van-dialog message', v('--dialog-has-title-message-text-color', '#646566'), v('--dialog-background-color', '#fff')],
  ['van-uploader text', v('--uploader-text-color', '#969799'), v('--uploader-upload-background-color', '#f7f8fa')],
  ['van-uploader file name', v('--uploader-file-name-text-color', '#646566'), v('--uploader-file-background-color', '#f7f8fa')],
  ['van-image placeholder text', v('--image-placeholder-text-color', '#969799'), v('--image-placeholder-background-color', '#f7f8fa')],
  ['van-search label', v('--search-label-color', '#323233'), v('--search-background-color', '#f7f8fa')],
  ['van-search action', v('--search-action-text-color', '#323233'), v('--search-background-color', '#f7f8fa')],
  ['van-radio label', v('--radio-label-color', '#323233'), null],
  ['van-checkbox label', v('--checkbox-label-color', '#323233'), null],
  ['van-loading text', v('--loading-text-color', '#969799'), null],
  ['van-toast text', v('--toast-text-color', '#fff'), v('--toast-background-color', 'rgba(0,0,0,.7)')],
  ['van-tab', v('--tab-text-color', '#646566'), v('--tabs-nav-background-color', '#fff')],
  ['van-tab active', v('--tab-active-text-color', '#323233'), v('--tabs-nav-background-color', '#fff')],
].map(([where, text, background]) => ({ where: `vant: ${where}`, text, background }));

// Vant text with a hard-coded colour and no variable: our rule on its class must set it.
const VANT_FIXED = [['.van-empty__description', '#969799']];

function loadSheets() {
  return ourWxssFiles(ROOT).map((file) => ({
    file: path.relative(ROOT, file),
    rules: parseWxss(fs.readFileSync(file, 'utf8')),
  }));
}

function pageBackground(sheets) {
  const app = sheets.find((s) => s.file === 'app.wxss');
  const page = app.rules.find((r) => r.selector.split(',').some((s) => s.trim() === 'page'));
  const bg = page && page.decls.filter(([p]) => p === 'background-color' || p === 'background').pop();
  return bg ? bg[1] : '#ffffff';
}

function vantFixedPairs(sheets) {
  return VANT_FIXED.map(([cls, fallback]) => {
    const ours = sheets.flatMap((s) =>
      s.rules.filter((r) => r.selector.split(',').some((sel) => sel.trim().endsWith(cls)) && r.decls.some(([p]) => p === 'color')),
    );
    return ours.length ? null : { where: `vant: ${cls} (fixed ${fallback})`, text: fallback, background: null };
  }).filter(Boolean);
}

function appJsonPairs() {
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  const pairs = [];
  const { tabBar, window: win } = app;
  if (tabBar) {
    pairs.push({ where: 'app.json: tabBar.color', text: tabBar.color, background: tabBar.backgroundColor });
    pairs.push({ where: 'app.json: tabBar.selectedColor', text: tabBar.selectedColor, background: tabBar.backgroundColor });
  }
  if (win && win.navigationBarBackgroundColor) {
    const text = win.navigationBarTextStyle === 'white' ? '#ffffff' : '#000000';
    pairs.push({ where: 'app.json: navigationBar', text, background: win.navigationBarBackgroundColor });
  }
  return pairs;
}

// Colours given outside wxss: a Vant colour attribute in wxml (confirm-button-color="#..."), a
// wx.showModal's confirmColor / cancelColor in js. They are text on a dialog: every ambient background.
function markupPairs() {
  const pairs = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(wxml|js)$/.test(entry.name)) {
        const text = fs.readFileSync(full, 'utf8');
        const pattern = /([\w-]*color)\s*(?:=|:)\s*["']((?:#|rgb)[^"']*)["']/gi;
        for (const m of text.matchAll(pattern))
          pairs.push({ where: `${path.relative(ROOT, full)}: ${m[1]}`, text: m[2], background: null });
      }
    }
  };
  walk(path.join(ROOT, 'pages'));
  walk(path.join(ROOT, 'components'));
  return pairs;
}

describe('contrast of the mini-program', () => {
  const sheets = loadSheets();
  const ambient = [pageBackground(sheets), '#ffffff', ...lightBackgrounds(sheets)];

  test('every text colour is at least 4.5:1 on every background it can sit on', () => {
    const { pairs, failures } = check({
      sheets,
      ambient,
      extraPairs: [...VANT_PAIRS, ...vantFixedPairs(sheets), ...appJsonPairs(), ...markupPairs()],
    });
    // The check did look: our wxss has dozens of text colours.
    expect(pairs.length).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });

  test('colours set in wxml attributes and js are found', () => {
    expect(markupPairs().map((p) => p.where)).toEqual(
      expect.arrayContaining(['pages/motion/index.wxml: confirm-button-color', 'pages/ledger-entry-edit/index.js: confirmColor']),
    );
  });

  test('the ambient backgrounds include the page and the tinted blocks our pages draw', () => {
    expect(ambient).toEqual(expect.arrayContaining(['#f7f8fa', '#ffffff', '#f2f3f5']));
  });
});

describe('the contrast check itself', () => {
  test('computes the WCAG ratio', () => {
    expect(contrast(parseColor('#000'), parseColor('white'))).toBeCloseTo(21, 5);
    expect(contrast(parseColor('#969799'), parseColor('#f7f8fa'))).toBeCloseTo(2.75, 2);
    expect(contrast(parseColor('#767676'), parseColor('#ffffff'))).toBeCloseTo(4.54, 2);
  });

  test('parses #rgb, #rrggbb, rgb(), rgba(), hsla() and named colours', () => {
    expect(parseColor('#fff')).toEqual({ r: 255, g: 255, b: 255, a: 1 });
    expect(parseColor('#1989FA')).toEqual({ r: 25, g: 137, b: 250, a: 1 });
    expect(parseColor('rgb(1, 2, 3)')).toEqual({ r: 1, g: 2, b: 3, a: 1 });
    expect(parseColor('rgba(0,0,0,.7)')).toEqual({ r: 0, g: 0, b: 0, a: 0.7 });
    expect(parseColor('hsla(0,0%,100%,.9)')).toEqual({ r: 255, g: 255, b: 255, a: 0.9 });
    expect(parseColor('White')).toEqual({ r: 255, g: 255, b: 255, a: 1 });
    expect(parseColor('bluish')).toBeNull();
  });

  const SYNTHETIC = `
    /* a comment with a { brace and color: #eee; */
    page { background-color: #f7f8fa; --meta: #969799; --ok: #323233; }
    .a, .b .c { color: var(--meta); font-size: 24rpx; }
    @media (min-width: 600px) {
      .wide { color: #ccc !important; }
    }
    .badge { background: #1989fa; color: white; }
    .veil { color: rgba(0, 0, 0, 0.3); }
    .fine { color: var(--ok); }
    .button--disabled { color: #eee; }
    .hidden { color: transparent; }
    .mystery { color: var(--nowhere); }
  `;

  test('fails on low pairs, naming the file, the selector and the worst ratio', () => {
    const sheets = [{ file: 'pages/x/index.wxss', rules: parseWxss(SYNTHETIC) }];
    const { failures } = check({ sheets, ambient: ['#f7f8fa', '#ffffff'] });
    expect(failures).toEqual([
      'pages/x/index.wxss:.a, .b .c: #969799 on #f7f8fa = 2.75:1',
      'pages/x/index.wxss:.wide: #cccccc on #f7f8fa = 1.51:1',
      'pages/x/index.wxss:.badge: #ffffff on #1989fa = 3.50:1',
      'pages/x/index.wxss:.veil: #000000@0.3 on #f7f8fa = 2.10:1',
      'pages/x/index.wxss:.mystery: undefined variable --nowhere',
    ]);
  });

  test('a variable set again by a class-scoped rule is tested with each of its values', () => {
    const wxss = 'page { --meta: #5f6266; } .mp-elder { --meta: #aaaaaa; } .m { color: var(--meta); }';
    const { failures } = check({ sheets: [{ file: 'app.wxss', rules: parseWxss(wxss) }], ambient: ['#ffffff'] });
    expect(failures).toEqual(['app.wxss:.m: #aaaaaa on #ffffff = 2.32:1']);
  });

  test('passes when every pair is high enough, and checks extra pairs such as the tab bar', () => {
    const wxss = 'page { --meta: #5f6266; } .m { color: var(--meta); } .b { background-color: #0e62c6; color: #fff; }';
    const sheets = [{ file: 'app.wxss', rules: parseWxss(wxss) }];
    expect(check({ sheets, ambient: ['#f7f8fa', '#ffffff'] }).failures).toEqual([]);
    const tab = [{ where: 'app.json: tabBar.selectedColor', text: '#1989fa', background: '#ffffff' }];
    expect(check({ sheets, ambient: ['#ffffff'], extraPairs: tab }).failures).toEqual([
      'app.json: tabBar.selectedColor: #1989fa on #ffffff = 3.50:1',
    ]);
  });
});
