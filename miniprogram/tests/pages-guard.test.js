// A cheap guard: pages ask utils/<domain>.js for data, so every API path and every request()
// call lives in utils/, where one change reaches every page.
const fs = require('fs');
const path = require('path');

const PAGES = path.join(__dirname, '..', 'pages');
const pageFiles = fs
  .readdirSync(PAGES)
  .flatMap((page) => fs.readdirSync(path.join(PAGES, page)).map((file) => path.join(page, file)))
  .filter((file) => /\.(js|wxml)$/.test(file));

const offenders = (pattern) =>
  pageFiles.filter((file) => pattern.test(fs.readFileSync(path.join(PAGES, file), 'utf8')));

test('the guard reads every page', () => {
  expect(pageFiles.length).toBeGreaterThan(40);
});

test('no page calls request()', () => {
  expect(offenders(/\brequest\(/)).toEqual([]);
});

test("no page names an '/api/' path", () => {
  expect(offenders(/['"`]\/api\//)).toEqual([]);
});
