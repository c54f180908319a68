import { newId } from './ids';

describe('member ids', () => {
  test('UUID version 7, unique, in creation order even within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newId(1_795_000_000_000));
    for (const id of ids.slice(0, 5)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const later = newId(1_795_000_001_000);
    expect(later > ids[ids.length - 1]).toBe(true);
    expect(parseInt(later.replace(/-/g, '').slice(0, 12), 16)).toBe(1_795_000_001_000);
  });
});
