/**
 * A small https client for the deploy smoke test: trusts only the certificate made in the run, and can
 * bind its socket to a chosen local address (127.0.0.2, 127.0.0.3, …) so that nginx sees different
 * clients. Network errors come back as status 0, never as a throw.
 */
import http from 'node:http';
import https from 'node:https';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  error?: string;
}

export interface ClientOptions {
  ca: string | Buffer;
  /** The local address the client's socket is bound to (default 127.0.0.1). */
  localAddress?: string;
}

export function httpsClient(base: string, o: ClientOptions) {
  const agent = new https.Agent({ ca: o.ca, keepAlive: true, maxSockets: 16, localAddress: o.localAddress ?? '127.0.0.1', servername: 'localhost' });
  const request = (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
    new Promise((resolve) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(
        new URL(path, base),
        {
          method,
          agent,
          timeout: 60_000,
          headers: {
            ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}),
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => {
            const buf = Buffer.concat(parts);
            let json: unknown = null;
            if (/json/.test(String(res.headers['content-type']))) {
              try {
                json = JSON.parse(buf.toString('utf8'));
              } catch {
                json = null;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json });
          });
          res.on('error', (err) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), json: null, error: err.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), json: null, error: err.message }));
      req.end(data);
    });
  return { request, close: () => agent.destroy() };
}

export type HttpsClient = ReturnType<typeof httpsClient>;

/** Plain http GET (the redirect check), no redirects followed. */
export function plainGet(url: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    }).on('error', reject);
  });
}
