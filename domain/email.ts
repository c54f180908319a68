/** E-mail addresses: a practical subset of RFC 5322, Cyrillic addresses (почта@школа.рф) allowed. */
import { fail, ok, type Check } from './check';
import { cellAsText, isBlankCell, normalizeSpaces } from './cell';
import { LETTER_RANGES, NUMBER_RANGES } from './unicode-classes';

export const EMAIL_MAX_LENGTH = 254;

// Letters and digits of any script (explicit ranges: the web views of Office 2016/2019 have no \p{…}).
const LN = LETTER_RANGES + NUMBER_RANGES;
const ATOM = `[${LN}!#$%&'*+/=?^_\`{|}~-]+`;
const LOCAL = new RegExp(`^${ATOM}(\\.${ATOM})*$`);
const LABEL = new RegExp(`^[${LN}](?:[${LN}-]{0,61}[${LN}])?$`);
const TLD = new RegExp(`^(?:[${LETTER_RANGES}]{2,63}|xn--[a-z0-9-]{1,59})$`);

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
