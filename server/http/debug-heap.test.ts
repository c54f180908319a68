/** GET /_debug/heap (the benches' live-heap probe): absent unless DEBUG_HEAP=1, and never through a proxy. */
import request from 'supertest';
import { startTestApp, type TestApp } from '../../test/support/app';

describe('the heap probe', () => {
  let off: TestApp;
  let on: TestApp;
  beforeAll(async () => {
    off = await startTestApp('sqlite');
    on = await startTestApp('sqlite', { debugHeap: true, trustProxy: 1 });
  });
  afterAll(async () => {
    await off.close();
    await on.close();
  });

  test('not mounted without DEBUG_HEAP=1', async () => {
    expect(off.ctx.config.debugHeap).toBe(false);
    const res = await request(off.app).get('/_debug/heap');
    expect(res.status).toBe(404);
    expect(res.body.heapUsedMb).toBeUndefined();
  });

  test('with DEBUG_HEAP=1: the live heap after a full GC, to a direct loopback client only', async () => {
    const res = await request(on.app).get('/_debug/heap');
    expect(res.status).toBe(200);
    expect(res.body.heapUsedMb).toBeGreaterThan(1);
    expect(res.body.heapUsedMb).toBeLessThanOrEqual(res.body.heapTotalMb);
    // Through a reverse proxy (it sets X-Forwarded-For): refused, even from loopback.
    expect((await request(on.app).get('/_debug/heap').set('X-Forwarded-For', '127.0.0.1')).status).toBe(404);
  });
});
