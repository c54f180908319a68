/**
 * Consent batch benchmark: 1,000 members × 3 consents = 3,000 documents in one .docx.
 *
 *   npx tsx bench/documents.bench.ts
 *
 * Each measurement runs in its own child process, so its peak memory is its own: the child samples
 * process.memoryUsage().rss every 10 ms and also reports process.resourceUsage().maxRSS.
 *   engine    — server/documents buildConsentBatch (templates parsed once, string substitution, native deflate)
 *   engine-z1 — the same with deflate level 1
 *   zip       — buildConsentZip: one .docx per member in a .zip
 *   docx      — baseline: the docx package building the same 3,000 consents as 3,000 sections
 *               of one new Document, Packer.toBuffer
 * Targets: engine under 3 s and under 300 MB peak RSS.
 */
import { spawnSync } from 'node:child_process';

const MEMBERS = 1000;
const KINDS = ['union', 'operator', 'notify'] as const;
const DOCUMENTS = MEMBERS * KINDS.length;
const TARGET_SECONDS = 3;
const TARGET_MB = 300;

interface ChildResult {
  mode: string;
  seconds: number;
  bytes: number;
  documents: number;
  baselineMb: number;
  peakSampledMb: number;
  maxRssMb: number;
}

type Mode = 'engine' | 'engine-z1' | 'zip' | 'docx';

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
  if (mode === 'engine' || mode === 'engine-z1') {
    out = await docs.buildConsentBatch(templates, fixtures.TEST_ORG, members, { kinds: [...KINDS], config, compressionLevel: mode === 'engine-z1' ? 1 : 6 });
  } else if (mode === 'zip') {
    out = await docs.buildConsentZip(templates, fixtures.TEST_ORG, members, { kinds: [...KINDS], config });
  } else {
    out = await docxBaseline(docx, docs, fixtures, config, members);
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (b: number) => b / 1024 / 1024;
  return {
    mode,
    seconds,
    bytes: out.length,
    documents: DOCUMENTS,
    baselineMb: mb(baseline),
    peakSampledMb: mb(peak),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** The baseline: the same consents written directly with the docx package, one section each. */
async function docxBaseline(
  d: typeof import('docx'),
  docs: typeof import('../server/documents'),
  fixtures: typeof import('../server/documents/test-fixtures'),
  config: import('../server/documents').DocumentsConfig,
  members: import('../server/documents').ConsentMember[],
): Promise<Buffer> {
  const { AlignmentType, Document, Packer, Paragraph, Table, TableRow, TableCell, TextRun, WidthType, TableBorders } = d;
  const page = { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } };
  const subtitles = {
    union: 'на обработку персональных данных члена Общероссийского Профсоюза образования',
    operator: 'на обработку персональных данных оператором электронного профсоюзного билета',
    notify: 'на получение SMS-, PUSH- и e-mail-уведомлений от Профсоюза',
  };
  const sections = [];
  for (const m of members) {
    const mv = docs.consentMemberValues(m);
    for (const kind of KINDS) {
      const sv = docs.consentStaticValues(kind, fixtures.TEST_ORG, config);
      const field = (label: string, value: string) => new Paragraph({ children: [new TextRun(label), new TextRun({ text: value, underline: {} }), new TextRun(',')] });
      const caption = (t: string) => new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: t, italics: true, size: 15 })] });
      const item = (n: number, label: string, value: string) =>
        new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 567 }, children: [new TextRun({ text: `${n}. ${label}: `, bold: true }), new TextRun(value)] });
      const cell = (t: string) => new TableCell({ borders: TableBorders.NONE, width: { size: 3200, type: WidthType.DXA }, children: [new Paragraph(t)] });
      sections.push({
        properties: { page },
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: 'СОГЛАСИЕ', bold: true, size: 26 })] }),
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: subtitles[kind], bold: true })] }),
          field('Я, ', mv.member_full_name),
          caption('(фамилия, имя, отчество субъекта персональных данных)'),
          field('адрес: ', mv.member_address),
          field('документ, удостоверяющий личность: ', mv.member_id_document),
          caption('(вид документа, серия, номер, дата выдачи, кем выдан)'),
          new Paragraph({
            alignment: AlignmentType.JUSTIFIED,
            indent: { firstLine: 567 },
            children: [
              new TextRun('в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных» свободно, своей волей и в своём интересе даю согласие оператору — '),
              new TextRun({ text: sv.operator_name, bold: true }),
              new TextRun(` (адрес: ${sv.operator_address}) ${sv.superior_operators ?? sv.union_name ?? ''}, на обработку моих персональных данных на следующих условиях.`),
            ],
          }),
          item(1, 'Цель обработки', sv.purpose),
          item(2, 'Перечень персональных данных', sv.data_list),
          item(3, 'Перечень действий с персональными данными', sv.actions),
          item(4, 'Общее описание способов обработки', sv.methods),
          item(5, 'Срок действия согласия', sv.term),
          item(6, 'Порядок отзыва согласия', sv.revocation),
          new Paragraph('Согласие оформлено отдельным документом.'),
          new Table({
            width: { size: 9638, type: WidthType.DXA },
            borders: TableBorders.NONE,
            rows: [
              new TableRow({ children: [cell('«____» _____________ 20____ г.'), cell('______________________'), cell(mv.member_short_name)] }),
              new TableRow({ children: [cell('(дата)'), cell('(подпись)'), cell('(фамилия, инициалы)')] }),
            ],
          }),
          new Paragraph(''),
        ],
      });
    }
  }
  return Packer.toBuffer(new Document({ styles: { default: { document: { run: { font: 'Times New Roman', size: 22 } } } }, sections }));
}

function runChild(mode: Mode): ChildResult {
  const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', __filename, '--child', mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench child ${mode} failed: ${r.stderr || r.stdout}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as ChildResult;
}

/** Runs the benchmark; prints the figures and returns the printed lines. */
export async function run(): Promise<string[]> {
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  say(`documents.bench: ${MEMBERS} members × ${KINDS.length} consents = ${DOCUMENTS} documents in one batch (each mode in its own process)`);
  const results: Record<Mode, ChildResult> = {} as Record<Mode, ChildResult>;
  for (const mode of ['engine', 'engine-z1', 'zip', 'docx'] as Mode[]) {
    const r = runChild(mode);
    results[mode] = r;
    say(
      `  ${mode.padEnd(10)} ${f(r.seconds, 3)} s  ${f(r.documents / r.seconds)} docs/s  peak RSS ${f(r.peakSampledMb)} MB (maxRSS ${f(r.maxRssMb)} MB, ` +
        `process before work ${f(r.baselineMb)} MB)  output ${f(r.bytes / 1024)} KB`,
    );
  }
  const e = results.engine;
  const b = results.docx;
  say(`  speed ratio engine / docx direct: ${f(b.seconds / e.seconds, 1)}× faster; peak memory ratio: ${f(b.maxRssMb / e.maxRssMb, 1)}× less`);
  const timeOk = e.seconds < TARGET_SECONDS;
  const memOk = e.maxRssMb < TARGET_MB;
  say(`  target: under ${TARGET_SECONDS} s → ${timeOk ? 'met' : 'NOT MET'}; under ${TARGET_MB} MB peak → ${memOk ? 'met' : 'NOT MET'}`);
  return lines;
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
    run().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  }
}
