/** A server error names its time and request id for the chair to quote; other failures do not. */
import { ApiClient, type FetchLike } from './client';
import { errorFromResponse, serverErrorReference } from './errors';

test('a 500 through the client keeps the X-Request-Id and the time; the reference names both', async () => {
  const fetch: FetchLike = async () =>
    new Response(JSON.stringify({ type: '/problems/internal', status: 500, detail: 'Внутренняя ошибка сервера. Попробуйте ещё раз.' }), {
      status: 500,
      headers: { 'Content-Type': 'application/problem+json', 'X-Request-Id': '5f0c2a9e-1b7d-4c3e-9a51-0d2e8f6b7c11' },
    });
  const api = new ApiClient({ fetch, sleep: async () => undefined, retry: { retries: 0, delayMs: () => 0 } });
  const err = await api.request('/me').catch((e: unknown) => e);
  expect(err).toMatchObject({ kind: 'server', requestId: '5f0c2a9e-1b7d-4c3e-9a51-0d2e8f6b7c11' });
  const ref = serverErrorReference(err as never);
  expect(ref).toMatch(/^Время ошибки: \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d, номер запроса: 5f0c2a9e-1b7d-4c3e-9a51-0d2e8f6b7c11\.$/);
});

test('a refused field or a wrong id is the chair\'s to fix: no reference; a junk header is not shown', () => {
  expect(serverErrorReference(errorFromResponse(400, { detail: 'Проверьте поля.' }, { requestId: 'abc' }))).toBe('');
  expect(serverErrorReference(errorFromResponse(404, {}, { requestId: 'abc' }))).toBe('');
  expect(errorFromResponse(503, {}, { requestId: '<script>' }).requestId).toBeNull();
  expect(serverErrorReference(errorFromResponse(503, {}))).toMatch(/^Время ошибки: .*\d\.$/);
});
