/** The one error middleware: everything becomes application/problem+json; no stack traces leave the server. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { AppError, type ProblemField } from '../errors';

export const PROBLEM_TYPE_BASE = '/problems/';

const TITLES: Record<number, string> = {
  400: 'Неверный запрос',
  401: 'Требуется вход',
  403: 'Нет доступа',
  404: 'Не найдено',
  405: 'Метод не поддерживается',
  409: 'Конфликт',
  410: 'Ссылка больше не действует',
  413: 'Слишком большой запрос',
  415: 'Неподдерживаемый формат',
  422: 'Данные не приняты',
  423: 'Учётная запись заблокирована',
  429: 'Слишком много запросов',
  500: 'Внутренняя ошибка сервера',
  503: 'Сервис временно недоступен',
};

export function sendProblem(res: Response, status: number, code: string, detail: string, fields: ProblemField[] = [], extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: PROBLEM_TYPE_BASE + code, title: TITLES[status] ?? 'Ошибка', status, detail, ...(fields.length ? { errors: fields } : {}), ...extra }));
}

export function zodFields(err: ZodError): ProblemField[] {
  return err.issues.map((i) => ({ field: i.path.map(String).join('.') || '(тело запроса)', message: i.message }));
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Errors from the database driver that mean "try again" rather than "bug". */
function isTransientDbError(err: Error): boolean {
  const name = err.name ?? '';
  // Sequelize wraps the driver's error (original/parent); a pg error raised while Sequelize opens a connection arrives bare.
  const code = (err as { original?: { code?: string } }).original?.code ?? (err as { parent?: { code?: string } }).parent?.code ?? (err as { code?: unknown }).code ?? '';
  return (
    name === 'SequelizeConnectionError' ||
    name === 'SequelizeConnectionRefusedError' ||
    name === 'SequelizeConnectionAcquireTimeoutError' ||
    name === 'SequelizeHostNotReachableError' ||
    code === 'SQLITE_BUSY' ||
    code === '57P01' || // admin_shutdown
    code === '57P03' || // cannot_connect_now
    code === '40001' || // serialization_failure
    code === '40P01' || // deadlock_detected
    code === 'ECONNRESET' ||
    code === 'ECONNREFUSED' ||
    /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED/.test(err.message ?? '')
  );
}

export function problemMiddleware(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof AppError) return sendProblem(res, err.status, err.code, err.detail, err.fields, err.extra);
    if (err instanceof ZodError) {
      const fields = zodFields(err);
      return sendProblem(res, 400, 'validation', `Проверьте поля: ${fields.map((f) => f.field).join(', ')}.`, fields);
    }
    const e = err as BodyParserError;
    switch (e?.type) {
      case 'entity.parse.failed':
        return sendProblem(res, 400, 'malformed_json', 'Тело запроса — не корректный JSON.', [{ field: '(тело запроса)', message: 'Не удалось разобрать JSON.' }]);
      case 'entity.too.large':
        return sendProblem(res, 413, 'body_too_large', 'Запрос слишком большой. Отправляйте список частями.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendProblem(res, 415, 'unsupported_encoding', 'Неподдерживаемая кодировка запроса: используйте UTF-8.');
      case 'request.aborted':
        return sendProblem(res, 400, 'request_aborted', 'Запрос прерван.');
    }
    if (e instanceof Error && isTransientDbError(e)) {
      log.warn({ err: { name: e.name }, route: req.route?.path }, 'database unavailable');
      res.set('Retry-After', '5');
      return sendProblem(res, 503, 'database_unavailable', 'База данных реестра временно недоступна. Повторите через несколько секунд — уже отправленные строки не задвоятся.');
    }
    // Log the kind of failure and where, never the message (driver messages can carry SQL values).
    log.error({ err: { name: (e as Error)?.name, stack: stackWithoutMessage(e as Error) }, requestId: res.getHeader('X-Request-Id'), method: req.method, route: req.route?.path }, 'unhandled error');
    sendProblem(res, 500, 'internal', 'Внутренняя ошибка сервера. Попробуйте ещё раз; если ошибка повторится, сообщите администратору реестра время ошибки и номер запроса.');
  };
}

function stackWithoutMessage(e: Error | undefined): string | undefined {
  return e?.stack?.split('\n').slice(1, 8).join('\n');
}
