/**
 * Consent batch benchmark: 1,000 members × 3 consents = 3,000 documents in one .docx.
 *
 *   npx tsx bench/documents.bench.ts      (exit code 1 when a target is missed)
 *
 * Each measurement runs in its own child process, so its peak memory is its own: the child samples
 * process.memoryUsage().rss every 10 ms and also reports process.resourceUsage().maxRSS.
 *   engine    — server/documents buildConsentBatch (templates parsed once, string substitution, native deflate)
 *   engine-z1 — the same with deflate level 1
 *   zip       — buildConsentZip: one .docx per member in a .zip
 *   docx      — baseline: the docx package building the same 3,000 consents directly, as 3,000 sections of
 *               one new Document, Packer.toBuffer. Every paragraph of each consent as the templates have it
 *               (scripts/build-templates.ts: title, subtitle, subject fields and captions, the operator
 *               paragraph, items 1–6, the closing paragraph, the signature table, the spacers), each
 *               paragraph with the template's paragraph style and run formatting; the styles are the
 *               template's own styles.xml (externalStyles). Before the children run, the text of the
 *               baseline is checked to equal the engine's for a few members (the bench fails otherwise).
 *   patch     — docx's patchDocument filling the consent templates for a sample of PATCH_SAMPLE documents
 *               (one .docx each, as patchDocument works); per-document time and the extrapolation to 3,000:
 *               the measured reason the project fills templates with its own engine.
 * Targets (the engine batch; all three must hold, or the process exits with code 1):
 *   under 3 s; not slower than the docx direct build measured in the same run; peak memory (maxRSS of
 *   its process) under 300 MB.
 */
import { spawnSync } from 'node:child_process';

const MEMBERS = 1000;
const KINDS = ['union', 'operator', 'notify'] as const;
type Kind = (typeof KINDS)[number];
const DOCUMENTS = MEMBERS * KINDS.length;
const TARGET_SECONDS = 3;
const TARGET_MB = 300;
/** Documents patchDocument fills (its time per document is extrapolated to DOCUMENTS). */
const PATCH_SAMPLE = 100;
/** Members whose consents are compared (engine vs the docx baseline vs patchDocument) before measuring. */
const CHECK_MEMBERS = 7;

interface ChildResult {
  mode: string;
  seconds: number;
  bytes: number;
  documents: number;
  baselineMb: number;
  peakSampledMb: number;
  maxRssMb: number;
}

type Mode = 'engine' | 'engine-z1' | 'zip' | 'docx' | 'patch';

type Docx = typeof import('docx');
type Docs = typeof import('../server/documents');
type Fixtures = typeof import('../server/documents/test-fixtures');

async function measure(mode: Mode): Promise<ChildResult> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  // Modules are loaded before the clock starts (the server has them loaded anyway).
  const docs = await import('../server/documents');
  const fixtures = await import('../server/documents/test-fixtures');
  const docx = await import('docx');
  const config = fixtures.testConfig();
  const members = fixtures.syntheticMembers(MEMBERS);
  const templates = {
    union: Buffer.from(docs.readTemplateFile('consent-union')),
    operator: Buffer.from(docs.readTemplateFile('consent-operator')),
    notify: Buffer.from(docs.readTemplateFile('consent-notify')),
  };
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  peak = baseline;

  const t0 = performance.now();
  let out: Buffer;
  let documents = DOCUMENTS;
  if (mode === 'engine' || mode === 'engine-z1') {
    out = await docs.buildConsentBatch(templates, fixtures.TEST_ORG, members, { kinds: [...KINDS], config, compressionLevel: mode === 'engine-z1' ? 1 : 6 });
  } else if (mode === 'zip') {
    out = await docs.buildConsentZip(templates, fixtures.TEST_ORG, members, { kinds: [...KINDS], config });
  } else if (mode === 'docx') {
    out = await docxBaseline(docx, docs, fixtures, config, members, templates.union);
  } else {
    documents = PATCH_SAMPLE;
    let bytes = 0;
    for (let i = 0; i < PATCH_SAMPLE; i++) {
      const kind = KINDS[i % KINDS.length];
      bytes += (await patchConsent(docx, docs, fixtures, config, members[Math.floor(i / KINDS.length)], kind, templates[kind])).length;
    }
    out = Buffer.alloc(bytes);
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (b: number) => b / 1024 / 1024;
  return {
    mode,
    seconds,
    bytes: out.length,
    documents,
    baselineMb: mb(baseline),
    peakSampledMb: mb(peak),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** A value as docx runs: one run per line, later lines after a line break, all with the same formatting. */
function valueRuns(d: Docx, value: string, format: { bold?: boolean; underline?: boolean } = {}) {
  return value.split('\n').map((line, i) => new d.TextRun({ text: line, bold: format.bold, underline: format.underline ? { type: d.UnderlineType.SINGLE } : undefined, break: i ? 1 : undefined }));
}

const SUBTITLES: Record<Kind, string> = {
  union: 'на обработку персональных данных члена Общероссийского Профсоюза образования',
  operator: 'на обработку персональных данных оператором электронного профсоюзного билета',
  notify: 'на получение SMS-, PUSH- и e-mail-уведомлений от Профсоюза',
};
const LAW = 'в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» свободно, своей волей и в своём интересе ';
const CLOSING =
  'Согласие оформлено отдельным документом. Мне разъяснены права субъекта персональных данных, предусмотренные главой 3 Федерального закона «О персональных данных», в том числе право получать сведения об обработке моих персональных данных и право отозвать согласие.';

/**
 * One consent as the docx package builds it directly: the paragraphs, styles and run formatting of
 * scripts/build-templates.ts, with the values in place of the placeholders.
 */
function consentChildren(d: Docx, kind: Kind, sv: Record<string, string>, mv: Record<string, string>): (import('docx').Paragraph | import('docx').Table)[] {
  const { AlignmentType, Paragraph, Table, TableBorders, TableCell, TableLayoutType, TableRow, TextRun, VerticalAlignTable, WidthType } = d;
  const text = (t: string, o: { bold?: boolean } = {}) => new TextRun({ text: t, bold: o.bold });
  const p = (style: string, ...children: import('docx').ParagraphChild[]) => new Paragraph({ style, children });
  const field = (label: string, value: string) => p('FormField', text(label), ...valueRuns(d, value, { underline: true }), text(','));
  const caption = (t: string) => p('FormCaption', text(t));
  const item = (n: number, label: string, value: string) => p('FormItem', text(`${n}. ${label}: `, { bold: true }), ...valueRuns(d, value));
  const operator =
    kind === 'operator'
      ? [
          text(`${LAW}даю согласие оператору — `),
          ...valueRuns(d, sv.operator_name, { bold: true }),
          text(', ИНН '),
          ...valueRuns(d, sv.operator_inn),
          text(', адрес: '),
          ...valueRuns(d, sv.operator_address),
          text(' (далее — Оператор), на обработку моих персональных данных, в том числе на их получение Оператором от организации Профсоюза — '),
          ...valueRuns(d, sv.union_name),
          text(', на следующих условиях.'),
        ]
      : [
          text(`${LAW}даю согласие оператору — `),
          ...valueRuns(d, sv.operator_name, { bold: true }),
          text(' (адрес: '),
          ...valueRuns(d, sv.operator_address),
          text(
            kind === 'union'
              ? '), а также вышестоящим организациям Общероссийского Профсоюза образования, ведущим единый реестр членов Профсоюза: '
              : ') и вышестоящим организациям Общероссийского Профсоюза образования: ',
          ),
          ...valueRuns(d, sv.superior_operators),
          text(
            kind === 'union'
              ? ' (далее вместе — Операторы), на обработку моих персональных данных на следующих условиях.'
              : ' (далее вместе — Операторы), на направление мне уведомлений по указанным контактам и на обработку моих персональных данных для этой цели на следующих условиях.',
          ),
        ];
  const widths = [3900, 2700, 3038];
  const cell = (children: import('docx').Paragraph[], w: number) =>
    new TableCell({ children, width: { size: w, type: WidthType.DXA }, borders: TableBorders.NONE, verticalAlign: VerticalAlignTable.BOTTOM });
  const signature = new Table({
    width: { size: 9638, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    rows: [
      new TableRow({
        cantSplit: true,
        children: [
          cell([new Paragraph({ style: 'Normal', children: [text('«____» _____________ 20____ г.')] })], widths[0]),
          cell([new Paragraph({ style: 'Normal', alignment: AlignmentType.CENTER, children: [text('______________________')] })], widths[1]),
          cell([new Paragraph({ style: 'Normal', alignment: AlignmentType.CENTER, children: valueRuns(d, mv.member_short_name, { underline: true }) })], widths[2]),
        ],
      }),
      new TableRow({ cantSplit: true, children: ['(дата)', '(подпись)', '(фамилия, инициалы)'].map((c, i) => cell([caption(c)], widths[i])) }),
    ],
  });
  return [
    p('FormTitle', text('СОГЛАСИЕ')),
    p('FormSubtitle', text(SUBTITLES[kind])),
    field('Я, ', mv.member_full_name),
    caption('(фамилия, имя, отчество субъекта персональных данных)'),
    field('адрес: ', mv.member_address),
    field('документ, удостоверяющий личность: ', mv.member_id_document),
    caption('(вид документа, серия, номер, дата выдачи, кем выдан)'),
    ...(kind === 'notify'
      ? [field('номер мобильного телефона: ', mv.member_phone), field('адрес электронной почты: ', mv.member_email), caption('(контакты, на которые направляются уведомления)')]
      : []),
    p('FormBody', ...operator),
    item(1, 'Цель обработки', sv.purpose),
    item(2, 'Перечень персональных данных', sv.data_list),
    item(3, 'Перечень действий с персональными данными', sv.actions),
    item(4, 'Общее описание способов обработки', sv.methods),
    item(5, 'Срок действия согласия', sv.term),
    item(6, 'Порядок отзыва согласия', sv.revocation),
    p('FormBody', text(CLOSING)),
    new Paragraph({ spacing: { after: 240 }, children: [] }),
    signature,
    new Paragraph({ spacing: { before: 0, after: 0 }, children: [] }),
  ];
}

/** The styles.xml of a template (the baseline uses the templates' own styles). */
async function templateStyles(template: Buffer): Promise<string> {
  const JSZip = (await import('jszip')).default;
  return (await JSZip.loadAsync(template)).file('word/styles.xml')!.async('string');
}

/** The baseline: the same consents written directly with the docx package, one section each. */
async function docxBaseline(d: Docx, docs: Docs, fixtures: Fixtures, config: import('../server/documents').DocumentsConfig, members: import('../server/documents').ConsentMember[], styleTemplate: Buffer): Promise<Buffer> {
  const page = { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134, header: 567, footer: 567 } };
  const statics = new Map(KINDS.map((k) => [k, docs.consentStaticValues(k, fixtures.TEST_ORG, config)] as const));
  const sections = [];
  for (const m of members) {
    const mv = docs.consentMemberValues(m);
    for (const kind of KINDS) sections.push({ properties: { page }, children: consentChildren(d, kind, statics.get(kind)!, mv) });
  }
  return d.Packer.toBuffer(new d.Document({ externalStyles: await templateStyles(styleTemplate), sections }));
}

/** One consent filled by docx's patchDocument from the template (a .docx of its own). */
async function patchConsent(
  d: Docx,
  docs: Docs,
  fixtures: Fixtures,
  config: import('../server/documents').DocumentsConfig,
  member: import('../server/documents').ConsentMember,
  kind: Kind,
  template: Buffer,
): Promise<Buffer> {
  const values = { ...docs.consentStaticValues(kind, fixtures.TEST_ORG, config), ...docs.consentMemberValues(member) };
  const patches = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { type: d.PatchType.PARAGRAPH, children: valueRuns(d, v) }]));
  return d.patchDocument({ outputType: 'nodebuffer', data: template, patches, keepOriginalStyles: true });
}

/**
 * The comparison is fair only if the baseline writes the same text: compares, for a few members (with
 * and without address, ID document, phone, e-mail), the text of every consent from the engine, from the
 * docx direct build and from patchDocument. Throws on a difference or a placeholder left.
 */
export async function checkSameText(): Promise<string> {
  const docs = await import('../server/documents');
  const fixtures = await import('../server/documents/test-fixtures');
  const { extractText } = await import('../server/documents/xml');
  const d = await import('docx');
  const config = fixtures.testConfig();
  const members = fixtures.syntheticMembers(CHECK_MEMBERS);
  const templates = { union: docs.readTemplateFile('consent-union'), operator: docs.readTemplateFile('consent-operator'), notify: docs.readTemplateFile('consent-notify') };
  const texts = (xml: string) => fixtures.splitDocuments(xml).map((x) => extractText(x).replace(/\n+$/, ''));
  const engine = texts(await fixtures.documentXml(await docs.buildConsentBatch(templates, fixtures.TEST_ORG, members, { kinds: [...KINDS], config })));
  const direct = texts(await fixtures.documentXml(await docxBaseline(d, docs, fixtures, config, members, templates.union)));
  const patched: string[] = [];
  for (const m of members) {
    for (const k of KINDS) {
      const xml = await fixtures.documentXml(await patchConsent(d, docs, fixtures, config, m, k, templates[k]));
      if (xml.includes('{{')) throw new Error(`patchDocument left a placeholder in the ${k} consent`);
      patched.push(...texts(xml));
    }
  }
  const expected = CHECK_MEMBERS * KINDS.length;
  for (const [name, got] of [['docx direct build', direct], ['patchDocument', patched]] as const) {
    if (engine.length !== expected || got.length !== expected) throw new Error(`${name}: ${got.length} documents, engine ${engine.length}, expected ${expected}`);
    got.forEach((t, i) => {
      if (t !== engine[i]) {
        let at = 0;
        while (at < t.length && t[at] === engine[i][at]) at++;
        throw new Error(`${name} writes other text than the engine in document ${i + 1} at ${at}: «${t.slice(at - 40, at + 40)}» vs «${engine[i].slice(at - 40, at + 40)}»`);
      }
    });
  }
  const paragraphs = engine.reduce((n, t) => n + t.split('\n').length, 0) / expected;
  return `same text as the engine checked for ${CHECK_MEMBERS} members × ${KINDS.length} consents (about ${Math.round(paragraphs)} paragraphs per consent)`;
}

function runChild(mode: Mode): ChildResult {
  const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', __filename, '--child', mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench child ${mode} failed: ${r.stderr || r.stdout}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as ChildResult;
}

/** Runs the benchmark; prints the figures; ok is false when a target is missed. */
export async function run(): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  say(`documents.bench: ${MEMBERS} members × ${KINDS.length} consents = ${DOCUMENTS} documents in one batch (each mode in its own process)`);
  say(
    '  docx baseline: the docx package builds all paragraphs of each consent (title, subtitle, subject fields and captions, operator paragraph, ' +
      'items 1–6, closing paragraph, signature table, spacers) with the template’s paragraph styles, run formatting and styles.xml, one section per consent',
  );
  say(`  docx baseline ${await checkSameText()}`);
  const results = {} as Record<Mode, ChildResult>;
  for (const mode of ['engine', 'engine-z1', 'zip', 'docx', 'patch'] as Mode[]) {
    const r = runChild(mode);
    results[mode] = r;
    say(
      `  ${mode.padEnd(10)} ${f(r.seconds, 3)} s  ${f(r.documents / r.seconds)} docs/s  peak RSS ${f(r.peakSampledMb)} MB (maxRSS ${f(r.maxRssMb)} MB, ` +
        `process before work ${f(r.baselineMb)} MB)  output ${f(r.bytes / 1024)} KB${mode === 'patch' ? `  (${r.documents} documents, one .docx each)` : ''}`,
    );
  }
  const e = results.engine;
  const b = results.docx;
  const p = results.patch;
  say(`  speed ratio engine / docx direct: ${f(b.seconds / e.seconds, 1)}× faster; peak memory ratio: ${f(b.maxRssMb / e.maxRssMb, 1)}× less`);
  const perDoc = p.seconds / p.documents;
  say(
    `  docx patchDocument: ${f(perDoc * 1000, 2)} ms per document (sample of ${p.documents}) → about ${f(perDoc * DOCUMENTS, 1)} s for ${f(DOCUMENTS)} documents, ` +
      `${f((perDoc * DOCUMENTS) / e.seconds, 0)}× the engine's batch and ${perDoc * DOCUMENTS < TARGET_SECONDS ? 'within' : 'over'} the ${TARGET_SECONDS} s target — ` +
      'the measured reason the project fills templates with its own engine instead of patchDocument',
  );
  const checks = [
    { what: `under ${TARGET_SECONDS} s`, ok: e.seconds < TARGET_SECONDS, got: `${f(e.seconds, 3)} s` },
    { what: 'not slower than the docx direct build', ok: e.seconds <= b.seconds, got: `${f(e.seconds, 3)} s vs ${f(b.seconds, 3)} s` },
    { what: `under ${TARGET_MB} MB peak (maxRSS)`, ok: e.maxRssMb < TARGET_MB, got: `${f(e.maxRssMb)} MB` },
  ];
  say(`  targets (engine batch): ${checks.map((c) => `${c.what} → ${c.ok ? 'met' : 'NOT MET'} (${c.got})`).join('; ')}`);
  const ok = checks.every((c) => c.ok);
  if (!ok) say(`  FAILED: ${checks.filter((c) => !c.ok).map((c) => c.what).join('; ')}`);
  return { lines, ok };
}

if (require.main === module) {
  const i = process.argv.indexOf('--child');
  if (i >= 0) {
    measure(process.argv[i + 1] as Mode)
      .then((r) => {
        process.stdout.write(`${JSON.stringify(r)}\n`);
      })
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  } else {
    run()
      .then((r) => {
        if (!r.ok) process.exitCode = 1;
      })
      .catch((err) => {
        console.error(err);
        process.exit(1);
      });
  }
}
