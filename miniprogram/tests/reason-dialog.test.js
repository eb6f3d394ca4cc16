const { fire, renderComponent, settle, textOf } = require('./helpers');

const render = (properties) =>
  renderComponent('reason-dialog', {
    title: '撤回公告',
    value: '',
    placeholder: '请说明撤回原因',
    maxlength: 200,
    confirmText: '确认撤回',
    ...properties,
  });

test('shows the title, the reason field with its limit and the two buttons', async () => {
  const dialog = render();
  await settle();

  expect(textOf(dialog)).toContain('撤回公告');
  const field = dialog.querySelector('#reason');
  expect(field.data).toMatchObject({ placeholder: '请说明撤回原因', maxlength: 200, showWordLimit: true, type: 'textarea' });
  expect(textOf(dialog.querySelector('#confirm-button'))).toBe('确认撤回');
  expect(textOf(dialog.querySelector('#cancel-button'))).toBe('取消');
});

test('shows the error, a named way back, and a busy confirm button', async () => {
  const dialog = render({ error: '请填写撤回原因', cancelText: '返回', loading: true, disabled: true });
  await settle();

  expect(dialog.querySelector('#reason').data.errorMessage).toBe('请填写撤回原因');
  expect(textOf(dialog.querySelector('#cancel-button'))).toBe('返回');
  expect(dialog.querySelector('#confirm-button').data).toMatchObject({ loading: true, disabled: true });
});

test('passes on the typed text, confirm and cancel as its own events', async () => {
  const dialog = render();
  const heard = [];
  ['change', 'confirm', 'cancel'].forEach((name) =>
    dialog.addEventListener(name, (event) => heard.push([name, event.detail])));

  await fire(dialog.querySelector('#reason'), 'change', '时间有误');
  await fire(dialog.querySelector('#confirm-button'), 'click');
  await fire(dialog.querySelector('#cancel-button'), 'click');

  // The field's own change may reach the listener too (the simulator lets it cross); either
  // way the page hears the text.
  expect(heard.filter(([name]) => name === 'change').map(([, detail]) => detail)).toContain('时间有误');
  expect(heard.filter(([name]) => name !== 'change').map(([name]) => name)).toEqual(['confirm', 'cancel']);
});
