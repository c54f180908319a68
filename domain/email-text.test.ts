import { plural } from './cell';
import { checkEmail } from './email';
import { checkFreeText, formatFileSize } from './text';

describe('checkEmail', () => {
  it.each<[unknown, string]>([
    ['ivanova@mail.ru', 'ivanova@mail.ru'],
    ['  Ivanova.A@Mail.RU ', 'Ivanova.A@mail.ru'],
    ['почта@школа.рф', 'почта@школа.рф'],
    ['director@ШКОЛА-12.РФ', 'director@школа-12.рф'],
    ['a+union@sub.example.com', 'a+union@sub.example.com'],
    ['mailto:x_y@yandex.ru', 'x_y@yandex.ru'],
    ['user@xn--80a1acny.xn--p1ai', 'user@xn--80a1acny.xn--p1ai'],
  ])('accepts %p', (input, expected) => {
    expect(checkEmail(input)).toEqual({ ok: true, value: expected });
  });

  it.each<[unknown, string]>([
    ['ivanova.mail.ru', 'Эл. почта: нет знака @ — впишите адрес в виде name@mail.ru'],
    ['a@b.ru, c@d.ru', 'Эл. почта: в ячейке несколько адресов — оставьте один'],
    ['ivan ova@mail.ru', 'Эл. почта: в адресе не может быть пробелов — уберите их'],
    ['ivanova@mail,ru', 'Эл. почта: в адресе запятая вместо точки — исправьте (например, mail.ru)'],
    ['ivanova@mail', 'Эл. почта: ошибка в части адреса после знака @ — проверьте адрес (например, mail.ru, yandex.ru)'],
    ['ivanova@mail..ru', 'Эл. почта: ошибка в части адреса после знака @ — проверьте адрес (например, mail.ru, yandex.ru)'],
    ['ivanova@-mail.ru', 'Эл. почта: ошибка в части адреса после знака @ — проверьте адрес (например, mail.ru, yandex.ru)'],
    ['ivanova@mail.r', 'Эл. почта: ошибка в части адреса после знака @ — проверьте адрес (например, mail.ru, yandex.ru)'],
    ['.ivanova@mail.ru', 'Эл. почта: ошибка в части адреса до знака @ — проверьте адрес'],
    ['iva..nova@mail.ru', 'Эл. почта: ошибка в части адреса до знака @ — проверьте адрес'],
    ['@mail.ru', 'Эл. почта: ошибка в части адреса до знака @ — проверьте адрес'],
    ['<script>@mail.ru', 'Эл. почта: ошибка в части адреса до знака @ — проверьте адрес'],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.ru`, 'Эл. почта: адрес длиннее 254 знаков — проверьте его'],
    ['', 'Эл. почта: не заполнена — впишите адрес в виде name@mail.ru'],
    [{}, 'Эл. почта: неверное значение — введите значение заново'],
  ])('rejects %p', (input, message) => {
    expect(checkEmail(input)).toEqual({ ok: false, message });
  });
});

describe('checkFreeText', () => {
  it.each<[unknown, string | null]>([
    ['  Учитель   начальных классов ', 'Учитель начальных классов'],
    ['Адрес:\nул. Ленина, 1', 'Адрес: ул. Ленина, 1'],
    [101, '101'],
    ['', null],
    ['   ', null],
    [null, null],
    [undefined, null],
  ])('accepts %p', (input, expected) => {
    expect(checkFreeText(input, 'Должность', 20 + 20)).toEqual({ ok: true, value: expected });
  });

  it.each<[unknown, string]>([
    ['Учитель<script>', 'Должность: знаки «<» и «>» не допускаются — уберите их'],
    ['a > b', 'Должность: знаки «<» и «>» не допускаются — уберите их'],
    ['Учитель\u0000', 'Должность: есть невидимые служебные символы — сотрите текст и наберите его заново'],
    ['x'.repeat(41), 'Должность: слишком длинный текст — 41 знак, а можно не больше 40; сократите его'],
    [new Date(Date.UTC(2025, 0, 10)), "Должность: Excel превратил текст в дату — введите значение заново, поставив перед ним апостроф (')"],
    [true, 'Должность: неверное значение — введите значение заново'],
    [[1], 'Должность: неверное значение — введите значение заново'],
    [NaN, 'Должность: неверное значение — введите значение заново'],
    // Issue 15: free text never starts like a formula (it reaches sheets).
    ['=СУММ(A1)', 'Должность: текст не может начинаться со знака «=» — Excel примет его за формулу. Уберите этот знак в начале или начните текст со слова'],
    ['-5 группа', 'Должность: текст не может начинаться со знака «-» — Excel примет его за формулу. Уберите этот знак в начале или начните текст со слова'],
  ])('rejects %p', (input, message) => {
    expect(checkFreeText(input, 'Должность', 40)).toEqual({ ok: false, message });
  });
});

describe('plural', () => {
  it.each<[number, string]>([
    [1, 'знак'], [2, 'знака'], [5, 'знаков'], [11, 'знаков'], [21, 'знак'], [104, 'знака'], [112, 'знаков'],
  ])('%d %s', (n, form) => {
    expect(plural(n, ['знак', 'знака', 'знаков'])).toBe(form);
  });
});

describe('formatFileSize', () => {
  test.each([
    [50 * 1024 * 1024, '50 МБ'],
    [1.5 * 1024 * 1024, '1,5 МБ'],
    [1024 * 1024, '1 МБ'],
    [800 * 1024, '800 КБ'],
    [100, '1 КБ'],
  ])('%d bytes → %s', (bytes, text) => expect(formatFileSize(bytes)).toBe(text));
});
