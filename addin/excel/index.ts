/**
 * The Excel layer of the add-in: the only code that talks to Office.js. Every operation takes the
 * request context the task pane gets from `Excel.run`; nothing here touches `Office`/`Excel` globals.
 */
export { BASELINE_CAPABILITIES, detectCapabilities, type ExcelCapabilities } from './capabilities';
export { LISTS_SHEET_NAME } from './lists';
export { CONFLICT_FILL, ERROR_FILL, MARK_PREFIX } from './marks';
export {
  clearMarks,
  createMemberSheet,
  mapMemberHeaders,
  markValidationErrors,
  memberRowFingerprint,
  readMemberRows,
  readSelectedRowNumbers,
  REQUIRED_SHEET_COLUMNS,
  resultText,
  selectCell,
  writeMembersFromRegistry,
  writeSyncResults,
  type ColumnMap,
  type CreateSheetReport,
  type MarkOptions,
  type MarkReport,
  type MemberSheetRead,
  type MemberSheetRow,
  type ProgressCallback,
  type ReadMemberRowsOptions,
  type RegistryRow,
  type SelectionOptions,
  type SheetColumnKey,
  type WriteRegistryOptions,
  type WriteReport,
  type WriteSyncResultsOptions,
} from './member-sheet';
export { PASSPORT_FIELDS, PASSPORT_SECTIONS, PASSPORT_SHEET_NAME, type PassportFieldDef, type PassportFieldKey, type PassportSection } from './passport-layout';
export { createPassportSheet, markPassportErrors, readPassport, writePassport, type PassportMarkReport, type PassportValues, type PassportWriteReport } from './passport-sheet';
export { DEFAULT_CHUNK_LIMITS, PAYLOAD_CAP_BYTES, SheetError, type ChunkLimits } from './sheet-utils';
export { STRUCTURE_COLUMNS, STRUCTURE_SHEET_NAME, STRUCTURE_TABLE_NAME, UNIT_KINDS, UNIT_STATUSES } from './structure-layout';
export { createStructureSheet, readStructure, writeStructure, type StructureRow, type StructureUnitCells } from './structure-sheet';
export { STORE_SHEET_NAME } from './fingerprint-store';
