import { json, recordingClient as client } from './test-client';
import { createAccountWithLetter, linkUsable, printConsents, printObligation, resetPasswordWithLetter } from './documents';
import { ApiError } from './errors';

const LINK = { documentId: 'd1', downloadUrl: 'https://registry.example.org/api/v1/downloads/abc', expiresAt: '2026-11-26T09:05:00.000Z' };

describe('documents API client', () => {
  test('printConsents posts the choice and answers the link with who was not printed', async () => {
    const { c, calls } = client([json(201, { ...LINK, printed: 2, consents: 6, notPrintable: [{ memberId: 'm3', reason: 'Не заполнено имя' }] })]);
    const res = await printConsents(c, 42, { memberIds: ['m1', 'm2', 'm3'], kinds: ['union', 'notify'] });
    expect(calls[0]).toMatchObject({ url: '/api/v1/organisations/42/documents/consents', method: 'POST', body: { memberIds: ['m1', 'm2', 'm3'], kinds: ['union', 'notify'], format: 'docx' } });
    expect(res.downloadUrl).toBe(LINK.downloadUrl);
    expect(res.notPrintable).toEqual([{ memberId: 'm3', reason: 'Не заполнено имя' }]);
  });

  test('printConsents for everyone without collected consents, as a zip; a lost answer is retried', async () => {
    const { c, calls } = client([
      () => {
        throw new TypeError('Failed to fetch');
      },
      json(201, { ...LINK, printed: 1, consents: 3, notPrintable: [] }),
    ]);
    await printConsents(c, 7, { allWithoutSignedConsents: true, format: 'zip' });
    expect(calls).toHaveLength(2);
    expect(calls[1].body).toEqual({ allWithoutSignedConsents: true, format: 'zip' });
  });

  test('printObligation: own or for a managed account', async () => {
    const { c, calls } = client([json(201, LINK)]);
    await printObligation(c, 'me');
    await printObligation(c, { userId: 5 });
    expect(calls.map((x) => x.url)).toEqual(['/api/v1/me/documents/obligation', '/api/v1/accounts/5/documents/obligation']);
  });

  test('login letters are never retried automatically (a retry could create a second account)', async () => {
    const { c, calls } = client([
      () => {
        throw new TypeError('Failed to fetch');
      },
    ]);
    await expect(createAccountWithLetter(c, 9, { fullName: 'Белова Елена Юрьевна', contact: '+7 843 200-00-00' })).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(1);
    await expect(resetPasswordWithLetter(c, 3)).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toMatchObject({ url: '/api/v1/accounts/3/reset-password/with-letter', body: {} });
  });

  test('a 422 arrives as an ApiError with the Russian detail', async () => {
    const { c } = client([
      () =>
        new Response(JSON.stringify({ type: '/problems/organisation_details_missing', title: 'x', status: 422, detail: 'Заполните в паспорте ППО: юридический адрес.' }), {
          status: 422,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
    ]);
    const err = await printConsents(c, 1, { memberIds: ['m1'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).detail).toContain('Заполните в паспорте ППО');
  });

  test('linkUsable: an http(s) link before it expires', () => {
    expect(linkUsable(LINK, new Date('2026-11-26T09:04:00Z'))).toBe(true);
    expect(linkUsable(LINK, new Date('2026-11-26T09:05:00Z'))).toBe(false);
    expect(linkUsable({ ...LINK, downloadUrl: 'javascript:alert(1)' }, new Date('2026-11-26T09:00:00Z'))).toBe(false);
  });
});
