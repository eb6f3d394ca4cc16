const { fire, renderComponent, settle } = require('./helpers');

const events = [
  { id: 1, kindText: '提交', actor_label: '业主 张*', atText: '2026-11-23 10:00', photos: [] },
  { id: 2, kindText: '超时升级', actor_label: '系统', atText: '2026-11-23 12:00', escalationText: '已升级至业委会', photos: [] },
  {
    id: 3,
    kindText: '反馈结果',
    actor_label: '物业项目经理 李*',
    atText: '2026-11-24 09:30',
    note: '已联系电梯维保单位修复',
    photos: [{ id: 61 }, { id: 62 }],
  },
];

const byClass = (comp, name) =>
  Array.from(comp.dom.querySelectorAll('wx-view')).filter((node) =>
    Array.from(node.classList).some((c) => c === name || c.endsWith(`--${name}`)));
const text = (node) => node.textContent.replace(/\s+/g, '');

test('draws the events oldest first, the latest one marked, with escalation and note', async () => {
  const timeline = renderComponent('timeline', { events, thumbs: {} });
  await settle();

  expect(byClass(timeline, 'event').map(text)).toEqual([
    '提交业主张*2026-11-2310:00',
    '超时升级系统2026-11-2312:00已升级至业委会',
    '反馈结果物业项目经理李*2026-11-2409:30已联系电梯维保单位修复',
  ]);
  expect(byClass(timeline, 'event--latest').map(text)).toEqual([text(byClass(timeline, 'event')[2])]);
});

test('shows each photo from thumbs, and a tap asks to preview that event photo', async () => {
  const timeline = renderComponent('timeline', { events, thumbs: { 61: '/tmp/61.jpg', 62: '/tmp/62.jpg' } });
  const previews = [];
  timeline.addEventListener('preview', (event) => previews.push(event.detail));
  await settle();

  const photos = timeline.querySelectorAll('.event-photo');
  expect(photos.map((photo) => photo.data.src)).toEqual(['/tmp/61.jpg', '/tmp/62.jpg']);
  await fire(photos[1], 'click');

  expect(previews).toEqual([{ event: 2, index: 1 }]);
});
