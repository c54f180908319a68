/** The rule for a new password, checked in the pane as the chair types and again on the server. */
import { LETTER_RANGES } from './unicode-classes';

const LETTER = new RegExp(`[${LETTER_RANGES}]`);

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** A new password must be usable by a teacher yet not trivial; null when it is fine. */
export function passwordProblem(password: string, login: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Пароль должен быть не короче ${PASSWORD_MIN_LENGTH} символов.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Пароль слишком длинный (не более ${PASSWORD_MAX_LENGTH} символов).`;
  if (login && password.toLowerCase().includes(login.toLowerCase())) return 'Пароль не должен содержать логин.';
  if (!LETTER.test(password) || !/\d/.test(password)) return 'В пароле должны быть и буквы, и цифры.';
  return null;
}
