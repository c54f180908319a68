/** `npm run create-admin` (scripts/create-admin.ts → createFirstAdmin): the first administrator of a server set up for real use. */
import request from 'supertest';
import { createApp } from '../app';
import { createLogger } from '../logger';
import { openTestDb, type TestDb } from '../../test/support/db';
import { testConfig } from '../../test/support/app';
import { createFirstAdmin } from './first-admin';

describe.each(['sqlite', ...(process.env.TEST_PG_AVAILABLE === '1' ? ['postgres' as const] : [])] as const)('first administrator (%s)', (variant) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(variant);
  });
  afterAll(() => testDb.cleanup());

  test('on an empty database: the central organisation and an admin with a one-time password to change; audited; demo names refused', async () => {
    const config = testConfig({ dataDir: testDb.dataDir, databaseUrl: testDb.databaseUrl, demoLoginsRefused: true });
    const app = createApp({ config, db: testDb.db, log: createLogger('silent', null) });
    const ctx = app.locals.ctx;
    await expect(createFirstAdmin(ctx, { fullName: 'Администратор Реестра', login: 'admin' })).rejects.toThrow(/демонстрационный/);
    const r = await createFirstAdmin(ctx, { fullName: 'Администратор Реестра', obligationSignedAt: '2026-12-01' });
    expect(r.createdOrganisation).toBe(true);
    expect(r.login).toMatch(/^admin-[0-9a-f]{6}$/);
    const user = (await ctx.db.models.User.findOne({ where: { login: r.login } }))!;
    expect(user).toMatchObject({ role: 'central_admin', orgId: r.orgId, mustChangePassword: true, obligationSignedAt: '2026-12-01' });
    expect(await ctx.db.models.AuditEntry.count({ where: { action: 'account.created_on_server', entityId: String(user.id) } })).toBe(1);
    // A second one joins the same central organisation; a taken login is refused.
    const second = await createFirstAdmin(ctx, { fullName: 'Второй Администратор', login: 'registry-admin' });
    expect(second).toMatchObject({ createdOrganisation: false, orgId: r.orgId });
    await expect(createFirstAdmin(ctx, { fullName: 'Третий', login: 'registry-admin' })).rejects.toThrow(/занят/);
    // It signs in with the one-time password, and must change it first.
    const login = await request(app).post('/api/v1/auth/login').send({ login: r.login, password: r.oneTimePassword });
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
  });
});
