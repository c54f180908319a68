/** "12 345" with a narrow non-breaking space, as Russian texts write big numbers. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}
