/**
 * Builds the .docx templates in templates/ (`npm run templates`). The committed templates must equal
 * what this script produces (server/documents/templates.test.ts compares their text and placeholders).
 *
 * The templates are ordinary Word documents: a union officer may open one, change the wording or the
 * layout and upload it back; placeholders {{…}} mark where the server puts the values
 * (see templates/README.md for the list per template and the repeated-row syntax).
 * All six share one style sheet, so the three consents can be merged into one print batch.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  UnderlineType,
  VerticalAlignTable,
  WidthType,
  type ParagraphChild,
} from 'docx';

/** A4, margins 2 cm; text width 17 cm = 9638 twips. */
const PAGE = { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134, header: 567, footer: 567 } };
const TEXT_WIDTH = 9638;

const STYLES = {
  default: {
    document: {
      run: { font: 'Times New Roman', size: 22, language: { value: 'ru-RU' } },
      paragraph: { spacing: { before: 0, after: 0, line: 240 } },
    },
  },
  paragraphStyles: [
    { id: 'FormTitle', name: 'Form Title', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { bold: true, size: 26 }, paragraph: { alignment: AlignmentType.CENTER, keepNext: true } },
    { id: 'FormSubtitle', name: 'Form Subtitle', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { bold: true }, paragraph: { alignment: AlignmentType.CENTER, spacing: { after: 100 }, keepNext: true } },
    { id: 'FormField', name: 'Form Field', basedOn: 'Normal', quickFormat: true, run: { size: 20 }, paragraph: { spacing: { before: 30 } } },
    { id: 'FormCaption', name: 'Form Caption', basedOn: 'Normal', quickFormat: true, run: { size: 15, italics: true }, paragraph: { alignment: AlignmentType.CENTER } },
    // The consents' text: 9.5 pt, so that a consent with the longest member's details, every operator
    // and processor — and the legal representative's blanks — fits one A4 page.
    { id: 'FormBody', name: 'Form Body', basedOn: 'Normal', quickFormat: true, run: { size: 19 }, paragraph: { alignment: AlignmentType.JUSTIFIED, spacing: { before: 40, after: 20 }, indent: { firstLine: 567 } } },
    { id: 'FormItem', name: 'Form Item', basedOn: 'Normal', quickFormat: true, run: { size: 19 }, paragraph: { alignment: AlignmentType.JUSTIFIED, spacing: { after: 20 }, indent: { firstLine: 567 } } },
    { id: 'LetterBody', name: 'Letter Body', basedOn: 'Normal', quickFormat: true, run: { size: 24 }, paragraph: { alignment: AlignmentType.JUSTIFIED, spacing: { after: 120 }, indent: { firstLine: 567 } } },
    { id: 'LetterItem', name: 'Letter Item', basedOn: 'Normal', quickFormat: true, run: { size: 24 }, paragraph: { alignment: AlignmentType.JUSTIFIED, spacing: { after: 100 }, indent: { left: 567, hanging: 340 } } },
    { id: 'LetterHeading', name: 'Letter Heading', basedOn: 'Normal', next: 'LetterBody', quickFormat: true, run: { bold: true, size: 26 }, paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 240, after: 200 }, keepNext: true } },
    { id: 'LetterAddress', name: 'Letter Address', basedOn: 'Normal', quickFormat: true, run: { size: 24 }, paragraph: { indent: { left: 5103 } } },
    { id: 'TableText', name: 'Table Text', basedOn: 'Normal', quickFormat: true, run: { size: 22 } },
  ],
};

type Piece = string | { text: string; bold?: boolean; underline?: boolean; italics?: boolean; size?: number };

/** Text pieces to runs; a placeholder always gets a run of its own. */
function runs(pieces: readonly Piece[]): ParagraphChild[] {
  return pieces.map((p) => {
    const o = typeof p === 'string' ? { text: p } : p;
    return new TextRun({ text: o.text, bold: o.bold, italics: o.italics, size: o.size, underline: o.underline ? { type: UnderlineType.SINGLE } : undefined });
  });
}

const field = (name: string): Piece => ({ text: `{{${name}}}`, underline: true });
const p = (style: string, ...pieces: Piece[]) => new Paragraph({ style, children: runs(pieces) });
const caption = (text: string) => p('FormCaption', text);
const item = (n: number, label: string, name: string) => p('FormItem', { text: `${n}. ${label}: `, bold: true }, `{{${name}}}`);

const NO_BORDERS = TableBorders.NONE;

/** The signature block: date, signature, name; captions underneath. */
function signatureTable(date: Piece, name: Piece, style = 'Normal', captions = ['(дата)', '(подпись)', '(фамилия, инициалы)']): Table {
  // The name column is the widest: a double-barrelled surname with initials must not break mid-word.
  const widths = [3300, 2300, 4038];
  const cell = (children: Paragraph[], w: number) => new TableCell({ children, width: { size: w, type: WidthType.DXA }, borders: NO_BORDERS, verticalAlign: VerticalAlignTable.BOTTOM });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        cantSplit: true,
        children: [
          cell([new Paragraph({ style, keepNext: true, children: runs([date]) })], widths[0]),
          cell([new Paragraph({ style, keepNext: true, alignment: AlignmentType.CENTER, children: runs(['________________']) })], widths[1]),
          cell([new Paragraph({ style, keepNext: true, alignment: AlignmentType.CENTER, children: runs([name]) })], widths[2]),
        ],
      }),
      new TableRow({ cantSplit: true, children: captions.map((c, i) => cell([caption(c)], widths[i])) }),
    ],
  });
}

const spacer = (after = 160) => new Paragraph({ spacing: { after }, children: [] });

function consentSubject(extra: Paragraph[] = []): Paragraph[] {
  return [
    p('FormField', 'Я, ', field('member_full_name'), ','),
    caption('(фамилия, имя, отчество субъекта персональных данных)'),
    p('FormField', 'адрес регистрации: ', field('member_address'), ','),
    p('FormField', 'документ, удостоверяющий личность: ', field('member_id_document'), ','),
    caption('(вид документа, серия, номер, кем выдан, дата выдачи, код подразделения)'),
    ...extra,
  ];
}

/**
 * The subject of a consent signed by the legal representative of a member under 18 (152-ФЗ art. 9
 * part 6; Civil Code arts. 26, 28): the representative's name, identity document and basis — parent or
 * guardian, with the document — are blanks written in by hand; then the minor's own details.
 */
function consentSubjectMinor(extra: Paragraph[] = []): Paragraph[] {
  return [
    p('FormField', 'Я, ', '_'.repeat(52), { text: ' (фамилия, имя, отчество законного представителя)', size: 15, italics: true }, ','),
    p('FormField', 'паспорт (иной документ, удостоверяющий личность): серия ______ номер __________ выдан ___.___.______,'),
    p('FormField', 'кем выдан ', '_'.repeat(46), ' код подразделения ______-______,'),
    p('FormField', 'законный представитель (подчеркнуть): родитель, усыновитель, опекун, попечитель, на основании'),
    p('FormField', '_'.repeat(46), { text: ' (свидетельство о рождении, решение об опеке: серия, номер, дата, кем выдан)', size: 15, italics: true }, ','),
    p('FormField', 'несовершеннолетнего (несовершеннолетней) ', field('member_full_name'), ','),
    caption('(фамилия, имя, отчество субъекта персональных данных)'),
    p('FormField', 'адрес регистрации: ', field('member_address'), ','),
    p('FormField', 'документ, удостоверяющий личность: ', field('member_id_document'), ','),
    caption('(паспорт или свидетельство о рождении: серия, номер, кем выдан, дата выдачи, код подразделения)'),
    ...extra,
  ];
}

/** For the representative's variant: the terms below are the member's, written in the first person. */
const MINOR_READING = ' Слова «я», «мне», «мой», «мои» в условиях ниже относятся к представляемому мной несовершеннолетнему.';

const LAW = 'в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» свободно, своей волей и в своём интересе ';

function consentTerms(minor = false): (Paragraph | Table)[] {
  return [
    item(1, 'Цель обработки', 'purpose'),
    item(2, 'Перечень персональных данных', 'data_list'),
    item(3, 'Перечень действий с персональными данными', 'actions'),
    item(4, 'Общее описание способов обработки', 'methods'),
    item(5, 'Срок действия согласия', 'term'),
    item(6, 'Порядок отзыва согласия', 'revocation'),
    // The signature block keeps together and with the text above it (keep-with-next): it never stands
    // alone on a page; and it names the member, so a page with it always says whose consent it is.
    new Paragraph({
      style: 'FormBody',
      keepNext: true,
      keepLines: true,
      children: runs([
        'Согласие оформлено отдельным документом. Мне разъяснены права субъекта персональных данных, предусмотренные главой 3 Федерального закона «О персональных данных», в том числе право получать сведения об обработке моих персональных данных и право отозвать согласие.',
      ]),
    }),
    new Paragraph({ style: 'FormField', keepNext: true, keepLines: true, spacing: { before: 60, after: 40 }, children: runs([{ text: 'Субъект персональных данных: ', size: 17 }, { text: '{{member_full_name}}', bold: true, size: 17 }]) }),
    minor
      ? signatureTable('«____» _____________ 20____ г.', '______________________', 'Normal', ['(дата)', '(подпись законного представителя)', '(фамилия, инициалы законного представителя)'])
      : signatureTable('«____» _____________ 20____ г.', field('member_short_name')),
  ];
}

/** A4 with 1.4 cm top and bottom and 1.2 cm right margins (2 cm left for filing): a consent is one page. */
const CONSENT_PAGE = { ...PAGE, margin: { ...PAGE.margin, top: 794, bottom: 794, right: 680, header: 397, footer: 397 } };

function consentDocument(title: string, subtitle: string, children: (Paragraph | Table)[]): Document {
  return document(title, [p('FormTitle', 'СОГЛАСИЕ'), p('FormSubtitle', subtitle), ...children], CONSENT_PAGE);
}

/** Word always keeps a paragraph after a table at the end of a document; so do we (it also carries the section break in a batch). */
const endParagraph = () => new Paragraph({ spacing: { before: 0, after: 0 }, children: [] });

function document(title: string, children: (Paragraph | Table)[], page = PAGE): Document {
  return new Document({
    creator: 'Единый реестр Общероссийского Профсоюза образования',
    title,
    description: 'Шаблон документа. Поля {{…}} заполняет сервер реестра; их можно переставлять, но не переименовывать.',
    styles: STYLES,
    sections: [{ properties: { page }, children: [...children, endParagraph()] }],
  });
}

const MINOR_SUBTITLE = ' (подписывает законный представитель несовершеннолетнего)';
const law = (minor: boolean) => (minor ? LAW.replace('в своём интересе', 'в интересе представляемого') : LAW);

function consentUnion(minor = false): Document {
  return consentDocument(`Согласие на обработку персональных данных Профсоюзом${minor ? ' (законный представитель)' : ''}`, `на обработку персональных данных члена Общероссийского Профсоюза образования${minor ? MINOR_SUBTITLE : ''}`, [
    ...(minor ? consentSubjectMinor() : consentSubject()),
    p(
      'FormBody',
      law(minor) + 'даю согласие оператору — ',
      { text: '{{operator_name}}', bold: true },
      ' (',
      '{{operator_requisites}}',
      'адрес: ',
      '{{operator_address}}',
      '), а также вышестоящим организациям Общероссийского Профсоюза образования, ведущим единый реестр членов Профсоюза: ',
      '{{superior_operators}}',
      ` (далее вместе — Операторы), на обработку ${minor ? 'персональных данных представляемого' : 'моих персональных данных'} на следующих условиях.`,
      '{{processors}}',
      minor ? MINOR_READING : '',
    ),
    ...consentTerms(minor),
  ]);
}

function consentOperator(minor = false): Document {
  return consentDocument(`Согласие на обработку персональных данных ООО «ФИНФОРТ»${minor ? ' (законный представитель)' : ''}`, `на обработку персональных данных оператором электронного профсоюзного билета${minor ? MINOR_SUBTITLE : ''}`, [
    ...(minor ? consentSubjectMinor() : consentSubject()),
    p(
      'FormBody',
      law(minor) + 'даю согласие оператору — ',
      { text: '{{operator_name}}', bold: true },
      ', ИНН ',
      '{{operator_inn}}',
      ', адрес: ',
      '{{operator_address}}',
      ` (далее — Оператор), на обработку ${minor ? 'персональных данных представляемого' : 'моих персональных данных'}, в том числе на их получение Оператором от организации Профсоюза — `,
      '{{union_name}}',
      ', на следующих условиях.',
      minor ? MINOR_READING : '',
    ),
    ...consentTerms(minor),
  ]);
}

function consentNotify(minor = false): Document {
  const subject = minor ? consentSubjectMinor : consentSubject;
  return consentDocument(`Согласие на получение SMS/PUSH/e-mail-уведомлений${minor ? ' (законный представитель)' : ''}`, `на получение SMS-, PUSH- и e-mail-уведомлений от Профсоюза${minor ? MINOR_SUBTITLE : ''}`, [
    ...subject([
      p('FormField', 'номер мобильного телефона: ', field('member_phone'), ','),
      p('FormField', 'адрес электронной почты: ', field('member_email'), ','),
      caption('(контакты, на которые направляются уведомления)'),
    ]),
    p(
      'FormBody',
      law(minor) + 'даю согласие оператору — ',
      { text: '{{operator_name}}', bold: true },
      ' (',
      '{{operator_requisites}}',
      'адрес: ',
      '{{operator_address}}',
      ') и вышестоящим организациям Общероссийского Профсоюза образования: ',
      '{{superior_operators}}',
      minor
        ? ' (далее вместе — Операторы), на направление представляемому уведомлений по указанным контактам и на обработку его персональных данных для этой цели на следующих условиях.'
        : ' (далее вместе — Операторы), на направление мне уведомлений по указанным контактам и на обработку моих персональных данных для этой цели на следующих условиях.',
      '{{processors}}',
      minor ? MINOR_READING : '',
    ),
    ...consentTerms(minor),
  ]);
}

const OBLIGATIONS = [
  'Не разглашать, не передавать третьим лицам и не распространять персональные данные членов Профсоюза, ставшие мне известными в связи с исполнением обязанностей председателя, кроме случаев, предусмотренных законодательством Российской Федерации и Уставом Профсоюза.',
  'Обрабатывать персональные данные только для целей, указанных в согласиях членов Профсоюза, и только в необходимом для этих целей объёме, соблюдая требования Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных».',
  'Никому не сообщать свой логин и пароль для входа в единый реестр, не оставлять без присмотра компьютер с открытым реестром, хранить бумажные документы с персональными данными (в том числе подписанные согласия) в месте, недоступном посторонним.',
  'Не копировать персональные данные членов Профсоюза на личные носители и в облачные хранилища, не пересылать их по личной электронной почте и через мессенджеры.',
  'Незамедлительно сообщать в вышестоящую организацию Профсоюза об утрате документов, о подозрении на утечку персональных данных, о том, что пароль мог стать известен посторонним.',
  'При прекращении полномочий председателя передать документы с персональными данными вновь избранному председателю (выборному органу) и не использовать ставшие мне известными персональные данные и после прекращения полномочий.',
];

function obligation(): Document {
  return document('Обязательство о неразглашении персональных данных', [
    p('FormTitle', 'ОБЯЗАТЕЛЬСТВО'),
    p('FormSubtitle', 'о неразглашении персональных данных'),
    new Paragraph({ style: 'FormField', children: runs([{ text: 'Я, ', size: 24 }, { text: '{{chair_full_name}}', underline: true, size: 24 }, { text: ',', size: 24 }]) }),
    caption('(фамилия, имя, отчество)'),
    new Paragraph({ style: 'FormField', children: runs([{ text: '{{chair_position}}', underline: true, size: 24 }]) }),
    caption('(должность)'),
    new Paragraph({ style: 'FormField', children: runs([{ text: '{{organisation_name}}', underline: true, size: 24 }, { text: ',', size: 24 }]) }),
    caption('(полное наименование организации Профсоюза)'),
    p(
      'LetterBody',
      'в связи с предоставлением мне доступа к персональным данным членов Общероссийского Профсоюза образования, в том числе в автоматизированной информационной системе «Единый реестр Общероссийского Профсоюза образования», обязуюсь:',
    ),
    ...OBLIGATIONS.map((text, i) => p('LetterItem', `${i + 1}.\u00A0${text}`)),
    p(
      'LetterBody',
      'Мне разъяснено, что лица, виновные в нарушении требований Федерального закона «О персональных данных», несут ответственность, предусмотренную законодательством Российской Федерации (статья 24 Федерального закона «О персональных данных»).',
    ),
    p('LetterBody', 'Подписанное обязательство хранится в документах выборного органа первичной профсоюзной организации.'),
    spacer(360),
    signatureTable('«____» _____________ 20____ г.', { text: '{{chair_short_name}}', underline: true, size: 24 }, 'Normal'),
  ]);
}

function labelledTable(rows: [string, string | TextRun][]): Table {
  const widths = [3600, TEXT_WIDTH - 3600];
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  const borders = { top: border, bottom: border, left: border, right: border };
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: rows.map(
      ([label, value]) =>
        new TableRow({
          cantSplit: true,
          children: [
            new TableCell({ width: { size: widths[0], type: WidthType.DXA }, borders, margins: { top: 60, bottom: 60, left: 100, right: 100 }, children: [new Paragraph({ children: runs([{ text: label, size: 24 }]) })] }),
            new TableCell({
              width: { size: widths[1], type: WidthType.DXA },
              borders,
              margins: { top: 60, bottom: 60, left: 100, right: 100 },
              children: [new Paragraph({ children: typeof value === 'string' ? runs([{ text: value, bold: true, size: 24 }]) : [value] })],
            }),
          ],
        }),
    ),
  });
}

/** The numbered steps of the letter: a borderless table whose row repeats per step ({{#steps}} … {{/steps}}). */
function stepsTable(): Table {
  const widths = [567, TEXT_WIDTH - 567];
  const cell = (text: string, i: number) =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      borders: NO_BORDERS,
      margins: { top: 0, bottom: 60, left: 0, right: 80 },
      // Left-aligned: a step's lines end with line breaks, which justified text would stretch.
      children: [new Paragraph({ alignment: AlignmentType.LEFT, children: runs([{ text, size: 21 }]) })],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: [new TableRow({ cantSplit: true, children: [cell('{{#steps}}{{step_no}}', 0), cell('{{step_text}}{{/steps}}', 1)] })],
  });
}

function loginLetter(): Document {
  // The one-time password: monospace, characters spaced, so that l/1/I and O/0 can be told apart.
  const password = new TextRun({ text: '{{password}}', bold: true, size: 28, font: 'Courier New', characterSpacing: 60 });
  return document('Письмо с логином и паролем председателя', [
    new Paragraph({ children: runs([{ text: '{{territorial_name}}', bold: true, size: 24 }]) }),
    spacer(120),
    p('LetterAddress', 'Кому: ', '{{chair_full_name}}'),
    p('LetterAddress', 'Организация: ', '{{organisation_name}}'),
    p('LetterHeading', 'Доступ к единому реестру членов Профсоюза'),
    p('LetterBody', '{{letter_intro}}', ' Храните это письмо в месте, недоступном посторонним, и не пересылайте его.'),
    labelledTable([
      ['Логин', '{{login}}'],
      ['Одноразовый пароль', password],
      ['Адрес реестра', '{{server_url}}'],
      ['Файл надстройки для Excel', '{{manifest_url}}'],
    ]),
    p('LetterHeading', 'Что сделать'),
    stepsTable(),
    p('LetterBody', 'Если что-то не получается, обратитесь в территориальную организацию Профсоюза: ', '{{territorial_contact}}', '.'),
    p('LetterBody', 'Дата выдачи: ', '{{document_date}}'),
  ]);
}

function cardOrder(): Document {
  const widths = [600, 3300, 1500, 1900, 2338];
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  const borders = { top: border, bottom: border, left: border, right: border };
  const cell = (text: Piece[], i: number, bold = false) =>
    new TableCell({
      width: { size: widths[i], type: WidthType.DXA },
      borders,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      children: [new Paragraph({ style: 'TableText', alignment: i === 1 || i === 4 ? AlignmentType.LEFT : AlignmentType.CENTER, children: runs(text.map((t) => (bold && typeof t === 'string' ? { text: t, bold } : t))) })],
    });
  const table = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: ['№', 'Фамилия, имя, отчество', 'Дата рождения', 'Телефон', 'Первичная профсоюзная организация'].map((h, i) => cell([h], i, true)) }),
      new TableRow({
        cantSplit: true,
        children: [
          cell(['{{#members}}', '{{member_no}}'], 0),
          cell(['{{member_full_name}}'], 1),
          cell(['{{member_birth_date}}'], 2),
          cell(['{{member_phone}}'], 3),
          cell(['{{member_org}}', '{{/members}}'], 4),
        ],
      }),
    ],
  });
  const line = (label: string, ...value: Piece[]) => new Paragraph({ style: 'FormField', children: runs([{ text: label, size: 24 }, ...value.map((v) => (typeof v === 'string' ? { text: v, size: 24 } : { size: 24, ...v }))]) });
  return document('Заявка на изготовление электронных профсоюзных билетов', [
    new Paragraph({ style: 'LetterAddress', children: runs([{ text: 'Кому: ', size: 24 }, { text: '{{addressee}}', size: 24 }]) }),
    spacer(240),
    p('FormTitle', 'ЗАЯВКА № ', '{{order_number}}'),
    p('FormSubtitle', 'на изготовление электронных профсоюзных билетов от ', '{{order_date}}'),
    line('Организация Профсоюза: ', { text: '{{organisation_name}}', bold: true }),
    line('Количество билетов: ', { text: '{{card_count}}', bold: true }, ' шт.'),
    line('Стоимость одного билета: ', '{{card_price}}'),
    line('Общая стоимость: ', { text: '{{total_cost}}', bold: true }, ' (', '{{total_cost_words}}', ')'),
    line('Адрес доставки билетов: ', '{{delivery_address}}'),
    line('Контактное лицо: ', '{{contact_person}}'),
    spacer(200),
    table,
    spacer(360),
    new Paragraph({ keepNext: true, children: runs([{ text: '{{chair_position}}', size: 24 }]) }),
    signatureTable('{{signature_date}}', { text: '{{chair_short_name}}', underline: true, size: 24 }, 'Normal'),
  ]);
}

export const TEMPLATE_BUILDERS: Readonly<Record<string, () => Document>> = {
  'consent-union.docx': () => consentUnion(),
  'consent-operator.docx': () => consentOperator(),
  'consent-notify.docx': () => consentNotify(),
  'consent-union-minor.docx': () => consentUnion(true),
  'consent-operator-minor.docx': () => consentOperator(true),
  'consent-notify-minor.docx': () => consentNotify(true),
  'obligation.docx': obligation,
  'login-letter.docx': loginLetter,
  'card-order.docx': cardOrder,
};

/** Builds every template in memory: file name → .docx bytes. */
export async function buildTemplates(): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const [file, build] of Object.entries(TEMPLATE_BUILDERS)) out[file] = await Packer.toBuffer(build());
  return out;
}

export const TEMPLATES_DIR = path.resolve(__dirname, '..', 'templates');

async function main(): Promise<void> {
  const built = await buildTemplates();
  fs.mkdirSync(TEMPLATES_DIR, { recursive: true });
  for (const [file, buf] of Object.entries(built)) {
    fs.writeFileSync(path.join(TEMPLATES_DIR, file), buf);
    console.log(`templates/${file}: ${buf.length} bytes`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
