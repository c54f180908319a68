import { isFormulaLike, neutraliseCell, restoreNeutralised } from './neutralise';

describe('neutraliseCell (formula injection)', () => {
  test.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+7 (912) 345-67-89', "'+7 (912) 345-67-89"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', "'\r=1+2"],
  ])('prefixes %j with an apostrophe', (input, expected) => {
    expect(isFormulaLike(input)).toBe(true);
    expect(neutraliseCell(input)).toBe(expected);
    expect(restoreNeutralised(neutraliseCell(input))).toBe(input);
  });

  test.each(['Иванов', 'Учитель = классный руководитель', ' =1+2', "'обычный текст", '', '112-233-445 95', '01.02.1990'])('leaves %j as it is', (input) => {
    expect(isFormulaLike(input)).toBe(false);
    expect(neutraliseCell(input)).toBe(input);
    expect(restoreNeutralised(input)).toBe(input);
  });

  test('takes off only the apostrophe it added', () => {
    expect(restoreNeutralised("'=1+2")).toBe('=1+2');
    expect(restoreNeutralised("''=1+2")).toBe("''=1+2");
    expect(restoreNeutralised("'")).toBe("'");
    expect(restoreNeutralised("'Ахмед")).toBe("'Ахмед");
  });
});
