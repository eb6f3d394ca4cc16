// 长辈模式's sizes in app.wxss: the generated font-size block is up to date with the pages, and the
// Vant variables make rows and buttons at least 96rpx (48px) tall and text at least 32rpx.
const fs = require('fs');
const path = require('path');
const { block, current, smallRules } = require('../scripts/elder-sizes');

const APP_WXSS = fs.readFileSync(path.join(__dirname, '..', 'app.wxss'), 'utf8');

/** The custom properties the .elder rule sets, as numbers of px. */
function elderVariables() {
  const rule = /\n\.elder \{([^}]*)\}/.exec(APP_WXSS)[1];
  return Object.fromEntries([...rule.matchAll(/(--[a-z-]+):\s*(\d+)px;/g)].map(([, name, px]) => [name, Number(px)]));
}

test('the generated block raises every small font size of the pages (run scripts/elder-sizes.js)', () => {
  expect(current()).toBe(block());
});

test('the generator raises body text to 36rpx and meta text to 32rpx', () => {
  const css = '.a { font-size: 24rpx; }\n.b, .c { color: red; font-size: 30rpx; }\n.d { font-size: 40rpx; }';
  expect(smallRules(css)).toEqual([
    { selector: '.a', rpx: 32 },
    { selector: '.b', rpx: 36 },
    { selector: '.c', rpx: 36 },
  ]);
});

test('rows and buttons are at least 48px (96rpx) tall in the mode', () => {
  const v = elderVariables();
  expect(v['--cell-line-height'] + 2 * v['--cell-vertical-padding']).toBeGreaterThanOrEqual(48);
  const heights = ['--button-default-height', '--button-large-height', '--button-small-height', '--button-mini-height', '--dialog-button-height'];
  expect(heights.filter((name) => !(v[name] >= 48))).toEqual([]);
});

test('no Vant text in the mode is under 16px (32rpx); body text is 18px (36rpx)', () => {
  const v = elderVariables();
  const sizes = Object.entries(v).filter(([name]) => name.endsWith('font-size'));
  expect(sizes.filter(([, px]) => px < 16)).toEqual([]);
  expect([v['--cell-font-size'], v['--button-default-font-size'], v['--dialog-message-font-size']]).toEqual([18, 18, 18]);
});
