/**
 * The JSON configuration files of config/ (documents, card transitions, deregistration reasons): read
 * and checked at start, and a broken file stops the server with its name and every problem listed,
 * for the administrator who edited it.
 */
import fs from 'node:fs';
import type { z } from 'zod';

/** The parsed JSON of a configuration file; an unreadable or malformed file throws naming it. */
export function readConfigJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the ${what} from ${file}: ${(e as Error).message}`);
  }
}

/** A configuration object checked against its schema; throws «<source> is invalid: path: message; …». */
export function parseConfig<T>(schema: z.ZodType<T>, json: unknown, source: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source} is invalid: ${issues}`);
  }
  return parsed.data;
}
