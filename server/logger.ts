/**
 * Structured logs (pino). Personal data never reaches a log line: request logs carry method, route
 * pattern, status and timing only (never bodies, query strings or URLs with ids), and the redaction
 * list below is a second line of defence for anything that slips into a logged object.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'password', '*.password', 'newPassword', '*.newPassword', 'oldPassword', '*.oldPassword',
  'token', '*.token', 'authorization', '*.authorization', 'headers.authorization',
  'surname', 'name', 'patronymic', 'snils', 'phone', 'email', 'birthDate', 'address', 'idDocument',
  '*.surname', '*.patronymic', '*.snils', '*.phone', '*.email', '*.birthDate', '*.address', '*.idDocument',
];

export function createLogger(level: string, file: string | null): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[скрыто]' }, base: { pid: process.pid } };
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return pino(options, pino.destination({ dest: file, sync: true, append: true }));
  }
  return pino(options);
}
