import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';

describe.each(dbVariants())('accounts of chairs and the obligation (%s)', (variant) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(variant);
  });
  afterEach(() => t.close());
  const api = () => request(t.app);

  test('a territorial chair issues a login; the chair must change the one-time password first', async () => {
    const territory = await t.token('territory');
    const created = await api().post(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/accounts`).set(auth(territory)).send({ fullName: 'Белова Елена Юрьевна' });
    expect(created.status).toBe(201);
    const { login } = created.body.account;
    const password: string = created.body.oneTimePassword;
    expect(login).toMatch(/^u\d+-\d{4}$/);
    expect(password).toHaveLength(12);
    expect(created.body.account).toMatchObject({ role: 'primary_chair', mustChangePassword: true, obligationRecordedAt: null });

    // Only the hash is stored.
    const row = await t.ctx.db.models.User.findOne({ where: { login } });
    expect(row!.passwordHash).not.toContain(password);
    expect(row!.passwordHash).toMatch(/^scrypt\$/);

    const signIn = await api().post('/api/v1/auth/login').send({ login, password });
    expect(signIn.status).toBe(200);
    expect(signIn.body.mustChangePassword).toBe(true);
    const token = signIn.body.token;

    // Until the password is changed, only «me», logout and the password change are open.
    const blocked = await api().get(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/passport`).set(auth(token));
    expect(blocked.status).toBe(403);
    expect(blocked.body.type).toBe('/problems/password_change_required');
    expect((await api().get('/api/v1/me').set(auth(token))).status).toBe(200);

    const weak = await api().post('/api/v1/auth/password').set(auth(token)).send({ oldPassword: password, newPassword: 'короткий' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].field).toBe('newPassword');
    const wrongOld = await api().post('/api/v1/auth/password').set(auth(token)).send({ oldPassword: 'не тот', newPassword: 'Новый-пароль-2026' });
    expect(wrongOld.status).toBe(400);
    expect(wrongOld.body.errors[0].field).toBe('oldPassword');

    expect((await api().post('/api/v1/auth/password').set(auth(token)).send({ oldPassword: password, newPassword: 'Новый-пароль-2026' })).status).toBe(204);
    expect((await api().get(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/passport`).set(auth(token))).status).toBe(200);
    // The one-time password no longer works.
    expect((await api().post('/api/v1/auth/login').send({ login, password })).status).toBe(401);
    expect((await api().post('/api/v1/auth/login').send({ login, password: 'Новый-пароль-2026' })).status).toBe(200);
  });

  test('recording the obligation: by the superior organisation only, with the date and who recorded it', async () => {
    const territory = await t.token('territory');
    const kgUser = await t.ctx.db.models.User.findOne({ where: { login: 'kindergarten' } });

    const school = await t.token('school');
    expect((await api().post(`/api/v1/accounts/${kgUser!.id}/obligation`).set(auth(school)).send({ signedAt: '2026-11-20' })).status).toBe(403);
    const future = await api().post(`/api/v1/accounts/${kgUser!.id}/obligation`).set(auth(territory)).send({ signedAt: '2099-01-01' });
    expect(future.status).toBe(400);
    expect(future.body.errors[0].field).toBe('signedAt');

    const rec = await api().post(`/api/v1/accounts/${kgUser!.id}/obligation`).set(auth(territory)).send({ signedAt: '2026-11-20' });
    expect(rec.status).toBe(200);
    expect(rec.body.obligationSignedAt).toBe('2026-11-20');
    const row = await t.ctx.db.models.User.findByPk(kgUser!.id);
    const territoryUser = await t.ctx.db.models.User.findOne({ where: { login: 'territory' } });
    expect(row!.obligationRecordedBy).toBe(territoryUser!.id);

    const me = await api().get('/api/v1/me').set(auth(await t.token('kindergarten')));
    expect(me.body.obligationRecordedAt).not.toBeNull();

    // A chair cannot record its own obligation (its own account is not managed by it).
    const territoryTok = await t.token('territory');
    expect((await api().post(`/api/v1/accounts/${territoryUser!.id}/obligation`).set(auth(territoryTok)).send({ signedAt: '2026-11-20' })).status).toBe(403);
  });

  test('password reset issues a new one-time password and ends the sessions; disabling locks out', async () => {
    const territory = await t.token('territory');
    const schoolToken = await t.token('school');
    const user = await t.ctx.db.models.User.findOne({ where: { login: 'school' } });
    const reset = await api().post(`/api/v1/accounts/${user!.id}/reset-password`).set(auth(territory));
    expect(reset.status).toBe(200);
    expect(reset.body.account.mustChangePassword).toBe(true);
    expect((await api().get('/api/v1/me').set(auth(schoolToken))).status).toBe(401);
    const fresh = await api().post('/api/v1/auth/login').send({ login: 'school', password: reset.body.oneTimePassword });
    expect(fresh.status).toBe(200);

    expect((await api().post(`/api/v1/accounts/${user!.id}/active`).set(auth(territory)).send({ active: false })).status).toBe(200);
    expect((await api().get('/api/v1/me').set(auth(fresh.body.token))).status).toBe(401);
    expect((await api().post('/api/v1/auth/login').send({ login: 'school', password: reset.body.oneTimePassword })).status).toBe(401);
  });

  test('accounts listed for the subtree; a territorial chair cannot create a regional account', async () => {
    const territory = await t.token('territory');
    const list = await api().get(`/api/v1/organisations/${t.demo.orgIds.territorial}/accounts`).set(auth(territory));
    expect(list.body.map((a: { login: string }) => a.login).sort()).toEqual(['kindergarten', 'school', 'territory']);
    expect(list.body.find((a: { login: string }) => a.login === 'kindergarten').obligationRecordedAt).toBeNull();
    expect((await api().post(`/api/v1/organisations/${t.demo.orgIds.territorial}/accounts`).set(auth(territory)).send({ fullName: 'Коллега Коллегов' })).status).toBe(403);
    expect((await api().post(`/api/v1/organisations/${t.demo.orgIds.region}/accounts`).set(auth(territory)).send({ fullName: 'Коллега Коллегов' })).status).toBe(404);
  });
});
