/**
 * Deterministic synthetic member rows for tests (no real people): registry rows as the server
 * would send them, with dates as ISO strings and enum values as labels.
 */
import type { RegistryRow } from './member-sheet';
import { seededRandom } from '../../domain/seeded-random';

const SURNAMES = ['Иванова', 'Петров', 'Сидоренко', 'Кузнецова', 'Ёлкин', 'Смирнова', 'Попов', 'Васильева', 'Соколов', 'Михайлова'];
const NAMES = ['Анна', 'Пётр', 'Мария', 'Алексей', 'Ольга', 'Дмитрий', 'Елена', 'Сергей'];
const PATRONYMICS = ['Ивановна', 'Петрович', 'Сергеевна', 'Алексеевич', '', 'Дмитриевна'];
const POSITIONS = ['учитель математики', 'воспитатель', 'группа ИС-21', 'доцент кафедры физики', 'бухгалтер'];
const CATEGORIES = ['Работник', 'Обучающийся', 'Неработающий пенсионер'];
const UNITS = ['', 'Профбюро физмата', 'Профгруппа кафедры истории'];

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const digits = (rnd: () => number, n: number): string => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
const pad = (n: number): string => String(n).padStart(2, '0');

export function syntheticRegistryRows(count: number, seed = 1): RegistryRow[] {
  const rnd = seededRandom(seed);
  const rows: RegistryRow[] = [];
  for (let i = 0; i < count; i++) {
    const hex = (i + 1).toString(16).padStart(12, '0');
    rows.push({
      id: `00000000-0000-4000-8000-${hex}`,
      version: 1 + Math.floor(rnd() * 5),
      cells: {
        surname: pick(rnd, SURNAMES),
        name: pick(rnd, NAMES),
        patronymic: pick(rnd, PATRONYMICS) || null,
        sex: pick(rnd, ['М', 'Ж']),
        birthDate: `${1950 + Math.floor(rnd() * 55)}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * 28))}`,
        snils: `0${digits(rnd, 10)}`,
        phone: `+79${digits(rnd, 9)}`,
        email: rnd() < 0.5 ? `user${i}@example.ru` : null,
        position: pick(rnd, POSITIONS),
        category: pick(rnd, CATEGORIES),
        joinedAt: `20${pad(Math.floor(rnd() * 24))}-09-01`,
        unit: pick(rnd, UNITS) || null,
        consentUnion: 'Дано',
        consentUnionDate: '2024-10-01',
        consentOperator: rnd() < 0.5 ? 'Дано' : null,
        consentOperatorDate: null,
        consentNotify: null,
        consentNotifyDate: null,
        cardStatus: 'Не заказан',
        address: rnd() < 0.3 ? `г. Казань, ул. Пушкина, д. ${1 + Math.floor(rnd() * 90)}, кв. ${1 + Math.floor(rnd() * 200)}` : null,
        idDocument: rnd() < 0.3 ? `92 0${digits(rnd, 1)} ${digits(rnd, 6)}, выдан МВД по Республике Татарстан 01.02.2015` : null,
      },
    });
  }
  return rows;
}
