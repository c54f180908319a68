/**
 * Issue 15, hole 2: the obligation gate must not be walked around through the account routes. A
 * territorial chair whose own non-disclosure obligation is not recorded must not be able to create an
 * account in their ППО, record that account's obligation, sign in as it and read members' СНИЛС — nor
 * reset a real chair's password (the answer carries the one-time password).
 */
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../support/app';
import { dbVariants } from '../support/db';

describe.each(dbVariants())('the obligation gate cannot be walked around through accounts (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant);
  });
  afterAll(() => t.close());
  const api = () => request(t.app);

  /** A territorial chair of the demo territory, created by the admin, password changed, obligation NOT recorded. */
  async function territorialWithoutObligation(): Promise<string> {
    const admin = await t.token('admin');
    const created = await api().post(`/api/v1/organisations/${t.demo.orgIds.territorial}/accounts`).set(auth(admin)).send({ fullName: 'Захаров Игорь Петрович' });
    expect(created.status).toBe(201);
    const signIn = await api().post('/api/v1/auth/login').send({ login: created.body.account.login, password: created.body.oneTimePassword });
    expect(signIn.status).toBe(200);
    const token = signIn.body.token as string;
    expect((await api().post('/api/v1/auth/password').set(auth(token)).send({ oldPassword: created.body.oneTimePassword, newPassword: 'Районный-пароль-2026' })).status).toBe(204);
    // The gate itself holds: members are closed to this chair.
    expect((await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/members`).set(auth(token))).status).toBe(403);
    return token;
  }

  test('the exploit path: create an account in the ППО, record its obligation, sign in, read СНИЛС — refused at the first step', async () => {
    const token = await territorialWithoutObligation();
    const created = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/accounts`).set(auth(token)).send({ fullName: 'Подставной Иван Иванович' });
    expect(created.status).toBe(403);
    expect(created.body.type).toBe('/problems/obligation_required');
    expect(created.body.detail).toMatch(/обязательств/);

    // Even if an account existed (made by someone else), recording its obligation is refused too.
    const admin = await t.token('admin');
    const other = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/accounts`).set(auth(admin)).send({ fullName: 'Второй Пётр Петрович' });
    expect(other.status).toBe(201);
    const recorded = await api().post(`/api/v1/accounts/${other.body.account.id}/obligation`).set(auth(token)).send({ signedAt: '2026-11-20' });
    expect(recorded.status).toBe(403);
    expect(recorded.body.type).toBe('/problems/obligation_required');

    // So signing in as that account still gives no СНИЛС.
    const signIn = await api().post('/api/v1/auth/login').send({ login: other.body.account.login, password: other.body.oneTimePassword });
    const t2 = signIn.body.token as string;
    expect((await api().post('/api/v1/auth/password').set(auth(t2)).send({ oldPassword: other.body.oneTimePassword, newPassword: 'Подставной-пароль-2026' })).status).toBe(204);
    const members = await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/members`).set(auth(t2));
    expect(members.status).toBe(403);
    expect(JSON.stringify(members.body)).not.toMatch(/\d{3}-\d{3}-\d{3} \d{2}/);
  });

  test('resetting a real chair\'s password (and with a letter) is refused: the answer would carry the one-time password', async () => {
    const token = await territorialWithoutObligation();
    const school = await t.ctx.db.models.User.findOne({ where: { login: 'school' } });
    const before = school!.passwordHash;
    for (const path of [`/api/v1/accounts/${school!.id}/reset-password`, `/api/v1/accounts/${school!.id}/reset-password/with-letter`]) {
      const res = await api().post(path).set(auth(token)).send({});
      expect(res.status).toBe(403);
      expect(res.body.type).toBe('/problems/obligation_required');
      expect(res.body.oneTimePassword).toBeUndefined();
    }
    const withLetter = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/accounts/with-letter`).set(auth(token)).send({ fullName: 'Подставной Иван Иванович' });
    expect(withLetter.status).toBe(403);
    await school!.reload();
    expect(school!.passwordHash).toBe(before);
  });

  test('refusals are audited (who tried what on which account), without personal data', async () => {
    const token = await territorialWithoutObligation();
    const school = await t.ctx.db.models.User.findOne({ where: { login: 'school' } });
    expect((await api().post(`/api/v1/accounts/${school!.id}/reset-password`).set(auth(token))).status).toBe(403);
    const rows = await t.ctx.db.models.AuditEntry.findAll({ where: { action: 'access.refused_without_obligation' } });
    expect(rows.length).toBeGreaterThan(0);
    const last = rows[rows.length - 1];
    expect(last.entity).toBe('route');
    expect(String(last.details)).toContain('reset-password');
    expect(String(last.details)).not.toMatch(/Иванова|Мария/);
  });

  test('with the own obligation recorded the same territorial chair may do all of it, and each is audited', async () => {
    const territory = await t.token('territory');
    const created = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/accounts`).set(auth(territory)).send({ fullName: 'Законный Иван Иванович' });
    expect(created.status).toBe(201);
    const id = created.body.account.id as number;
    expect((await api().post(`/api/v1/accounts/${id}/obligation`).set(auth(territory)).send({ signedAt: '2026-11-20' })).status).toBe(200);
    expect((await api().post(`/api/v1/accounts/${id}/reset-password`).set(auth(territory))).status).toBe(200);
    const actions = (await t.ctx.db.models.AuditEntry.findAll({ where: { entityId: String(id) } })).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['account.created', 'account.obligation_recorded', 'account.password_reset']));
  });
});
