const { renderComponent, settle, textOf } = require('./helpers');

const render = (properties) => renderComponent('paged-list', { emptyText: '暂无公告', ...properties });

test('while a page loads it says so, and shows no empty state', async () => {
  const list = render({ loading: true, count: 0 });
  await settle();

  expect(textOf(list)).toBe('加载中…');
  expect(list.querySelector('#empty')).toBeUndefined();
});

test('a load that found nothing shows the empty text', async () => {
  const list = render({ loading: false, finished: true, count: 0 });
  await settle();

  expect(list.querySelector('#empty').data.description).toBe('暂无公告');
  expect(textOf(list)).not.toContain('没有更多了');
});

test('the end of a list says there is no more; a list with more to load says nothing', async () => {
  const done = render({ finished: true, count: 3 });
  const more = render({ finished: false, count: 20 });
  await settle();

  expect(textOf(done)).toBe('没有更多了');
  expect(done.querySelector('#empty')).toBeUndefined();
  expect(textOf(more)).toBe('');
});
