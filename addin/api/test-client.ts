/**
 * Tests of the API client modules: an ApiClient whose fetch records every request and answers from a
 * script, with no waiting between retries.
 */
import { ApiClient, type FetchLike } from './client';

export interface RecordedCall {
  url: string;
  method: string;
  /** The JSON body parsed, or the body as sent when it is not text (a file). */
  body: unknown;
  headers: Record<string, string>;
}

/** A JSON answer. */
export const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** No answer: the connection failed. */
export const lost = (): Response => {
  throw new TypeError('Failed to fetch');
};

/** Answers `answers[i]` to the i-th request (the last one again after the end; none: 200 with `{}`). */
export function recordingClient(answers: readonly (() => Response)[] = []): { c: ApiClient; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({
      url,
      method: String(init.method),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : (init.body ?? undefined),
      headers: { ...(init.headers as Record<string, string>) },
    });
    const answer = answers.length ? answers[Math.min(calls.length - 1, answers.length - 1)] : json(200, {});
    return answer();
  };
  return { c: new ApiClient({ fetch, retry: { retries: 2, delayMs: () => 0 }, sleep: async () => undefined }), calls };
}
