const { fire, renderComponent, settle, textOf } = require('./helpers');

const TABS = [
  { key: 'all', title: '全部' },
  { key: 'open', title: '投票中' },
];

const render = () => renderComponent('status-tabs', { tabs: TABS, active: 'all' });
const active = (tabs) =>
  tabs.querySelectorAll('.status-tabs__tab').filter((tab) => tab.dom.className.includes('status-tabs__tab--active'));

test('shows every tab title, the active one marked', async () => {
  const tabs = render();
  await settle();

  expect(tabs.querySelectorAll('.status-tabs__tab').map(textOf)).toEqual(['全部', '投票中']);
  expect(active(tabs).map(textOf)).toEqual(['全部']);
});

test('tapping another tab fires change with its key; the active one fires nothing', async () => {
  const tabs = render();
  const changes = [];
  tabs.addEventListener('change', (event) => changes.push(event.detail));
  await settle();

  const [all, open] = tabs.querySelectorAll('.status-tabs__tab');
  await fire(all, 'tap');
  await fire(open, 'tap');

  expect(changes).toEqual(['open']);
});
