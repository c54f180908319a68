// Runs in every jest worker before the test files: a quiet, deterministic environment.
import path from 'node:path';

process.env.NODE_ENV = 'test';
process.env.TZ = process.env.TZ ?? 'UTC';
// Logs of the whole run go to files that the privacy test reads afterwards.
const logDir = path.resolve(__dirname, '../../artifacts/test-logs');
process.env.LOG_FILE = process.env.LOG_FILE ?? path.join(logDir, `jest-${process.env.JEST_WORKER_ID ?? '0'}-${process.pid}.log`);
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
