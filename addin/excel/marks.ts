/**
 * Marking cells of the member table: a light red fill plus a note (or comment) with the message on
 * each bad cell, a yellow fill on conflict rows, and clearing both.
 *
 * How scattered cells are coloured without a sync per cell: every mark of a chunk is queued and the
 * chunk is sent in ONE sync. Where Excel has RangeAreas (ExcelApi 1.9) the cells of a chunk are
 * grouped into address lists of at most 255 characters, so one RangeAreas object colours ~25–40
 * cells; on older Excel each cell (or each run of whole rows) is one Range object. Either way the
 * number of objects per request is bounded by the chunk planner (`ChunkLimits.maxOps`), so a request
 * never grows with the sheet. Conditional formatting driven by a hidden column was considered and
 * rejected: it needs an extra column in the table contract, a formula per column that a chair cannot
 * read, and it still cannot attach the message to the cell — notes have no batch API in any version,
 * one `add` per note is the floor.
 *
 * Notes and comments we add start with MARK_PREFIX; a user's own note is never deleted or replaced
 * (that cell keeps the fill, and the message stays in the «Результат» column).
 */
import type { ExcelCapabilities } from './capabilities';
import { markKind } from './capabilities';
import { cellAddress, groupAddresses, isPayloadLimitError, rangeAddress, rowRuns, utf8Length, type ChunkLimits } from './sheet-utils';

export const MARK_PREFIX = '⚠ ';
export const ERROR_FILL = '#FFC7CE';
export const CONFLICT_FILL = '#FFEB9C';

type MarkItem = Excel.Note | Excel.Comment;

export interface MarkIndexEntry {
  /** 1-based sheet row. */
  row: number;
  /** 0-based sheet column. */
  col: number;
  ours: boolean;
  item: MarkItem;
}

export interface MarkIndex {
  entries: MarkIndexEntry[];
  /** Cells (row * 16384 + col) that hold any note/comment, ours or the user's. */
  occupied: Set<number>;
}

export const cellKey = (row: number, col: number): number => row * 16_384 + col;

/**
 * Finds our notes (or comments) and where they sit, page by page: each page loads the content of at
 * most `maxOps` items with `$top`/`$skip` (Office.js collection load options), sized from the
 * heaviest message seen so the response stays within `maxBytes`; then one sync loads the page's
 * locations. 20,000 marks never come in one response (Excel on the web refuses responses above
 * ~5 MB, and then every check, push and clear would fail). Two syncs per page, none without marks.
 */
export async function loadMarkIndex(context: Excel.RequestContext, sheet: Excel.Worksheet, caps: ExcelCapabilities, limits: ChunkLimits): Promise<{ index: MarkIndex; syncs: number }> {
  const index: MarkIndex = { entries: [], occupied: new Set() };
  const kind = markKind(caps);
  if (kind === 'none') return { index, syncs: 0 };
  let syncs = 0;
  let skip = 0;
  // A first guess: a message of ~200 Cyrillic letters plus the envelope; then the heaviest seen.
  let bytesPerItem = 600;
  for (;;) {
    const top = Math.max(1, Math.min(limits.maxOps, Math.floor(limits.maxBytes / bytesPerItem)));
    const coll: Excel.NoteCollection | Excel.CommentCollection = kind === 'notes' ? sheet.notes : sheet.comments;
    coll.load({ select: 'content', top, skip }); // OfficeExtension.LoadOption: top/skip page a collection
    try {
      await context.sync();
    } catch (err) {
      syncs++;
      if (isPayloadLimitError(err) && top > 1) {
        bytesPerItem = Math.ceil(limits.maxBytes / Math.max(1, Math.floor(top / 2)));
        continue;
      }
      throw err;
    }
    syncs++;
    const items = [...(coll.items as MarkItem[])];
    if (items.length === 0) break;
    const located = await locateMarks(context, items, limits);
    syncs += located.syncs;
    for (const e of located.index.entries) index.entries.push(e);
    for (const k of located.index.occupied) index.occupied.add(k);
    let heaviest = 0;
    for (const it of items) heaviest = Math.max(heaviest, utf8Length(it.content));
    bytesPerItem = Math.max(64, Math.ceil(heaviest * 1.5) + 100);
    if (items.length < top) break;
    skip += items.length;
  }
  return { index, syncs };
}

/** Queues the deletion of our marks in the index, at most `maxOps` per sync. Returns the syncs. */
export async function deleteOurMarks(context: Excel.RequestContext, index: MarkIndex, limits: ChunkLimits, filter: (e: MarkIndexEntry) => boolean = () => true): Promise<{ deleted: number; syncs: number }> {
  const ours = index.entries.filter((e) => e.ours && filter(e));
  let syncs = 0;
  for (let i = 0; i < ours.length; i += limits.maxOps) {
    for (const e of ours.slice(i, i + limits.maxOps)) {
      e.item.delete();
      index.occupied.delete(cellKey(e.row, e.col));
    }
    await context.sync();
    syncs++;
  }
  const gone = new Set(ours);
  index.entries = index.entries.filter((e) => !gone.has(e));
  return { deleted: ours.length, syncs };
}

/** Queues loading the sheet's notes (or comments); call the returned function after the sync. */
export function queueMarkItems(sheet: Excel.Worksheet, caps: ExcelCapabilities): () => MarkItem[] {
  const kind = markKind(caps);
  if (kind === 'none') return () => [];
  const coll: Excel.NoteCollection | Excel.CommentCollection = kind === 'notes' ? sheet.notes : sheet.comments;
  coll.load('items/content');
  return () => coll.items as MarkItem[];
}

/** Finds where each note/comment sits: one sync per `maxOps` items (none when the sheet has none). */
export async function locateMarks(context: Excel.RequestContext, items: MarkItem[], limits: ChunkLimits): Promise<{ index: MarkIndex; syncs: number }> {
  const index: MarkIndex = { entries: [], occupied: new Set() };
  let syncs = 0;
  for (let start = 0; start < items.length; start += limits.maxOps) {
    const slice = items.slice(start, start + limits.maxOps);
    const locs = slice.map((it) => it.getLocation().load('rowIndex, columnIndex'));
    await context.sync();
    syncs++;
    slice.forEach((item, i) => {
      const row = locs[i].rowIndex + 1;
      const col = locs[i].columnIndex;
      index.occupied.add(cellKey(row, col));
      index.entries.push({ row, col, ours: item.content.startsWith(MARK_PREFIX), item });
    });
  }
  return { index, syncs };
}

/** Our marks in the given rows, removed from the index (queued deletes). */
export function queueDeleteOurMarksInRows(index: MarkIndex, rows: ReadonlySet<number>): number {
  let n = 0;
  index.entries = index.entries.filter((e) => {
    if (e.ours && rows.has(e.row)) {
      e.item.delete();
      index.occupied.delete(cellKey(e.row, e.col));
      n++;
      return false;
    }
    return true;
  });
  return n;
}

/** All our marks (queued deletes). */
export function queueDeleteAllOurMarks(index: MarkIndex): number {
  const rows = new Set(index.entries.filter((e) => e.ours).map((e) => e.row));
  return queueDeleteOurMarksInRows(index, rows);
}

/**
 * Sets or clears the fill of whole table rows (sheet columns [col0, col0+width)): runs of
 * consecutive rows become one range; with RangeAreas the runs are grouped further.
 */
export function queueRowFill(sheet: Excel.Worksheet, rows: readonly number[], col0: number, width: number, color: string | null, caps: ExcelCapabilities): number {
  if (rows.length === 0) return 0;
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const addresses = rowRuns(sorted).map((r) => rangeAddress(r.first, col0, r.count, width));
  return queueFill(sheet, addresses, color, caps);
}

/** Sets the fill of single cells. */
export function queueCellFill(sheet: Excel.Worksheet, cells: readonly { row: number; col: number }[], color: string, caps: ExcelCapabilities): number {
  return queueFill(
    sheet,
    cells.map((c) => cellAddress(c.row, c.col)),
    color,
    caps,
  );
}

function queueFill(sheet: Excel.Worksheet, addresses: readonly string[], color: string | null, caps: ExcelCapabilities): number {
  const groups = caps.rangeAreas ? groupAddresses(addresses) : addresses;
  for (const a of groups) {
    const target = caps.rangeAreas ? sheet.getRanges(a) : sheet.getRange(a);
    if (color === null) target.format.fill.clear();
    else target.format.fill.color = color;
  }
  return groups.length;
}

/** How many objects `queueRowFill`/`queueCellFill` will create for so many addresses (for chunk planning). */
export function fillOps(addressCount: number, caps: ExcelCapabilities): number {
  return caps.rangeAreas ? Math.ceil(addressCount / 20) : addressCount;
}

/**
 * Adds a note (or comment) with the message on each cell that has none; returns how many were added.
 * The address carries the sheet name: comments need it, notes accept it.
 */
export function queueAddMarks(sheet: Excel.Worksheet, sheetName: string, cells: readonly { row: number; col: number; message: string }[], index: MarkIndex, caps: ExcelCapabilities): number {
  const kind = markKind(caps);
  if (kind === 'none') return 0;
  let n = 0;
  for (const c of cells) {
    const k = cellKey(c.row, c.col);
    if (index.occupied.has(k)) continue;
    const text = `${MARK_PREFIX}${c.message}`.slice(0, 2000);
    const address = cellAddress(c.row, c.col, sheetName);
    if (kind === 'notes') sheet.notes.add(address, text);
    else sheet.comments.add(address, text);
    index.occupied.add(k);
    n++;
  }
  return n;
}
