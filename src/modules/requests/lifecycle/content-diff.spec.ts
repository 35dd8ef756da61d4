import { diffContent } from './content-diff';

describe('diffContent', () => {
  it('names the leaf that changed, in validation-error notation', () => {
    const before = {
      targets: [{ value: '203.0.113.7', timestamp: { local: '2026-03-01T10:00', timeZone: 'UTC' } }],
    };
    const after = {
      targets: [
        { value: '203.0.113.7', timestamp: { local: '2026-03-01T10:00', timeZone: 'Asia/Ho_Chi_Minh' } },
      ],
    };
    expect(diffContent(before, after)).toEqual([
      { path: 'targets[0].timestamp.timeZone', before: 'UTC', after: 'Asia/Ho_Chi_Minh' },
    ]);
  });

  it('reports added and removed fields and list elements', () => {
    expect(diffContent({ a: 1, list: [1, 2] }, { b: 2, list: [1] })).toEqual([
      { path: 'a', before: 1 },
      { path: 'b', after: 2 },
      { path: 'list[1]', before: 2 },
    ]);
  });

  it('finds nothing between equal contents, whatever the key order', () => {
    expect(diffContent({ a: { x: 1, y: [true] } }, { a: { y: [true], x: 1 } })).toEqual([]);
  });

  it('treats a value replaced by another type as one change', () => {
    expect(diffContent({ timeRange: null }, { timeRange: { from: 'x' } })).toEqual([
      { path: 'timeRange', before: null, after: { from: 'x' } },
    ]);
  });
});
