import type { Checklist as ServerChecklist, ProgressReport as ServerReport } from '../../server/services/progress/report.service';
import type { ProgressSheetReport } from '../excel/progress-sheet';
import { ApiClient, type FetchLike } from './client';
import { ApiError } from './errors';
import { downloadProgressWorkbook, fileNameFrom, getChecklist, getProgress, markTrainingDone, type Checklist, type ProgressReport } from './progress';

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

  test('the .xlsx: the token in the header (never in the URL), the file name from Content-Disposition', async () => {
    const seen: { url: string; auth: string | undefined }[] = [];
    const bytes = new Uint8Array([0x50, 0x4b, 3, 4]);
    const ok = async (url: string, init: RequestInit) => {
      seen.push({ url, auth: (init.headers as Record<string, string>).Authorization });
      return new Response(bytes, { status: 200, headers: { 'Content-Disposition': `attachment; filename="progress.xlsx"; filename*=UTF-8''${encodeURIComponent('Ход внедрения — район.xlsx')}` } });
    };
    const c = new ApiClient();
    const file = await downloadProgressWorkbook(c, 'secret-token', 5, ok);
    expect(seen).toEqual([{ url: '/api/v1/organisations/5/progress.xlsx', auth: 'Bearer secret-token' }]);
    expect(file.fileName).toBe('Ход внедрения — район.xlsx');
    expect(new Uint8Array(await file.blob.arrayBuffer())).toEqual(bytes);

    const refused = async () => new Response(JSON.stringify({ type: '/problems/forbidden', title: 'Нет доступа', status: 403, detail: 'Нет доступа к этой организации.' }), { status: 403, headers: { 'Content-Type': 'application/problem+json' } });
    const err = await downloadProgressWorkbook(c, 't', 5, refused).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).detail).toBe('Нет доступа к этой организации.');

    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    expect(((await downloadProgressWorkbook(c, 't', 5, offline).catch((e: unknown) => e)) as ApiError).kind).toBe('network');
  });

  test('fileNameFrom', () => {
    expect(fileNameFrom(null, 'x.xlsx')).toBe('x.xlsx');
    expect(fileNameFrom('attachment; filename="a.xlsx"', 'x.xlsx')).toBe('a.xlsx');
    expect(fileNameFrom("attachment; filename*=UTF-8''%D0%A5%D0%BE%D0%B4.xlsx", 'x.xlsx')).toBe('Ход.xlsx');
    expect(fileNameFrom("attachment; filename*=UTF-8''%E0%A4%A.xlsx; filename=\"b.xlsx\"", 'x.xlsx')).toBe('b.xlsx');
  });
});
