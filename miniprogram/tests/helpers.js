// Rendering pages with miniprogram-simulate against the real Vant Weapp components.
const path = require('path');
const simulate = require('miniprogram-simulate');

const ROOT = path.join(__dirname, '..');

// Jest keeps page modules cached, so a page's Component() runs only on its first load:
// load each page once per test file and render a fresh instance for every test.
const loaded = {};

/**
 * Compiles pages/<name>/index with its components. Seconds for a page with many components: call
 * it in beforeAll so the first test's time limit is not spent on it.
 */
function preload(name) {
  loaded[name] = loaded[name] || simulate.load(path.join(ROOT, 'pages', name, 'index'), { rootPath: ROOT });
  return loaded[name];
}

/** Renders a fresh pages/<name>/index and attaches it to a document. */
function renderPage(name) {
  const page = simulate.render(preload(name));
  page.attach(document.createElement('parent-wrapper'));
  return page;
}

/** Renders components/<name>/index with properties and attaches it to a document. */
function renderComponent(name, properties = {}) {
  loaded[`components/${name}`] =
    loaded[`components/${name}`] || simulate.load(path.join(ROOT, 'components', name, 'index'), { rootPath: ROOT });
  const comp = simulate.render(loaded[`components/${name}`], properties);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

/** Lets pending requests, refreshes and component events settle. */
const settle = () => simulate.sleep(0);

const textOf = (comp) => comp.dom.textContent.replace(/\s+/g, ' ').trim();

const toastMessage = (page) => page.querySelector('#van-toast').data.message;

/** Fires a Vant component's event as if the user had used it, then settles. */
async function fire(comp, eventName, detail) {
  comp.dispatchEvent(eventName, { detail });
  await settle();
}

/** Renders a page, runs one lifecycle method (onLoad with its query, or onShow) and settles. */
async function openPage(name, lifecycle = 'onLoad', query = {}) {
  const page = renderPage(name);
  page.instance[lifecycle](query);
  await settle();
  return page;
}

module.exports = { preload, renderPage, renderComponent, openPage, settle, textOf, toastMessage, fire };
