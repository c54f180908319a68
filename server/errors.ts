/** The one error type services throw; the error middleware turns it into application/problem+json. */

export interface ProblemField {
  /** The failing field: a JSON path such as "inn" or "rows.3.snils". */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Russian text a chair can read. */
    readonly detail: string,
    readonly fields: ProblemField[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const badRequest = (detail: string, fields: ProblemField[] = [], extra: Record<string, unknown> = {}) =>
  new AppError(400, 'bad_request', detail, fields, extra);
export const unauthorized = (detail = 'Войдите в систему: сеанс не начат или истёк.') =>
  new AppError(401, 'unauthorized', detail);
export const forbidden = (detail: string, code = 'forbidden') => new AppError(403, code, detail);
export const notFound = (detail = 'Не найдено.') => new AppError(404, 'not_found', detail);
export const conflict = (detail: string, extra: Record<string, unknown> = {}) => new AppError(409, 'conflict', detail, [], extra);
/** A value that is well-formed but refused by a rule of the domain (e.g. text that would start a formula in Excel). */
export const unprocessable = (detail: string, field: string) => new AppError(422, 'validation', detail, [{ field, message: detail }]);
export const tooMany = (detail: string) => new AppError(429, 'too_many_requests', detail);
