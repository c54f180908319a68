/**
 * The progress report as an .xlsx file: one row per child organisation and a total row, the steps as
 * percentages, conditional formatting (done = green, overdue = red), a header, frozen panes.
 *
 * No chart: exceljs cannot write charts. The add-in draws one on its «Ход внедрения» sheet
 * (addin/excel/progress-sheet.ts, Excel's charts API); the file says so in its header.
 */
import ExcelJS from 'exceljs';
import type { ProgressReport, OrgProgress } from './report.service';
import { STEPS } from './vector';

export const PROGRESS_SHEET_NAME = 'Ход внедрения';
export const PROGRESS_XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const GREEN = { fill: { type: 'pattern' as const, pattern: 'solid' as const, bgColor: { argb: 'FFC6EFCE' } }, font: { color: { argb: 'FF006100' } } };
const RED = { fill: { type: 'pattern' as const, pattern: 'solid' as const, bgColor: { argb: 'FFFFC7CE' } }, font: { color: { argb: 'FF9C0006' } } };

const ruDate = (iso: string | null) => (iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : '');

function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** 66.7 → 0.667 (a fraction for the percent format, without binary noise). */
const fraction = (p: number | null) => (p === null ? null : Number((p / 100).toFixed(4)));

/** Fixed columns before the steps: name, kind, primaries, members, coverage. */
const LEAD = ['Организация', 'Вид', 'ППО', 'Членов на учёте', 'Охват, %'];

export async function buildProgressWorkbook(report: ProgressReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Реестр Профсоюза';
  wb.created = new Date(report.generatedAt);
  const ws = wb.addWorksheet(PROGRESS_SHEET_NAME, { views: [{ state: 'frozen', xSplit: 1, ySplit: 5 }] });

  const stepCol = (step: number) => LEAD.length + step; // 1-based column of step N
  const flagCol = (step: number) => LEAD.length + 7 + step; // hidden: 1 when the step is overdue

  ws.getCell('A1').value = `Ход внедрения реестра: ${report.organisation.name}`;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = `${report.campaign ? `Кампания: ${report.campaign.name}. ` : ''}Данные на ${ruDate(report.today)}.`;
  ws.getCell('A3').value =
    'Зелёным отмечен выполненный шаг (100%), красным — шаг, срок которого прошёл, а он не выполнен. Диаграмму строит надстройка «Реестр» на листе «Ход внедрения»: в файл выгрузки она не входит.';
  ws.getCell('A3').alignment = { wrapText: false };
  ws.getCell('A4').value = 'Срок шага';
  ws.getCell('A4').font = { italic: true };
  const header = ws.getRow(5);
  LEAD.forEach((h, i) => (header.getCell(i + 1).value = h));
  for (const step of STEPS) {
    const s = report.organisation.steps[step - 1];
    header.getCell(stepCol(step)).value = `Шаг ${step}. ${s.title}`;
    ws.getCell(4, stepCol(step)).value = s.dueOn ? `до ${ruDate(s.dueOn)}` : '';
    header.getCell(flagCol(step)).value = `Просрочен шаг ${step}`;
  }
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  header.height = 60;

  const lines: { org: OrgProgress; total: boolean }[] = [
    ...report.children.map((org) => ({ org, total: false })),
    { org: report.organisation, total: true },
  ];
  const first = 6;
  lines.forEach(({ org, total }, i) => {
    const row = ws.getRow(first + i);
    row.getCell(1).value = total ? `Всего: ${org.name}` : org.name;
    row.getCell(2).value = org.kindLabel;
    row.getCell(3).value = org.counts.primaries;
    row.getCell(4).value = org.counts.registered;
    row.getCell(5).value = fraction(org.coveragePercent);
    row.getCell(5).numFmt = '0.0%';
    for (const s of org.steps) {
      const cell = row.getCell(stepCol(s.step));
      cell.value = fraction(s.percent);
      cell.numFmt = '0.0%';
      row.getCell(flagCol(s.step)).value = s.overdue ? 1 : 0;
    }
    if (total) row.font = { bold: true };
  });
  const last = first + lines.length - 1;

  for (const step of STEPS) {
    const c = colLetter(stepCol(step));
    const f = colLetter(flagCol(step));
    ws.addConditionalFormatting({
      ref: `${c}${first}:${c}${last}`,
      rules: [
        { type: 'expression', priority: 1, formulae: [`$${f}${first}=1`], style: RED },
        { type: 'expression', priority: 2, formulae: [`AND(ISNUMBER(${c}${first}),${c}${first}>=1)`], style: GREEN },
      ],
    });
  }

  ws.getColumn(1).width = 48;
  ws.getColumn(2).width = 26;
  ws.getColumn(3).width = 8;
  ws.getColumn(4).width = 12;
  ws.getColumn(5).width = 10;
  for (const step of STEPS) {
    ws.getColumn(stepCol(step)).width = 16;
    ws.getColumn(flagCol(step)).hidden = true;
  }
  ws.autoFilter = { from: { row: 5, column: 1 }, to: { row: last, column: stepCol(7) } };
  ws.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 };

  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function progressFileName(report: ProgressReport): string {
  const name = report.organisation.name.replace(/[\\/:*?"<>|«»]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
  return `Ход внедрения — ${name} — ${report.today}.xlsx`;
}
