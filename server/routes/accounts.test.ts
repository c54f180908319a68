import type { FindOptions } from 'sequelize';
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { loginSource } from '../services/accounts.service';

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
    // Random, two groups of four letters and digits that cannot be confused on paper; nothing of the organisation id.
    expect(login).toMatch(/^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$/);
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

    // Recorded again with the same date (a retried request, a second click): nothing changes, no second audit row.
    const audits = () => t.ctx.db.models.AuditEntry.count({ where: { action: 'account.obligation_recorded', entityId: String(kgUser!.id) } });
    expect(await audits()).toBe(1);
    t.clock.advanceMinutes(10);
    const again = await api().post(`/api/v1/accounts/${kgUser!.id}/obligation`).set(auth(territory)).send({ signedAt: '2026-11-20' });
    expect(again.status).toBe(200);
    expect(again.body.obligationRecordedAt).toBe(rec.body.obligationRecordedAt);
    expect(await audits()).toBe(1);
    // Another date is a correction: recorded, audited.
    const corrected = await api().post(`/api/v1/accounts/${kgUser!.id}/obligation`).set(auth(territory)).send({ signedAt: '2026-11-19' });
    expect(corrected.body.obligationSignedAt).toBe('2026-11-19');
    expect(await audits()).toBe(2);

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

  test('every account action writes one audit row: who, what, which account, the field names — no names, logins, passwords, hashes or tokens', async () => {
    const { User, AuditEntry } = t.ctx.db.models;
    const kg = t.demo.orgIds.kindergarten;
    const territory = await t.token('territory');
    const territoryId = (await User.findOne({ where: { login: 'territory' } }))!.id;
    const fullName = 'Белова Елена Юрьевна';
    const secrets: string[] = [fullName, 'Белова', 'Елена'];

    const created = await api().post(`/api/v1/organisations/${kg}/accounts`).set(auth(territory)).send({ fullName });
    expect(created.status).toBe(201);
    const id: number = created.body.account.id;
    const login: string = created.body.account.login;
    const oneTime: string = created.body.oneTimePassword;
    const hashes = async () => secrets.push((await User.findByPk(id))!.passwordHash);
    secrets.push(login, oneTime);
    await hashes();

    const first = await api().post('/api/v1/auth/login').send({ login, password: oneTime });
    expect(first.status).toBe(200);
    secrets.push(first.body.token);
    const newPassword = 'Новый-пароль-2026';
    secrets.push(newPassword);
    expect((await api().post('/api/v1/auth/password').set(auth(first.body.token)).send({ oldPassword: oneTime, newPassword })).status).toBe(204);
    await hashes();
    expect((await api().post(`/api/v1/accounts/${id}/obligation`).set(auth(territory)).send({ signedAt: '2026-11-20' })).status).toBe(200);
    secrets.push('2026-11-20');
    const reset = await api().post(`/api/v1/accounts/${id}/reset-password`).set(auth(territory));
    expect(reset.status).toBe(200);
    secrets.push(reset.body.oneTimePassword);
    await hashes();
    expect((await api().post(`/api/v1/accounts/${id}/active`).set(auth(territory)).send({ active: false })).status).toBe(200);
    expect((await api().post(`/api/v1/accounts/${id}/active`).set(auth(territory)).send({ active: true })).status).toBe(200);
    const second = await api().post('/api/v1/auth/login').send({ login, password: reset.body.oneTimePassword });
    expect(second.status).toBe(200);
    secrets.push(second.body.token);
    expect((await api().post('/api/v1/auth/logout').set(auth(second.body.token))).status).toBe(204);

    const rows = await AuditEntry.findAll({ where: { entity: 'user', entityId: String(id) }, order: [['id', 'ASC']] });
    const by = (userId: number, action: string, fields: string[] | null) => ({ userId, orgId: kg, action, entity: 'user', entityId: String(id), fields, details: null });
    expect(rows.map((r) => ({ userId: r.userId, orgId: r.orgId, action: r.action, entity: r.entity, entityId: r.entityId, fields: r.fields === null ? null : JSON.parse(r.fields), details: r.details }))).toEqual([
      by(territoryId, 'account.created', ['login', 'fullName', 'role']),
      by(id, 'auth.login', null),
      by(id, 'auth.password_changed', ['password']),
      by(territoryId, 'account.obligation_recorded', ['obligationSignedAt']),
      by(territoryId, 'account.password_reset', ['password']),
      by(territoryId, 'account.disabled', ['active']),
      by(territoryId, 'account.enabled', ['active']),
      by(id, 'auth.login', null),
      by(id, 'auth.logout', null),
    ]);
    expect(rows.every((r) => r.at.getTime() === t.clock.now.getTime())).toBe(true);

    // Nothing readable about the person or the credentials anywhere in the audit log.
    const all = JSON.stringify((await AuditEntry.findAll()).map((r) => r.get({ plain: true })));
    for (const secret of secrets) expect(all.includes(secret) ? secret : null).toBeNull();
  });

  test('changing the password ends the other sessions of the user; the session that changed it and other users stay', async () => {
    const signIn = async (login: string, password: string) => {
      const res = await api().post('/api/v1/auth/login').send({ login, password });
      expect(res.status).toBe(200);
      return res.body.token as string;
    };
    const here = await signIn('school', 'demo-school-2026');
    const elsewhere = await signIn('school', 'demo-school-2026');
    const otherUser = await t.token('kindergarten');
    expect((await api().get('/api/v1/me').set(auth(elsewhere))).status).toBe(200);

    expect((await api().post('/api/v1/auth/password').set(auth(here)).send({ oldPassword: 'demo-school-2026', newPassword: 'Школа-пароль-2027' })).status).toBe(204);

    const ended = await api().get('/api/v1/me').set(auth(elsewhere));
    expect(ended.status).toBe(401);
    expect(ended.body.detail).toMatch(/Сеанс завершён/);
    expect((await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/passport`).set(auth(here))).status).toBe(200);
    expect((await api().get('/api/v1/me').set(auth(otherUser))).status).toBe(200);
    // The old password no longer signs in, the new one does.
    expect((await api().post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' })).status).toBe(401);
    await signIn('school', 'Школа-пароль-2027');
  });

  describe('two creations racing for the same generated login', () => {
    afterEach(() => jest.restoreAllMocks());

    /**
     * Both requests draw the same login number and both check it free before either inserts: the
     * check (User.findOne by login) is held until both have made it, then the two inserts collide
     * on the unique index of users.login.
     */
    function race(numbers: number[]) {
      jest.spyOn(loginSource, 'next').mockImplementation(() => `race-${numbers.length > 1 ? numbers.shift()! : numbers[0]}`);
      const { User } = t.ctx.db.models;
      const realFindOne = User.findOne.bind(User);
      const held: (() => void)[] = [];
      let checks = 0;
      jest.spyOn(User, 'findOne').mockImplementation((async (opts: FindOptions) => {
        const found = await realFindOne(opts);
        const login = (opts?.where as { login?: unknown } | undefined)?.login;
        if (typeof login === 'string' && login === 'race-4242' && ++checks <= 2) {
          await new Promise<void>((resolve) => {
            held.push(resolve);
            if (held.length === 2) held.forEach((r) => r());
            setTimeout(resolve, 5000); // never hang the test if only one request gets here
          });
        }
        return found;
      }) as never);
      return () => checks;
    }

    const create = async (territory: string, fullName: string) =>
      api().post(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/accounts`).set(auth(territory)).send({ fullName });

    test('the loser draws another login: both accounts are created, with different logins, and no 500', async () => {
      const territory = await t.token('territory');
      const checks = race([4242, 4242, 4243]);
      const [a, b] = await Promise.all([create(territory, 'Белова Елена Юрьевна'), create(territory, 'Зайцева Ирина Олеговна')]);
      expect(checks()).toBeGreaterThanOrEqual(2);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect([a.body.account.login, b.body.account.login].sort()).toEqual(['race-4242', 'race-4243']);
      // Each one-time password signs in to its own account.
      for (const r of [a, b]) {
        const signIn = await api().post('/api/v1/auth/login').send({ login: r.body.account.login, password: r.body.oneTimePassword });
        expect(signIn.body.user?.fullName).toBe(r.body.account.fullName);
      }
      expect(await t.ctx.db.models.AuditEntry.count({ where: { action: 'account.created' } })).toBe(2);
    });

    test('when no free login is found the loser gets 409 problem+json, and nothing half-made is left', async () => {
      const territory = await t.token('territory');
      race([4242]);
      const answers = await Promise.all([create(territory, 'Белова Елена Юрьевна'), create(territory, 'Зайцева Ирина Олеговна')]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      const lost = answers.find((r) => r.status === 409)!;
      expect(lost.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(lost.body.detail).toMatch(/логин/);
      expect(await t.ctx.db.models.User.count({ where: { orgId: t.demo.orgIds.kindergarten } })).toBe(2); // the demo chair and the winner
      expect(await t.ctx.db.models.AuditEntry.count({ where: { action: 'account.created' } })).toBe(1);
    });
  });
});
