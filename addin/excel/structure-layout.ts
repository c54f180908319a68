/**
 * The «Структура» sheet: профбюро and профгруппы of the primary organisation, one table row each.
 * The sheet shows labels; the codes are what the task pane sends to the server.
 */
import type { Option } from '../../domain/members/codes';

export const STRUCTURE_SHEET_NAME = 'Структура';
export const STRUCTURE_TABLE_NAME = 'СтруктураППО';

export const UNIT_KINDS = [
  { code: 'subdivision', label: 'Профбюро' },
  { code: 'group', label: 'Профгруппа' },
] as const satisfies readonly Option<string>[];

export const UNIT_STATUSES = [
  { code: 'active', label: 'Действует' },
  { code: 'closed', label: 'Закрыто' },
] as const satisfies readonly Option<string>[];

export type StructureColumnKey = 'id' | 'parentName' | 'kind' | 'name' | 'status';

export interface StructureColumn {
  readonly key: StructureColumnKey;
  readonly header: string;
  /** Excel character units. */
  readonly width: number;
  readonly hidden?: boolean;
  /** Dropdown list (a key of LISTS in lists.ts). */
  readonly list?: 'unitKind' | 'unitStatus';
  readonly help: string;
}

export const STRUCTURE_COLUMNS: readonly StructureColumn[] = [
  { key: 'parentName', header: 'Входит в', width: 30, help: 'Название профбюро, в которое входит профгруппа; пусто — сама первичная организация.' },
  { key: 'kind', header: 'Вид', width: 14, list: 'unitKind', help: 'Профбюро или профгруппа.' },
  { key: 'name', header: 'Название', width: 40, help: 'Как подразделение называется в учреждении: факультет, кафедра, филиал, школа.' },
  { key: 'status', header: 'Состояние', width: 14, list: 'unitStatus', help: 'Действует или закрыто.' },
  { key: 'id', header: 'ID в реестре', width: 38, hidden: true, help: 'Служебный столбец: не изменяйте.' },
];
