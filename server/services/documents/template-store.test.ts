import { readTemplateFile } from '../../documents';
import { startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { documentModels } from './models';
import { activeTemplate, activeTemplates, listTemplates } from './template-store';

describe.each(dbVariants())('template store (%s)', (variant) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(variant);
  });
  afterEach(() => t.close());

  test('version 1 of a kind is the shipped file, stored the first time it is needed', async () => {
    const { DocumentTemplate } = documentModels(t.ctx.db);
    expect(await DocumentTemplate.count()).toBe(0);
    const a = await activeTemplate(t.ctx, 'obligation');
    expect(a.version).toBe(1);
    expect(a.content.equals(readTemplateFile('obligation'))).toBe(true);
    // Asked again (or concurrently): still one row.
    await Promise.all([activeTemplates(t.ctx, ['obligation', 'login-letter']), activeTemplates(t.ctx, ['obligation', 'login-letter'])]);
    expect(await DocumentTemplate.count({ where: { kind: 'obligation' } })).toBe(1);
    expect(await DocumentTemplate.count({ where: { kind: 'login-letter' } })).toBe(1);
  });

  test('a changed shipped file becomes the next version by itself, unless an administrator uploaded one', async () => {
    const { DocumentTemplate } = documentModels(t.ctx.db);
    await activeTemplate(t.ctx, 'obligation');
    // Pretend version 1 was an older shipped file.
    await DocumentTemplate.update({ sha256: '0'.repeat(64) }, { where: { kind: 'obligation', version: 1 } });
    const next = await activeTemplate(t.ctx, 'obligation');
    expect(next.version).toBe(2);
    expect((await listTemplates(t.ctx)).find((v) => v.kind === 'obligation')).toMatchObject({ version: 2, shipped: true, versions: 2 });

    // An administrator's upload is never replaced by the shipped file.
    const admin = await t.ctx.db.models.User.findOne({ where: { login: 'admin' } });
    await DocumentTemplate.update({ uploadedBy: admin!.id, sha256: '1'.repeat(64) }, { where: { kind: 'obligation', version: 2 } });
    expect((await activeTemplate(t.ctx, 'obligation')).version).toBe(2);
    expect(await DocumentTemplate.count({ where: { kind: 'obligation', active: true } })).toBe(1);
  });
});
