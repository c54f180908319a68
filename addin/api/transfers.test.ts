import type { FoundOrganisation as ServerFound } from '../../server/services/organisations-search.service';
import type { TransferView as ServerTransfer } from '../../server/services/members/transfers.service';
import { json, lost, recordingClient } from './test-client';
import { decideTransfer, findPrimaryOrganisations, foundDetails, listTransfers, requestTransfer, type FoundOrganisation, type TransferView } from './transfers';

/** Compile-time: the server's answers are what the client declares. */
export const fits = {
  transfer: (v: ServerTransfer): TransferView => v,
  found: (v: ServerFound): FoundOrganisation => v,
};

describe('transfers API client', () => {
  test('paths, methods and bodies', async () => {
    const { c, calls } = recordingClient();
    await findPrimaryOrganisations(c, 'гимназия 2');
    await requestTransfer(c, 'm-1', 7);
    await listTransfers(c, 3, 'incoming');
    await decideTransfer(c, 't-1', 'accept');
    await decideTransfer(c, 't-1', 'cancel');
    expect(calls.map(({ url, method, body }) => ({ url, method, body }))).toEqual([
      { url: `/api/v1/primary-organisations?q=${encodeURIComponent('гимназия 2')}`, method: 'GET', body: undefined },
      { url: '/api/v1/members/m-1/transfers', method: 'POST', body: { toOrgId: 7 } },
      { url: '/api/v1/organisations/3/transfers?direction=incoming', method: 'GET', body: undefined },
      { url: '/api/v1/transfers/t-1/accept', method: 'POST', body: {} },
      { url: '/api/v1/transfers/t-1/cancel', method: 'POST', body: undefined },
    ]);
  });

  test('a found ППО is told apart from its namesakes by territorial organisation, ИНН and the chair\'s initials', () => {
    const o: FoundOrganisation = { id: 1, name: 'ППО МБОУ «Средняя школа № 1»', above: ['Заречная районная организация', 'Регион'], territorial: 'Заречная районная организация', inn: '7830002293', chairInitials: 'П. О. И.' };
    expect(foundDetails(o)).toBe('Заречная районная организация · ИНН 7830002293 · председатель П. О. И.');
    expect(foundDetails({ ...o, inn: null, chairInitials: null })).toBe('Заречная районная организация');
    expect(foundDetails({ ...o, territorial: null, inn: null, chairInitials: null })).toBe('Заречная районная организация');
    expect(foundDetails({ ...o, territorial: null, above: [], inn: null, chairInitials: null })).toBe('');
  });

  test('asking for a transfer is not resent after a lost answer (a second one would be refused as waiting already)', async () => {
    const { c, calls } = recordingClient([lost, json(200, {})]);
    await expect(requestTransfer(c, 'm-1', 7)).rejects.toMatchObject({ kind: 'network' });
    expect(calls).toHaveLength(1);
  });
});
