const { renderComponent, settle, textOf } = require('./helpers');

const render = (properties = {}) => renderComponent('money-keypad', { value: '', ...properties });

async function tap(keypad, id) {
  keypad.querySelector(`#${id}`).dispatchEvent('tap');
  await settle();
}

test('shows the typed yuan, or a grey 0.00 before any key', async () => {
  const keypad = render({ value: '1234.5' });
  await settle();
  expect(textOf(keypad.querySelector('.keypad__display'))).toBe('¥1234.5');

  const empty = render();
  await settle();
  expect(textOf(empty.querySelector('.keypad__display'))).toBe('¥0.00');
  expect(empty.querySelector('.keypad__value--empty')).toBeTruthy();
});

test('each key sends the text after it; keys that change nothing send nothing', async () => {
  const keypad = render({ value: '12.3' });
  const heard = [];
  keypad.addEventListener('change', (event) => heard.push(event.detail));
  await settle();

  await tap(keypad, 'key-4');
  await tap(keypad, 'key-point'); // a second point is ignored
  await tap(keypad, 'key-delete');

  expect(heard).toEqual(['12.34', '12.']);
});

test('a third decimal is ignored, and 完成 is its own event', async () => {
  const keypad = render({ value: '12.34' });
  const heard = [];
  keypad.addEventListener('change', (event) => heard.push(['change', event.detail]));
  keypad.addEventListener('done', () => heard.push(['done']));
  await settle();

  await tap(keypad, 'key-5');
  await tap(keypad, 'key-done');

  expect(heard).toEqual([['done']]);
});

test('shows the error it is given', async () => {
  const keypad = render({ value: '0', error: '金额应在 0.01 元到 1,000,000,000 元之间' });
  await settle();

  expect(textOf(keypad.querySelector('.keypad__error'))).toBe('金额应在 0.01 元到 1,000,000,000 元之间');
});

test('with replace, the first digit or point starts a new amount; delete still edits', async () => {
  const keypad = render({ value: '1280.50', replace: true });
  const heard = [];
  keypad.addEventListener('change', (event) => heard.push(event.detail));
  await settle();

  await tap(keypad, 'key-9');
  await tap(keypad, 'key-point');
  await tap(keypad, 'key-delete');

  expect(heard).toEqual(['9', '0.', '1280.5']);
});
