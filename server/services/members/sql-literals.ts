/**
 * Transitional re-export: the multi-row literal helper now lives with the SQLite bulk adapter
 * (server/db/bulk/sqlite-literals.ts). The member write path no longer uses it on PostgreSQL (see
 * server/db/bulk); the remaining importers here are to move into server/db/ repositories (issue 17).
 */
export * from '../../db/bulk/sqlite-literals';
