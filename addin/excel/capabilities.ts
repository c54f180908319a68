/**
 * Which optional parts of the Excel API the running Excel has. The manifest asks for ExcelApi 1.8
 * (data validation, freeze panes, getRangeByIndexes); everything newer is optional and the Excel
 * layer takes these flags as a parameter instead of asking the `Office` global itself, so tests
 * (and old Excel versions) choose the path.
 *
 * The task pane computes them once:
 *   const caps = detectCapabilities((set, v) => Office.context.requirements.isSetSupported(set, v));
 */
export interface ExcelCapabilities {
  /** ExcelApi 1.9: `Worksheet.getRanges` / `getSelectedRanges` (many scattered cells in one object). */
  rangeAreas: boolean;
  /** ExcelApi 1.13: `Table.resize` (otherwise rows are added with `table.rows.add`). */
  tableResize: boolean;
  /** ExcelApi 1.18: classic cell notes — preferred for error messages (no author, no threads). */
  notes: boolean;
  /** ExcelApi 1.10: threaded comments — the fallback when notes are missing. */
  comments: boolean;
  /**
   * ExcelApi 1.13: `Range.getMergedAreasOrNullObject`. Office.js from the CDN defines the method on
   * every host, but an older Excel rejects the whole request with ApiNotFound at `context.sync()`, so
   * only the requirement set may decide. Absent: false.
   */
  mergedAreas?: boolean;
}

/** What ExcelApi 1.8 (the manifest's minimum) gives: fills and the Result column only. */
export const BASELINE_CAPABILITIES: Readonly<ExcelCapabilities> = Object.freeze({
  rangeAreas: false,
  tableResize: false,
  notes: false,
  comments: false,
});

export function detectCapabilities(isSetSupported: (name: string, minVersion: string) => boolean): ExcelCapabilities {
  const has = (v: string): boolean => {
    try {
      return isSetSupported('ExcelApi', v) === true;
    } catch {
      return false;
    }
  };
  return {
    rangeAreas: has('1.9'),
    tableResize: has('1.13'),
    notes: has('1.18'),
    comments: has('1.10'),
    mergedAreas: has('1.13'),
  };
}

/** How an error message is attached to a cell. */
export function markKind(caps: ExcelCapabilities): 'notes' | 'comments' | 'none' {
  if (caps.notes) return 'notes';
  if (caps.comments) return 'comments';
  return 'none';
}
