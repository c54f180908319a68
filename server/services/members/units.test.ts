import { resolveUnit, unitKey, type UnitIndex, type UnitInfo } from './units';

function index(units: [number, string, string][]): UnitIndex {
  const byId = new Map<number, UnitInfo>([[1, { id: 1, name: 'ППО школы', path: '/1/', status: 'active', isUnit: false }]]);
  const byKey = new Map<string, UnitInfo[]>();
  for (const [id, name, path] of units) {
    const u: UnitInfo = { id, name, path, status: 'active', isUnit: true };
    byId.set(id, u);
    byKey.set(unitKey(name), [...(byKey.get(unitKey(name)) ?? []), u]);
  }
  return { primary: { id: 1, name: 'ППО школы', path: '/1/' }, byId, byKey };
}

describe('the «Подразделение» column', () => {
  const idx = index([
    [2, 'Профбюро начальной школы', '/1/2/'],
    [3, 'Профгруппа «Ёлочка»', '/1/2/3/'],
    [4, 'Профгруппа 5-х классов', '/1/4/'],
    [5, 'Профгруппа 5-х классов', '/1/2/5/'],
  ]);

  test('empty or the organisation itself → the primary organisation', () => {
    expect(resolveUnit(idx, null)).toEqual({ ok: true, orgId: 1, name: null });
    expect(resolveUnit(idx, '   ')).toEqual({ ok: true, orgId: 1, name: null });
    expect(resolveUnit(idx, 'ппо ШКОЛЫ')).toEqual({ ok: true, orgId: 1, name: null });
  });

  test('names match case-, ё-, quote- and space-insensitively and come back as stored', () => {
    expect(resolveUnit(idx, 'профбюро  НАЧАЛЬНОЙ школы')).toEqual({ ok: true, orgId: 2, name: 'Профбюро начальной школы' });
    expect(resolveUnit(idx, 'Профгруппа "Елочка"')).toEqual({ ok: true, orgId: 3, name: 'Профгруппа «Ёлочка»' });
  });

  test('an unknown name lists the units; a name used twice asks to rename', () => {
    const unknown = resolveUnit(idx, 'Профгруппа старшей школы');
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.message).toBe(
      'Подразделение: «Профгруппа старшей школы» нет в вашей организации. Есть: «Профбюро начальной школы», «Профгруппа «Ёлочка»», «Профгруппа 5-х классов», «Профгруппа 5-х классов». Выберите одно из них или оставьте ячейку пустой',
    );
    const twice = resolveUnit(idx, 'Профгруппа 5-х классов');
    expect(!twice.ok && twice.message).toMatch(/^Подразделение: подразделений «Профгруппа 5-х классов» несколько \(в «ППО школы», «Профбюро начальной школы»\)/);
  });

  test('an organisation without units says so', () => {
    const r = resolveUnit(index([]), 'Профгруппа');
    expect(!r.ok && r.message).toMatch(/в вашей организации нет профбюро и профгрупп/);
  });
});
