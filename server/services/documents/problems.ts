/** The document module's typed errors as problems for the chair (their `detail` is already Russian and free of personal data). */
import {
  DocumentDataError,
  DocumentsConfigError,
  MembersNotPrintableError,
  MissingPlaceholderError,
  OrganisationDetailsError,
  TemplateError,
  type DocumentError,
} from '../../documents';
import { AppError } from '../../errors';

export function documentProblem(err: DocumentError): AppError {
  if (err instanceof MembersNotPrintableError) return new AppError(422, err.code, err.detail, [], { notPrintable: err.members });
  if (err instanceof OrganisationDetailsError) return new AppError(422, err.code, err.detail, [], { missingDetails: err.missing });
  if (err instanceof DocumentsConfigError) return new AppError(422, err.code, err.detail, [], { missingSettings: err.missing });
  if (err instanceof MissingPlaceholderError) {
    return new AppError(422, err.code, `${err.detail} Проверьте данные или действующий шаблон документа.`, [], { placeholders: err.names });
  }
  if (err instanceof TemplateError) {
    return new AppError(422, err.code, `${err.detail} Администратору реестра: загрузите исправленный шаблон.`, [], { problems: err.problems });
  }
  if (err instanceof DocumentDataError) return new AppError(422, err.code, err.detail);
  return new AppError(422, err.code, err.detail);
}
