/** The small rules of the «Согласия», «ЭПБ» and «Ход внедрения» views, without the DOM. */
import type { Me, OrgView } from '../../api/types';
import { rub } from '../format';
import { budgetOrgId, eligibilityLines, isManager, reasonsText } from './cards';
import { membersWord } from '../format';
import { consentChange } from './consents';
import { orgSummary, percentText, ruDate, stepFigureText, stepStatus } from './progress';

describe('consents', () => {
  test('the action body: «не менять» left out, «очистить» clears state and date, the others get the date', () => {
    expect(consentChange({ union: 'given', operator: 'keep', notify: 'refused' }, '2026-03-01')).toEqual({
      union: { state: 'given', date: '2026-03-01' },
      notify: { state: 'refused', date: '2026-03-01' },
    });
    expect(consentChange({ operator: 'clear' }, '2026-03-01')).toEqual({ operator: { state: null, date: null } });
    expect(consentChange({ union: 'keep', operator: 'keep', notify: 'keep' }, '2026-03-01')).toBeNull();
    expect(consentChange({ union: 'revoked' }, '')).toEqual({ union: { state: 'revoked', date: null } });
  });

  test('members in words', () => {
    expect(membersWord(1)).toBe('1 член Профсоюза');
    expect(membersWord(3)).toBe('3 члена Профсоюза');
    expect(membersWord(12)).toBe('12 членов Профсоюза');
    expect(membersWord(2500)).toBe('2\u202f500 членов Профсоюза');
  });
});

describe('cards', () => {
  test('money and reasons', () => {
    expect(rub(1700)).toBe('17,00 ₽');
    expect(rub(123456789)).toBe('1\u202f234\u202f567,89 ₽');
    expect(reasonsText(['не заполнен телефон', 'нет согласия ООО «ФИНФОРТ» (оператору карт)'])).toBe('Не заполнен телефон; нет согласия ООО «ФИНФОРТ» (оператору карт).');
    expect(reasonsText([])).toBe('Заказать нельзя.');
  });

  test('the not eligible with their rows', () => {
    const sel = { rowOf: new Map([['a', { id: 'a', row: 4, name: 'Лазарева Милена' }]]) };
    const lines = eligibilityLines(sel, {
      eligible: 1,
      notEligible: 1,
      members: [
        { memberId: 'a', eligible: false, kind: null, reasons: ['не заполнен телефон'] },
        { memberId: 'b', eligible: true, kind: 'new', reasons: [] },
      ],
    });
    expect(lines).toEqual([{ who: 'Строка 4, Лазарева Милена', why: 'Не заполнен телефон.' }]);
  });

  test('whose budget: a manager’s own organisation, a chair’s chosen one', () => {
    const me = (role: Me['role'], orgId: number) => ({ role, orgId }) as Me;
    const org = { id: 44, kind: 'primary' } as OrgView;
    expect(budgetOrgId({ me: me('territorial', 3), org })).toBe(3);
    expect(budgetOrgId({ me: me('primary_chair', 44), org })).toBe(44);
    expect(budgetOrgId({ me: null, org })).toBeNull();
    expect(isManager({ me: me('regional', 2) })).toBe(true);
    expect(isManager({ me: me('primary_chair', 2) })).toBe(false);
  });
});

describe('progress', () => {
  test('step status: done wins, then overdue, then next', () => {
    expect(stepStatus({ done: true, overdue: true, status: 'done' })).toEqual({ kind: 'done', text: 'Сделано' });
    expect(stepStatus({ done: false, overdue: true, status: 'next' })).toEqual({ kind: 'late', text: 'Просрочено' });
    expect(stepStatus({ done: false, overdue: false, status: 'next' })).toEqual({ kind: 'next', text: 'Следующий шаг' });
    expect(stepStatus({ done: false, overdue: false, status: 'later' })).toEqual({ kind: 'later', text: 'Позже' });
  });

  test('figures and dates', () => {
    expect(stepFigureText({ applies: true, percent: 40, overdue: true })).toBe('40% · просрочен');
    expect(stepFigureText({ applies: true, percent: null, overdue: true })).toBe('просрочен');
    expect(stepFigureText({ applies: true, percent: 99.6, overdue: false })).toBe('100%');
    expect(stepFigureText({ applies: false, percent: null, overdue: false })).toBe('—');
    expect(percentText(null)).toBe('—');
    expect(ruDate('2021-03-31')).toBe('31.03.2021');
    expect(ruDate(null)).toBe('');
    expect(orgSummary({ doneSteps: 3, overdueSteps: [5, 6], steps: new Array(7) })).toBe('Шаги выполнены: 3 из 7; просрочены шаги: 5, 6');
  });
});
