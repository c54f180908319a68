/** The organisation tree: kinds, what may sit under what, and materialised paths. */
import { fail, ok, type Check } from './check';
import { formulaStartProblem } from './text';

export const ORG_KINDS = [
  { code: 'central', label: 'Центральный совет Профсоюза' },
  { code: 'regional', label: 'Региональная (межрегиональная) организация' },
  { code: 'territorial', label: 'Территориальная (местная) организация' },
  { code: 'primary', label: 'Первичная профсоюзная организация' },
  { code: 'primary_territorial', label: 'ППО с правами территориальной' },
  { code: 'subdivision', label: 'Профбюро (структурное подразделение)' },
  { code: 'group', label: 'Профгруппа' },
] as const;
export type OrgKind = (typeof ORG_KINDS)[number]['code'];

export const ORG_KIND_CODES = ORG_KINDS.map((k) => k.code) as [OrgKind, ...OrgKind[]];

/** Which kinds may stand directly under which: levels may be skipped (a ППО directly under a region). */
const ALLOWED_CHILDREN: Record<OrgKind, readonly OrgKind[]> = {
  central: ['regional', 'territorial', 'primary', 'primary_territorial'],
  regional: ['territorial', 'primary', 'primary_territorial'],
  territorial: ['primary', 'primary_territorial'],
  primary: ['subdivision', 'group'],
  primary_territorial: ['primary', 'subdivision', 'group'],
  subdivision: ['subdivision', 'group'],
  group: [],
};

export function canContain(parent: OrgKind, child: OrgKind): boolean {
  return ALLOWED_CHILDREN[parent].includes(child);
}

export function orgKindLabel(kind: OrgKind): string {
  return ORG_KINDS.find((k) => k.code === kind)?.label ?? kind;
}

/** Units of a primary organisation's structure (профбюро and профгруппы). */
export function isUnit(kind: OrgKind): boolean {
  return kind === 'subdivision' || kind === 'group';
}

/** Primary organisations: where members are kept, with a passport. */
/** The kinds of a primary union organisation (ППО), with or without the rights of a territorial one. */
export const PRIMARY_KINDS: readonly OrgKind[] = ['primary', 'primary_territorial'];

export function isPrimary(kind: OrgKind): boolean {
  return PRIMARY_KINDS.includes(kind);
}

export function childPath(parentPath: string, id: number): string {
  return `${parentPath}${id}/`;
}

export function rootPath(id: number): string {
  return `/${id}/`;
}

/**
 * The half-open range [from, to) of paths in the subtree of `path` (itself included):
 * '/' is followed by '0' in byte order, so every descendant sorts before path with its last '/' replaced by '0'.
 */
export function subtreeRange(path: string): { from: string; to: string } {
  return { from: path, to: `${path.slice(0, -1)}0` };
}

export function isInSubtree(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}

/** Ids on the path from the root down to the organisation itself. */
export function pathIds(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number);
}

export const ORG_NAME_MAX_LENGTH = 500;

/**
 * The name of an organisation, профбюро or профгруппа: spaces collapsed; not empty, not longer than
 * ORG_NAME_MAX_LENGTH, no `<` `>`, and never starting like a formula — names are written into the
 * superior organisation's progress and budget sheets.
 */
export function checkOrganisationName(input: string): Check<string> {
  const s = input.replace(/\s+/g, ' ').trim();
  if (!s) return fail('Введите название');
  if (s.length > ORG_NAME_MAX_LENGTH) return fail(`Название не длиннее ${ORG_NAME_MAX_LENGTH} символов`);
  if (/[<>]/.test(s)) return fail('Уберите символы < и >');
  const formula = formulaStartProblem(s, 'Название');
  if (formula) return fail(formula);
  return ok(s);
}

/** Names compared for duplicates: case, ё/е, quotes and runs of spaces do not make two names different. */
export function organisationNameKey(name: string): string {
  return name.toLowerCase().replace(/ё/g, 'е').replace(/[«»"“”„]/g, '').replace(/\s+/g, ' ').trim();
}
