/**
 * Fingerprints of member rows as they were when the registry last accepted them (or filled the sheet),
 * kept by registry id on a very hidden sheet. «Отправить только изменённые» compares a row's current
 * fingerprint with the stored one. Losing the store is harmless: every row then counts as changed
 * and the server answers «Без изменений».
 */
import { chunkLimits, narrowRows, planChunks, rangeAddress, readRowsInChunks, SheetError, type ChunkLimits } from './sheet-utils';

export const STORE_SHEET_NAME = 'Служебные данные';
const HEADER = ['ID в реестре', 'Отпечаток строки'];
/** Bytes of one stored row in a request: a uuid, 16 hex digits, JSON punctuation. */
const ROW_BYTES = 80;

export function probeStore(context: Excel.RequestContext): Excel.Worksheet {
  const ws = context.workbook.worksheets.getItemOrNullObject(STORE_SHEET_NAME);
  ws.load('name, visibility');
  return ws;
}

function assertOurs(probe: Excel.Worksheet): void {
  if (!probe.isNullObject && probe.visibility !== 'VeryHidden') {
    throw new SheetError(
      'sheet_occupied',
      `В книге уже есть ваш лист «${STORE_SHEET_NAME}». Надстройке нужен лист с таким именем: переименуйте свой лист и повторите.`,
    );
  }
}

/** Reads the store after `probe` was synced. */
export async function readStore(
  context: Excel.RequestContext,
  probe: Excel.Worksheet,
  limits: ChunkLimits = chunkLimits(),
): Promise<{ map: Map<string, string>; syncs: number }> {
  const map = new Map<string, string>();
  if (probe.isNullObject) return { map, syncs: 0 };
  assertOurs(probe);
  const ws = context.workbook.worksheets.getItem(STORE_SHEET_NAME);
  const used = ws.getUsedRangeOrNullObject(true);
  used.load('rowIndex, rowCount');
  await context.sync();
  let syncs = 1;
  if (used.isNullObject) return { map, syncs };
  const end = used.rowIndex + used.rowCount; // 0-based, exclusive
  const total = Math.max(0, end - 1);
  const stats = await readRowsInChunks(
    context,
    total,
    2,
    (start, count) => ws.getRangeByIndexes(1 + start, 0, count, 2),
    (_start, values) => {
      for (const [id, fp] of values) if (typeof id === 'string' && id && typeof fp === 'string' && fp) map.set(id, fp);
    },
    limits,
    { guessBytesPerCell: 40, maxRows: narrowRows(limits, 2) },
  );
  syncs += stats.syncs;
  return { map, syncs };
}

/**
 * A writer that queues the whole store anew: call `reset()` once (clears the old rows, creates the
 * sheet if needed), then `rows(start, entries)` for consecutive slices — each slice can ride along
 * in a sync the caller makes anyway.
 */
export function storeWriter(context: Excel.RequestContext, probe: Excel.Worksheet): { reset(): void; rows(start: number, entries: readonly (readonly [string, string])[]): void } {
  assertOurs(probe);
  let ws: Excel.Worksheet | undefined;
  return {
    reset() {
      if (probe.isNullObject) {
        ws = context.workbook.worksheets.add(STORE_SHEET_NAME);
        ws.visibility = 'VeryHidden';
      } else ws = context.workbook.worksheets.getItem(STORE_SHEET_NAME);
      ws.getRange('A:B').clear('Contents');
      const head = ws.getRange('A1:B1');
      head.numberFormat = [['@']];
      head.values = [HEADER];
    },
    rows(start, entries) {
      if (!ws) throw new Error('storeWriter: reset() first');
      if (entries.length === 0) return;
      const range = ws.getRange(rangeAddress(2 + start, 0, entries.length, 2));
      range.numberFormat = [['@']];
      range.values = entries.map(([id, fp]) => [id, fp]);
    },
  };
}

/** Rewrites the whole store from a map, in as many syncs as the payload needs. */
export async function writeStore(
  context: Excel.RequestContext,
  probe: Excel.Worksheet,
  map: ReadonlyMap<string, string>,
  limits: ChunkLimits = chunkLimits(),
): Promise<number> {
  const entries = [...map.entries()];
  const w = storeWriter(context, probe);
  w.reset();
  const spans = planChunks(entries.length, () => ({ bytes: ROW_BYTES }), { ...limits, maxRows: narrowRows(limits, 2) });
  let syncs = 0;
  if (spans.length === 0) {
    await context.sync();
    return 1;
  }
  for (const span of spans) {
    w.rows(span.start, entries.slice(span.start, span.end));
    await context.sync();
    syncs++;
  }
  return syncs;
}

export const STORE_ROW_BYTES = ROW_BYTES;

/** Creates the (empty) store if it is missing; an existing store is left as it is. */
export function queueEnsureStore(context: Excel.RequestContext, probe: Excel.Worksheet): void {
  assertOurs(probe);
  if (probe.isNullObject) storeWriter(context, probe).reset();
}
