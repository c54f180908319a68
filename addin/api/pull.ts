/** «Загрузить из реестра»: every page of an organisation's member list, with progress. */
import type { ApiClient } from './client';
import type { MemberRecord } from './types';

export const PULL_PAGE_SIZE = 1000;

export interface PullProgress {
  loaded: number;
  /** Known when the server counts the list; otherwise null (the bar then shows pages). */
  total: number | null;
  pages: number;
}

export async function pullAllMembers(
  client: ApiClient,
  orgId: number,
  opts: { pageSize?: number; subtree?: boolean; signal?: AbortSignal; onProgress?: (p: PullProgress) => void } = {},
): Promise<MemberRecord[]> {
  const all: MemberRecord[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let total: number | null = null;
  const seen = new Set<string>();
  for (;;) {
    const page = await client.listMembers(orgId, { cursor, limit: opts.pageSize ?? PULL_PAGE_SIZE, subtree: opts.subtree }, opts.signal);
    pages++;
    if (typeof page.total === 'number') total = page.total;
    all.push(...page.items);
    opts.onProgress?.({ loaded: all.length, total, pages });
    const next = page.nextCursor ?? null;
    if (!next || page.items.length === 0) break;
    // A server bug must not loop the pane forever.
    if (seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return all;
}
