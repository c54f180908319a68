import type { Checklist as ServerChecklist, ProgressReport as ServerReport } from '../../server/services/progress/report.service';
import type { ProgressSheetReport } from '../excel/progress-sheet';
import { ApiClient, type FetchLike } from './client';
import { ApiError } from './errors';
import { getChecklist, getProgress, markTrainingDone, progressWorkbookLink, type Checklist, type ProgressReport } from './progress';

/** Compile-time: the server's answers are what the client declares, and the report goes to the sheet as is. */
export const fits = {
  report: (v: ServerReport): ProgressReport => v,
  checklist: (v: ServerChecklist): Checklist => v,
  sheet: (v: ProgressReport): ProgressSheetReport => v,
};

function client(answer: () => Response) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, method: String(init.method), body: init.body ? JSON.parse(String(init.body)) : undefined });
    return answer();
  };
  return { c: new ApiClient({ fetch, retry: { retries: 0, delayMs: () => 0 }, sleep: async () => undefined }), calls };
}
const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('progress API client', () => {
  test('paths of the report, the checklist and the training mark', async () => {
    const { c, calls } = client(json(200, {}));
    await getProgress(c, 12);
    await getChecklist(c, 34);
    await markTrainingDone(c);
    expect(calls).toEqual([
      { url: '/api/v1/organisations/12/progress', method: 'GET', body: undefined },
      { url: '/api/v1/organisations/34/checklist', method: 'GET', body: undefined },
      { url: '/api/v1/me/progress', method: 'POST', body: { what: 'training' } },
    ]);
  });

  test('the .xlsx is asked for as a single-use link (POST, no token anywhere in a URL); a refusal comes back as an ApiError', async () => {
    const link = { documentId: 'd1', downloadUrl: 'https://registry.example/api/v1/downloads/abc', expiresAt: '2026-11-27T10:05:00.000Z' };
    const { c, calls } = client(json(201, link));
    expect(await progressWorkbookLink(c, 5)).toEqual(link);
    expect(calls).toEqual([{ url: '/api/v1/organisations/5/progress-link', method: 'POST', body: {} }]);

    const refused = client(json(403, { type: '/problems/forbidden', title: 'Нет доступа', status: 403, detail: 'Нет доступа к этой организации.' }));
    const err = await progressWorkbookLink(refused.c, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).detail).toBe('Нет доступа к этой организации.');
  });
});
