/**
 * Deregistration reasons are configuration: the defaults plus config/deregistration-reasons.json's extra
 * ones (DEREGISTRATION_REASONS_FILE). An extra reason is offered and accepted; a broken file stops the start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DEREGISTRATION_REASONS } from '../../../domain/members/codes';
import { loadConfig } from '../../config';
import { auth, startTestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { seedMembers } from '../cards/test-fixtures';
import { loadDeregistrationReasons, parseDeregistrationReasons } from './reasons';

const EXTRA = { code: 'contract_end', label: 'Окончание срочного трудового договора' };

describe('the reasons file', () => {
  test('the file shipped adds nothing to the defaults', () => {
    expect(loadDeregistrationReasons()).toEqual(DEREGISTRATION_REASONS.map((r) => ({ ...r })));
  });

  test('extra reasons come after the defaults', () => {
    const list = parseDeregistrationReasons({ extra: [EXTRA] });
    expect(list.map((r) => r.code)).toEqual([...DEREGISTRATION_REASONS.map((r) => r.code), 'contract_end']);
  });

  test.each<[string, unknown, RegExp]>([
    ['a default code again', { extra: [{ code: 'left_job', label: 'Увольнение' }] }, /extra\.0: the code "left_job" is already in the list/],
    ['a default label again', { extra: [{ code: 'fired', label: 'увольнение с работы' }] }, /extra\.0: the label "увольнение с работы" is already in the list/],
    ['a code with Cyrillic', { extra: [{ code: 'увольнение', label: 'Увольнение по сокращению' }] }, /extra\.0\.code/],
    ['no label', { extra: [{ code: 'x_reason', label: ' ' }] }, /extra\.0\.label/],
    ['an unknown key', { extra: [], reasons: [] }, /\(root\)|reasons/],
  ])('refused: %s', (_what, json, message) => {
    expect(() => parseDeregistrationReasons(json, 'test.json')).toThrow(message);
  });

  test('DEREGISTRATION_REASONS_FILE: another file is used; a broken one stops the start naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reasons-'));
    try {
      const file = path.join(dir, 'reasons.json');
      fs.writeFileSync(file, JSON.stringify({ extra: [EXTRA] }));
      expect(loadConfig({ DEREGISTRATION_REASONS_FILE: file, DEMO: '0' }).deregistrationReasons).toContainEqual(EXTRA);
      fs.writeFileSync(file, '{');
      expect(() => loadConfig({ DEREGISTRATION_REASONS_FILE: file })).toThrow(/cannot read the deregistration reasons from .*reasons\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(dbVariants())('a configured reason in use (%s)', (variant) => {
  test('offered by GET /deregistration-reasons, accepted for a deregistration, shown on the record card', async () => {
    const t = await startTestApp(variant, { deregistrationReasons: parseDeregistrationReasons({ extra: [EXTRA] }) });
    try {
      const token = await t.token('school');
      const offered = await request(t.app).get('/api/v1/deregistration-reasons').set(auth(token));
      expect(offered.body.at(-1)).toEqual(EXTRA);
      const [id] = await seedMembers(t.ctx, [{ orgId: t.demo.orgIds.school, surname: 'Срочная' }]);
      const res = await request(t.app).post(`/api/v1/members/${id}/deregister`).set(auth(token)).send({ date: '2026-11-20', reason: 'contract_end' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ deregisteredAt: '2026-11-20', deregistrationReason: 'contract_end' });
      expect(JSON.stringify(res.body)).toContain(EXTRA.label);
    } finally {
      await t.close();
    }
  });
});
