import { findPersonalData } from './support/personal-data';

describe('the privacy check over test logs', () => {
  test.each([
    ['{"msg":"x","snils":"112-233-445 95"}', 'СНИЛС'],
    ['{"msg":"phone +79123456789"}', 'phone'],
    ['{"msg":"mail ivanova@school.ru"}', 'e-mail'],
    ['{"authorization":"Bearer abcdefghijklmnopqrstuvwxyz0123"}', 'bearer token'],
    ['{"token":"abc"}', 'token field'],
    ['{"msg":"Канарейкина"}', 'seeded value'],
  ])('finds personal data or a secret in %s', (line, kind) => {
    expect(findPersonalData(line).join(' ')).toContain(kind);
  });

  test('passes an ordinary request line and a redacted field', () => {
    expect(findPersonalData('{"level":30,"time":1795736958380,"pid":1,"method":"POST","route":"/api/v1/auth/login","status":401,"ms":7,"msg":"request"}')).toEqual([]);
    expect(findPersonalData('{"password":"[скрыто]"}')).toEqual([]);
  });
});
