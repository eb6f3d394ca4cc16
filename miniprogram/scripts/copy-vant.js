// Copies Vant Weapp's CommonJS build where WeChat DevTools' "build npm" would put it.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const src = path.join(root, 'node_modules', '@vant', 'weapp', 'lib');
const dest = path.join(root, 'miniprogram_npm', '@vant', 'weapp');

if (!fs.existsSync(src)) {
  console.error(`copy-vant: ${src} not found; run npm install first`);
  process.exit(1);
}
fs.rmSync(dest, { recursive: true, force: true });
fs.mkdirSync(path.dirname(dest), { recursive: true });
fs.cpSync(src, dest, { recursive: true });
console.log(`copy-vant: ${path.relative(root, src)} -> ${path.relative(root, dest)}`);
