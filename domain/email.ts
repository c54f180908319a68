/** E-mail addresses: a practical subset of RFC 5322, Cyrillic addresses (почта@школа.рф) allowed. */
import { fail, ok, type Check } from './check';
import { cellAsText, isBlankCell, normalizeSpaces } from './cell';

export const EMAIL_MAX_LENGTH = 254;

const LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;

/** Trims, lowercases the domain; returns the address or a message. */
export function checkEmail(input: unknown, label = 'Эл. почта'): Check<string> {
  const hint = 'впишите адрес в виде name@mail.ru';
  if (isBlankCell(input)) return fail(`${label}: не заполнена — ${hint}`);
  const text = cellAsText(input, label);
  if (!text.ok) return text;
  const s = normalizeSpaces(text.value).replace(/^mailto:/i, '');
  const ats = s.split('@').length - 1;
  if (ats > 1) return fail(`${label}: в ячейке несколько адресов — оставьте один`);
  if (ats === 0) return fail(`${label}: нет знака @ — ${hint}`);
  if (s.includes(' ')) return fail(`${label}: в адресе не может быть пробелов — уберите их`);
  if (s.length > EMAIL_MAX_LENGTH) return fail(`${label}: адрес длиннее ${EMAIL_MAX_LENGTH} знаков — проверьте его`);
  const [local, domainRaw] = s.split('@');
  const domain = domainRaw.toLowerCase();
  if (!local || local.length > 64 || !LOCAL.test(local)) {
    return fail(`${label}: ошибка в части адреса до знака @ — проверьте адрес`);
  }
  if (domain.includes(',')) return fail(`${label}: в адресе запятая вместо точки — исправьте (например, mail.ru)`);
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(labels[labels.length - 1])) {
    return fail(`${label}: ошибка в части адреса после знака @ — проверьте адрес (например, mail.ru, yandex.ru)`);
  }
  return ok(`${local}@${domain}`);
}
