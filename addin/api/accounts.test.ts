import type { AccountView as ServerAccount } from '../../server/services/accounts.service';
import type { OrganisationDetailsView as ServerDetails } from '../../server/services/documents/settings.service';
import { accountToDo, sortAccounts } from '../ui/views/accounts';
import { listAccounts, recordObligation, setAccountActive, type AccountView } from './accounts';
import { saveOrganisationDetails, type OrganisationDetailsView } from './documents';
import { json, lost, recordingClient } from './test-client';

/** Compile-time: the server's answers are what the client declares. */
export const fits = {
  account: (v: ServerAccount): AccountView => v,
  details: (v: ServerDetails): OrganisationDetailsView => v,
};

const account = (over: Partial<AccountView>): AccountView => ({
  id: 1,
  login: 'u4-0001',
  fullName: 'Петрова Анна Ивановна',
  role: 'primary_chair',
  orgId: 4,
  orgName: 'ППО школы',
  active: true,
  mustChangePassword: false,
  locked: false,
  obligationSignedAt: '2026-11-01',
  obligationRecordedAt: '2026-11-02T10:00:00.000Z',
  trainingCompletedAt: null,
  ...over,
});

describe('what a chair still has to do for an account', () => {
  test.each<[string, Partial<AccountView>, string[]]>([
    ['nothing', {}, []],
    ['the letter not used yet', { mustChangePassword: true }, ['временный пароль ещё не сменён: передайте письмо с логином и паролем']],
    ['the obligation not recorded', { obligationRecordedAt: null, obligationSignedAt: null }, ['обязательство о неразглашении не отмечено — до отметки данные членов Профсоюза закрыты']],
    ['locked', { locked: true }, ['вход заблокирован после неверных паролей — выдайте новый пароль']],
    ['switched off: only that', { active: false, mustChangePassword: true, obligationRecordedAt: null }, ['учётная запись отключена']],
  ])('%s', (_what, over, todo) => {
    expect(accountToDo(account(over))).toEqual(todo);
  });

  test('accounts that need something come first, then by organisation and name (ru collation)', () => {
    const list = [
      account({ id: 1, orgName: 'ППО Б', fullName: 'Яковлева' }),
      account({ id: 2, orgName: 'ППО А', fullName: 'Ёлкина' }),
      account({ id: 3, orgName: 'ППО В', fullName: 'Абрамова', mustChangePassword: true }),
      account({ id: 4, orgName: 'ППО А', fullName: 'Белова' }),
    ];
    expect(sortAccounts(list).map((a) => a.id)).toEqual([3, 4, 2, 1]);
    expect(list.map((a) => a.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('accounts API client', () => {
  test('paths, methods and bodies', async () => {
    const { c, calls } = recordingClient();
    await listAccounts(c, 3);
    await recordObligation(c, 9, '2026-11-20');
    await setAccountActive(c, 9, false);
    await saveOrganisationDetails(c, 3, { contact: '+78432000002', legalAddress: null });
    expect(calls.map(({ url, method, body }) => ({ url, method, body }))).toEqual([
      { url: '/api/v1/organisations/3/accounts', method: 'GET', body: undefined },
      { url: '/api/v1/accounts/9/obligation', method: 'POST', body: { signedAt: '2026-11-20' } },
      { url: '/api/v1/accounts/9/active', method: 'POST', body: { active: false } },
      { url: '/api/v1/organisations/3/documents/details', method: 'PUT', body: { contact: '+78432000002', legalAddress: null } },
    ]);
  });

  test('recording the obligation and switching an account are asked again after a lost answer (the same request gives the same result)', async () => {
    const ok = json(200, {});
    const { c, calls } = recordingClient([lost, ok, lost, ok]);
    await recordObligation(c, 9, '2026-11-20');
    await setAccountActive(c, 9, true);
    expect(calls.map((x) => x.url)).toEqual(['/api/v1/accounts/9/obligation', '/api/v1/accounts/9/obligation', '/api/v1/accounts/9/active', '/api/v1/accounts/9/active']);
  });
});
