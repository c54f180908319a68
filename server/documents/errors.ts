/**
 * Typed errors of the document module. Every message (`detail`) is Russian text a chair can read and
 * never contains personal data: placeholder names, field names and member ids only.
 */

export abstract class DocumentError extends Error {
  abstract readonly code: string;
  /** Russian text for the chair (or the administrator). */
  readonly detail: string;

  constructor(detail: string) {
    super(detail);
    this.detail = detail;
    this.name = new.target.name;
  }
}

/** A template has placeholders for which no value was given (or the value is empty). */
export class MissingPlaceholderError extends DocumentError {
  readonly code = 'missing_placeholder';
  constructor(readonly names: readonly string[]) {
    super(`Не заполнены поля документа: ${names.map((n) => `{{${n}}}`).join(', ')}. Документ с пустыми полями не формируется.`);
  }
}

/** The file is not a usable .docx template, or its placeholders are malformed. */
export class TemplateError extends DocumentError {
  readonly code = 'template_invalid';
  constructor(detail: string, readonly problems: readonly string[] = []) {
    super(detail);
  }
}

/** The organisation lacks details that the consent must name (operator name, address…). */
export class OrganisationDetailsError extends DocumentError {
  readonly code = 'organisation_details_missing';
  constructor(readonly missing: readonly string[]) {
    super(
      `Для печати согласий не хватает сведений об организации: ${missing.join('; ')}. ` +
        'Заполните их в паспорте организации и повторите печать.',
    );
  }
}

/** config/documents.json lacks a value a document needs (e.g. the card operator's ИНН). */
export class DocumentsConfigError extends DocumentError {
  readonly code = 'documents_config_incomplete';
  constructor(readonly missing: readonly string[]) {
    super(
      `В настройках документов сервера (config/documents.json) не заполнено: ${missing.join('; ')}. ` +
        'Обратитесь к администратору реестра.',
    );
  }
}

export interface NotPrintableMember {
  memberId: string;
  reason: string;
}

/** Some members cannot get a consent printed (no surname or name). Ids only, no names. */
export class MembersNotPrintableError extends DocumentError {
  readonly code = 'members_not_printable';
  constructor(readonly members: readonly NotPrintableMember[]) {
    super(
      `Согласия нельзя напечатать для ${members.length} чел.: у них не заполнены фамилия или имя. ` +
        'Исправьте учётные карточки или уберите этих членов Профсоюза из печати.',
    );
  }
}

/** The data for a document is unusable (e.g. a card order without members). */
export class DocumentDataError extends DocumentError {
  readonly code = 'document_data_invalid';
}
