/** The standard templates shipped in templates/ (an uploaded replacement is the route's business). */
import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATE_KINDS, type TemplateKind } from './template-kinds';

export const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

const cache = new Map<TemplateKind, Buffer>();

/** The standard template of a kind, read once and kept (the same Buffer, so its parse is cached too). */
export function readTemplateFile(kind: TemplateKind, dir = TEMPLATES_DIR): Buffer {
  if (dir !== TEMPLATES_DIR) return fs.readFileSync(path.join(dir, TEMPLATE_KINDS[kind].file));
  let buf = cache.get(kind);
  if (!buf) {
    buf = fs.readFileSync(path.join(dir, TEMPLATE_KINDS[kind].file));
    cache.set(kind, buf);
  }
  return buf;
}
