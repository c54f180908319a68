import { plural } from '../../domain/cell';

/** "12 345" with a narrow non-breaking space, as Russian texts write big numbers. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** «1 234,50 ₽» from kopecks. */
export function rub(kopecks: number): string {
  const v = (kopecks / 100).toFixed(2).replace('.', ',');
  const [int, frac] = v.split(',');
  return `${formatCount(Number(int))},${frac} ₽`;
}

/** «3 члена Профсоюза» */
export function membersWord(n: number): string {
  return `${formatCount(n)} ${plural(n, ['член', 'члена', 'членов'])} Профсоюза`;
}
