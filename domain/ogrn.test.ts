import fc from 'fast-check';
import { checkOgrn, checkOgrnAny, checkOgrnip, ogrnChecksumOk } from './ogrn';

describe('ОГРН and ОГРНИП', () => {
  it.each(['1027700132195', '1037739010891', '1027739609391', '1027800000480'])('ОГРН %s is valid', (v) => {
    expect(checkOgrn(v)).toEqual({ ok: true, value: v });
    expect(checkOgrnAny(v)).toEqual({ ok: true, value: v });
  });

  it('accepts numbers and spaces', () => {
    expect(checkOgrn(1027700132195)).toEqual({ ok: true, value: '1027700132195' });
    expect(checkOgrn(' 1027700132195 ')).toEqual({ ok: true, value: '1027700132195' });
  });

  it('ОГРНИП 304500116000157 is valid', () => {
    expect(checkOgrnip('304500116000157')).toEqual({ ok: true, value: '304500116000157' });
    expect(checkOgrnAny(304500116000157)).toEqual({ ok: true, value: '304500116000157' });
  });

  it.each<[() => unknown, string]>([
    [() => checkOgrn('1027700132196'), 'ОГРН: контрольное число не сходится — проверьте цифры по выписке из ЕГРЮЛ'],
    [() => checkOgrn('0000000000000'), 'ОГРН: контрольное число не сходится — проверьте цифры по выписке из ЕГРЮЛ'],
    [() => checkOgrn('304500116000157'), 'ОГРН: должно быть 13 цифр, а введено 15 — проверьте номер по выписке из ЕГРЮЛ'],
    [() => checkOgrnip('304500116000158'), 'ОГРНИП: контрольное число не сходится — проверьте цифры по выписке из ЕГРЮЛ'],
    [() => checkOgrnip('1027700132195'), 'ОГРНИП: должно быть 15 цифр, а введено 13 — проверьте номер по выписке из ЕГРЮЛ'],
    [() => checkOgrnAny('10277001321950'), 'ОГРН: должно быть 13 цифр (ОГРН) или 15 цифр (ОГРНИП), а введено 14 — проверьте номер по выписке из ЕГРЮЛ'],
    [() => checkOgrnAny('1027700l32195'), 'ОГРН: должны быть только цифры — уберите буквы и другие знаки'],
    [() => checkOgrnAny(undefined), 'ОГРН: не заполнен — впишите 13 цифр (ОГРН) или 15 цифр (ОГРНИП)'],
    [() => checkOgrnAny([]), 'ОГРН: неверное значение — введите значение заново'],
  ])('rejects (%#)', (run, message) => {
    expect(run()).toEqual({ ok: false, message });
  });

  it('the check sum works past 2^53 for ОГРНИП', () => {
    expect(ogrnChecksumOk('304500116000157')).toBe(true);
    expect(ogrnChecksumOk('12345')).toBe(false);
  });

  it('the digit-by-digit remainder (no BigInt) agrees with exact big-number arithmetic', () => {
    fc.assert(
      fc.property(fc.constantFrom(13, 15), fc.stringMatching(/^[1-9]\d{13}$/), (length, digits) => {
        const body = digits.slice(0, length - 1);
        const check = (BigInt(body) % BigInt(length === 13 ? 11 : 13)) % 10n;
        expect(ogrnChecksumOk(body + check.toString())).toBe(true);
        expect(ogrnChecksumOk(body + ((Number(check) + 1) % 10).toString())).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
