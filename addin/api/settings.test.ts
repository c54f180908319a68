import type { DocumentSettingsView } from '../../server/services/documents/settings.service';
import type { TemplateView } from '../../server/services/documents/template-store';
import { rub } from '../ui/format';
import { MAX_CARD_PRICE_RUB, operatorChange, parseRubles } from '../ui/views/settings';
import { json, lost, recordingClient } from './test-client';
import { DOCX_CONTENT_TYPE, saveCardOperator, templateLink, uploadTemplate, type DocumentSettings, type TemplateInfo, type TemplateUploadAnswer } from './settings';

/** Compile-time: the server's answers are what the client declares. */
export const fits = {
  settings: (v: DocumentSettingsView): DocumentSettings => v,
  template: (v: TemplateView): TemplateInfo => v,
  upload: (v: TemplateView & { created: boolean }): TemplateUploadAnswer => v,
};

describe('settings API client', () => {
  test('a template goes as the .docx itself, not as JSON; a lost answer is sent again (the same file stores nothing new)', async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3]);
    const { c, calls } = recordingClient([lost, json(200, {})]);
    await uploadTemplate(c, 'consent-union', bytes.buffer);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toMatchObject({ url: '/api/v1/templates/consent-union', method: 'PUT' });
      expect(call.headers['Content-Type']).toBe(DOCX_CONTENT_TYPE);
      expect(call.body).toBeInstanceOf(Uint8Array);
      expect([...(call.body as Uint8Array)]).toEqual([...bytes]);
    }
  });

  test('the operator details go as JSON under cardOperator; a template link is a POST', async () => {
    const { c, calls } = recordingClient();
    await saveCardOperator(c, { inn: '7830002293', address: null });
    await templateLink(c, 'obligation');
    expect(calls.map((x) => [x.method, x.url, x.headers['Content-Type'], x.body])).toEqual([
      ['PUT', '/api/v1/settings/documents', 'application/json', { cardOperator: { inn: '7830002293', address: null } }],
      ['POST', '/api/v1/templates/obligation/link', undefined, undefined],
    ]);
  });
});

describe('settings view helpers', () => {
  test.each<[string, number | null]>([
    ['17', 17],
    ['17,50', 17.5],
    [' 17.5 ₽', 17.5],
    ['25 руб.', 25],
    ['0', null],
    ['100000', MAX_CARD_PRICE_RUB],
    ['100000,01', null],
    ['17,555', null],
    ['семнадцать', null],
    ['', null],
  ])('price %j → %j', (typed, rub) => {
    expect(parseRubles(typed)).toBe(rub);
  });

  test('roubles are shown with kopecks', () => {
    expect(rub(1700)).toBe('17,00 ₽');
    expect(rub(123456).replace(/\s/g, ' ')).toBe('1 234,56 ₽');
  });

  test('only changed operator fields are saved; an emptied field goes back to the configuration file', () => {
    const current = { name: 'ООО «ФИНФОРТ»', inn: null, address: 'Москва', contract: null };
    expect(operatorChange(current, { name: ' ООО  «ФИНФОРТ» ', inn: '7830002293', address: '', contract: 'договор № 1' })).toEqual({ inn: '7830002293', address: null, contract: 'договор № 1' });
    expect(operatorChange(current, { name: 'ООО «ФИНФОРТ»', inn: '', address: 'Москва', contract: '' })).toEqual({});
  });
});
