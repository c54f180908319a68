/**
 * What counts as personal data or a secret in a log line. The canaries are values that tests and the
 * demo data put into the register; the patterns catch the rest (СНИЛС, phones, e-mails, tokens).
 */
export const PERSONAL_DATA_CANARIES: readonly string[] = [
  // demo chairs and test fixtures
  'Иванова Мария Сергеевна', 'Фёдорова Анна Ивановна', 'Кузнецов Андрей Викторович', 'Смирнова Ольга Петровна',
  'Белова Елена Юрьевна', 'Сидорова Нина Павловна', 'Орлов Олег Олегович', 'Петров Пётр Петрович',
  // values used by the member tests and the demo members
  'Канарейкина', '112-233-445 95', '11223344595', '+79123456789', '89123456789',
  // passwords of the demo logins and the new passwords set in tests
  'demo-school-2026', 'demo-admin-2026', 'demo-territory-2026', 'Новый-пароль-2026',
];

const PATTERNS: { name: string; re: RegExp }[] = [
  { name: 'СНИЛС', re: /\b\d{3}-\d{3}-\d{3}[ -]\d{2}\b/ },
  { name: 'phone', re: /\+7\d{10}\b|\b8 ?\(?9\d{2}\)? ?\d{3}[ -]?\d{2}[ -]?\d{2}\b/ },
  { name: 'e-mail', re: /[\w.+-]+@[\w-]+\.[\w.-]+/ },
  { name: 'bearer token', re: /Bearer\s+[\w-]{20,}/i },
  { name: 'token field', re: /"(token|password|oneTimePassword|newPassword|oldPassword)"\s*:\s*"(?!\[скрыто\])/ },
];

export function findPersonalData(line: string): string[] {
  const hits: string[] = [];
  for (const c of PERSONAL_DATA_CANARIES) if (line.includes(c)) hits.push(`seeded value «${c.slice(0, 3)}…»`);
  for (const p of PATTERNS) if (p.re.test(line)) hits.push(p.name);
  return hits;
}
