/** The passport in the pane, without Excel and the DOM: checking before saving, messages per field. */
import { INSTITUTION_TYPES, PASSPORT_FIELDS as DOMAIN_FIELDS, validatePassport, type PassportKey } from '../../domain/passport';
import type { ApiError } from '../api/errors';
import { PASSPORT_FIELDS as SHEET_FIELDS } from '../excel/passport-layout';

export interface PassportIssue {
  field: PassportKey;
  /** Full message (domain words it as «<label>: what to do»). */
  message: string;
}

/** What the chair sees on the sheet for a field (the form's label), else the domain's. */
export function passportFieldLabel(field: string): string {
  return SHEET_FIELDS.find((f) => f.key === field)?.label ?? DOMAIN_FIELDS.find((f) => f.key === field)?.label ?? field;
}

/** The message without the domain's «<label>: » prefix, with the list of allowed types where one is needed. */
export function passportIssueText(issue: PassportIssue): string {
  // Domain prefixes the label, and some validators prefix it again («ИНН: ИНН: …»): the list shows it once.
  const labels = [DOMAIN_FIELDS.find((f) => f.key === issue.field)?.label, passportFieldLabel(issue.field)].filter((l): l is string => Boolean(l));
  let text = issue.message;
  for (let again = true; again; ) {
    again = false;
    for (const l of labels) {
      if (text.startsWith(`${l}: `)) {
        text = text.slice(l.length + 2);
        again = true;
      }
    }
  }
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (issue.field === 'institutionType' && /списк/.test(text)) {
    text += ` — впишите одно из значений: ${INSTITUTION_TYPES.map((t) => `«${t}»`).join(', ')}`;
  }
  return text;
}

/** The same rules as the server, before anything is sent. */
export function checkPassport(values: Partial<Record<PassportKey, unknown>>): PassportIssue[] {
  return validatePassport(values).errors.map((e) => ({ field: e.field, message: e.message }));
}

/** Field errors of a refused save ("data.inn" → "inn"); other fields are ignored. */
export function passportIssuesFromError(e: ApiError): PassportIssue[] {
  const keys = new Set<string>(DOMAIN_FIELDS.map((f) => f.key));
  const out: PassportIssue[] = [];
  for (const f of e.fields) {
    const key = f.field.replace(/^data\./, '');
    if (keys.has(key)) out.push({ field: key as PassportKey, message: f.message });
  }
  return out;
}
