import { LETTER_RANGES, NUMBER_RANGES } from './unicode-classes';
import { checkEmail } from './email';
import { passwordProblem } from './password-rule';

describe('explicit Unicode ranges instead of \\p{…} (web views without Unicode property escapes)', () => {
  const bmp = (c: number) => !(c >= 0xd800 && c <= 0xdfff);
  it.each([
    ['L', LETTER_RANGES],
    ['N', NUMBER_RANGES],
  ])('\\p{%s}: the same set of BMP code points as the running engine', (property, ranges) => {
    const ours = new RegExp(`^[${ranges}]$`);
    const engine = new RegExp(`^\\p{${property}}$`, 'u');
    const differ: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (!bmp(c)) continue;
      const ch = String.fromCharCode(c);
      if (ours.test(ch) !== engine.test(ch)) differ.push(c.toString(16));
    }
    // A Node with a newer Unicode adds letters: run `npx tsx scripts/make-unicode-classes.ts`.
    expect(differ).toEqual([]);
  });

  it('keeps the shipped source ASCII: escapes, not the characters themselves', () => {
    expect(LETTER_RANGES).toMatch(/^[\x20-\x7e]+$/);
    expect(NUMBER_RANGES).toMatch(/^[\x20-\x7e]+$/);
  });

  it('e-mail: Cyrillic, Latin, Greek and digits of other scripts as before', () => {
    expect(checkEmail('почта@школа.рф')).toEqual({ ok: true, value: 'почта@школа.рф' });
    expect(checkEmail('Ivan.Petrov@Mail.RU')).toEqual({ ok: true, value: 'Ivan.Petrov@mail.ru' });
    expect(checkEmail('άλφα@παράδειγμα.ελ').ok).toBe(true);
    expect(checkEmail('user٣@example.com').ok).toBe(true);
    expect(checkEmail('a@b.c1').ok).toBe(false);
    expect(checkEmail('a b@c.ru').ok).toBe(false);
  });

  it('password: a letter of any script counts, digits alone do not', () => {
    expect(passwordProblem('Пароль2026год', 'school')).toBeNull();
    expect(passwordProblem('密码密码密码密码1234', 'school')).toBeNull();
    expect(passwordProblem('12345678901', 'school')).toBe('В пароле должны быть и буквы, и цифры.');
    expect(passwordProblem('school-2026-x', 'school')).toBe('Пароль не должен содержать логин.');
    expect(passwordProblem('short1', 'school')).toBe('Пароль должен быть не короче 10 символов.');
  });
});
