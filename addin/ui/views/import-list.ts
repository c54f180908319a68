/**
 * «Список из другого файла» on the «Члены» tab: the chair pastes a list with its own headers onto the
 * sheet «Список для загрузки» (or over the member table's header: it is moved there), the pane shows
 * how each column was understood (from its header or its content) — each guess a dropdown, «не
 * загружать» included — then the words of coded columns grouped («работающий» — 33 строки →
 * «Работник»), each group mapped once; ambiguous and unknown words are never guessed. «Перенести в
 * таблицу членов» writes the rows into the member table in the register's order, ФИО split, and
 * remembers the mapping and the choices in the workbook (document settings: headers and words only).
 */
import { CATEGORIES } from '../../../domain/members/codes';
import { columnByKey, MEMBER_SHEET_NAME } from '../../../domain/members/columns';
import {
  detectLayout,
  duplicateTargets,
  IMPORT_TARGETS,
  importRows,
  missingTargets,
  needsChoice,
  rememberMapping,
  targetLabel,
  targetsOf,
  valueGroups,
  type ImportLayout,
  type ImportTarget,
  type ValueChoices,
  type ValueGroup,
} from '../../../domain/members/list-import';
import { choiceLabel, MEMBER_VOCABULARIES } from '../../../domain/members/vocabulary';
import {
  appendToMemberTable,
  clearImportSheet,
  IMPORT_SHEET_NAME,
  loadImportMemory,
  readListSheet,
  rescuePastedList,
  saveImportMemory,
  showImportSheet,
  workbookSettings,
  type ImportSheetRead,
} from '../../excel/import-sheet';
import { columnLetter } from '../../excel/sheet-utils';
import { Activity } from '../activity';
import { button, notice, section } from '../components';
import { formatCount } from '../format';
import { rowsWord } from '../members-logic';
import type { Shell } from '../view';

const SOURCE_TEXT: Record<string, string> = { header: 'по заголовку', content: 'по содержимому', saved: 'как в прошлый раз', none: 'не распознан' };

/** «34 строки» */
const rowsText = (n: number) => `${formatCount(n)} ${rowsWord(n)}`;

interface State {
  read: ImportSheetRead;
  layout: ImportLayout;
  targets: ImportTarget[];
  choices: ValueChoices;
  category: string;
  /** The folded list of words understood on their own is open. */
  understoodOpen: boolean;
}

export function importListSection(app: Shell): HTMLElement {
  const d = app.dom;
  const activityEl = d.h('div', { attrs: { 'data-test': 'import-activity' } });
  const activity = new Activity(app, activityEl);
  const out = d.h('div', { class: 'results', attrs: { 'data-test': 'import-out', 'aria-live': 'polite' } });
  let state: State | null = null;

  const onOpen = () =>
    void activity.run('Список из другого файла', async () => {
      const r = await app.excel((ctx) => showImportSheet(ctx));
      d.set(
        out,
        notice(
          d,
          'info',
          r.created ? `Лист «${IMPORT_SHEET_NAME}» создан` : `Открыт лист «${IMPORT_SHEET_NAME}»`,
          'В файле со списком выделите таблицу вместе со строкой заголовков и скопируйте (Ctrl+C). Здесь встаньте в ячейку A1 и вставьте (Ctrl+V). Заголовок таблицы, строка «Итого» и лишние столбцы не мешают. Затем нажмите «Разобрать список».',
          [{ label: 'Разобрать список', onClick: onRead, primary: true, test: 'import-read-2' }],
          'import-opened',
        ),
      );
    });

  const onRead = () =>
    void activity.run('Разбор списка', async (r) => {
      r.indeterminate('Чтение листа…');
      // A list pasted over the member table's own header is moved to the scratch sheet first.
      const rescue = await app.excel((ctx) => rescuePastedList(ctx));
      const read = await app.excel((ctx) => readListSheet(ctx, undefined, undefined, app.caps));
      const memory = loadImportMemory(workbookSettings());
      const layout = detectLayout(read.grid, memory.shapes);
      if (!layout) {
        state = null;
        d.set(
          out,
          notice(
            d,
            'warning',
            'Не найдена строка с названиями столбцов',
            `На листе «${IMPORT_SHEET_NAME}» в первых 20 строках нет заголовков, по которым можно понять столбцы (например «ФИО», «Дата рождения», «Категория»). Вставьте список вместе со строкой заголовков.`,
            [],
            'import-no-header',
          ),
        );
        return;
      }
      state = { read, layout, targets: targetsOf(layout), choices: { ...memory.values }, category: memory.shapes[layout.signature]?.category ?? '', understoodOpen: false };
      render(rescue.moved ? rescue.rows : null);
    });

  const onWrite = () =>
    void activity.run('Перенос в таблицу членов', async (r) => {
      const s = state;
      if (!s) return;
      const today = app.today();
      const rows = importRows(s.read.grid, s.layout, s.targets, { today, choices: s.choices }).map((x) => x.values);
      if (s.category && !s.targets.includes('category')) for (const v of rows) v.category = choiceLabel(MEMBER_VOCABULARIES.category, s.category);
      r.progress(0, rows.length, `Запись ${rowsText(rows.length)}…`);
      const rep = await app.excel((ctx) => appendToMemberTable(ctx, rows));
      await saveImportMemory(workbookSettings(), s.layout.signature, rememberMapping(s.layout, s.targets, s.targets.includes('category') ? undefined : s.category), s.choices).catch(() => false);
      await app.excel((ctx) => clearImportSheet(ctx));
      const totals = s.layout.skipped.filter((x) => x.why !== 'blank').length;
      const blank = s.layout.skipped.filter((x) => x.why === 'blank').length;
      const skippedText = [totals ? `строк итогов и заголовков групп — ${formatCount(totals)}` : '', blank ? `пустых строк — ${formatCount(blank)}` : ''].filter(Boolean).join(', ');
      state = null;
      d.set(
        out,
        notice(
          d,
          'success',
          `Перенесено в таблицу членов: ${rowsText(rep.rows)}`,
          `Строки ${rep.firstRow}–${rep.lastRow} листа «${MEMBER_SHEET_NAME}».${skippedText ? ` Не перенесены: ${skippedText}.` : ''} Как понят каждый столбец, запомнено в этой книге: следующий список того же вида разберётся так же. Теперь нажмите «Проверить», затем «Отправить в реестр».`,
          [],
          'import-done',
        ),
      );
    });

  function render(movedRows: number | null): void {
    const s = state;
    if (!s) return;
    const { layout } = s;
    const colList = d.h('ol', { class: 'imp-cols', attrs: { 'data-test': 'import-columns' } });
    layout.columns.forEach((col, i) => {
      const letter = columnLetter(s.read.colOffset + col.index);
      const select = d.h(
        'select',
        { class: 'input', attrs: { 'data-test': `import-target-${i}`, 'aria-label': `Столбец ${letter}: куда загрузить` } },
        IMPORT_TARGETS.map((t) => d.h('option', { value: t.target, text: t.label })),
      );
      select.value = s.targets[i];
      select.addEventListener('change', () => {
        s.targets[i] = select.value as ImportTarget;
        render(null);
      });
      const source = s.targets[i] !== col.target ? 'изменено вами' : col.source === 'none' ? (col.header ? 'не распознан' : '') : SOURCE_TEXT[col.source];
      colList.appendChild(
        d.h(
          'li',
          { class: `imp-col${s.targets[i] === 'skip' ? ' is-skip' : ''}`, attrs: { 'data-test': `import-col-${i}` } },
          d.h('div', { class: 'imp-col-head' }, d.h('span', { class: 'imp-col-name', text: `${letter}. ${col.header || '(без заголовка)'}${col.hidden ? ' — скрытый' : ''}` }), source ? d.h('span', { class: `imp-col-why${col.source === 'none' && s.targets[i] === col.target ? ' is-none' : ''}`, text: source }) : null),
          col.samples.length ? d.h('div', { class: 'imp-col-sample', text: col.samples.join(' · ') }) : null,
          select,
        ),
      );
    });

    // Required columns and doubles.
    const missing = missingTargets(s.targets).filter((k) => !(k === 'category' && s.category));
    const dup = duplicateTargets(s.targets);
    const problems: string[] = [];
    if (missing.length) problems.push(`Не выбраны обязательные столбцы: ${missing.map((k) => `«${columnByKey(k).header}»`).join(', ')}.`);
    if (dup.length) problems.push(`Два столбца списка попадают в один столбец реестра: ${dup.map((t) => `«${targetLabel(t)}»`).join(', ')} — для лишнего выберите «не загружать».`);

    // A category for every row when the list has none (a staff export: all are «Работник»).
    let categoryEl: HTMLElement | null = null;
    if (!s.targets.includes('category')) {
      const sel = d.h('select', { class: 'input', attrs: { 'data-test': 'import-category', 'aria-label': 'Категория для всех строк' } }, [
        d.h('option', { value: '', text: '— выберите —' }),
        ...CATEGORIES.map((c) => d.h('option', { value: c.code, text: c.label })),
      ]);
      sel.value = s.category;
      sel.addEventListener('change', () => {
        s.category = sel.value;
        render(null);
      });
      categoryEl = d.h('div', { class: 'field' }, d.h('label', { class: 'field-label', text: 'В списке нет столбца «Категория». Категория для всех строк:' }), sel);
    }

    // Values of coded columns, grouped.
    const groups = valueGroups(s.read.grid, layout, s.targets, s.choices);
    const open = groups.filter(needsChoice);
    const valuesEl = groups.length
      ? d.h(
          'div',
          { attrs: { 'data-test': 'import-values' } },
          d.h('div', { class: 'imp-sub', text: 'Значения в столбцах со списком' }),
          d.h('p', { class: 'muted small', text: 'Одно решение — для всех строк с этим значением. Что понято само, можно поменять.' }),
          // Words that need the chair first; the ones understood on their own folded below (a long list has dozens).
          ...groups.map((g, n) => (g.match.kind === 'value' ? null : valueRow(g, n, s))),
          understood(groups, s),
        )
      : null;

    const headerRowNo = (s.read.grid.firstRowNumber ?? 1) + layout.headerRow;
    const skipped = layout.skipped.filter((x) => x.why !== 'blank').length;
    d.set(
      out,
      movedRows !== null ? notice(d, 'info', 'Список перенесён на отдельный лист', `Список со своими заголовками был вставлен поверх заголовков таблицы «Члены профсоюза». Он перенесён на лист «${IMPORT_SHEET_NAME}», у таблицы снова её заголовки. Проверьте, как понят каждый столбец.`, [], 'import-moved') : null,
      d.h('p', { class: 'muted small', attrs: { 'data-test': 'import-summary' }, text: `Заголовки — в строке ${headerRowNo}; строк с данными: ${formatCount(layout.dataRows.length)}${skipped ? `; не переносятся строки итогов и заголовки групп: ${formatCount(skipped)}` : ''}.` }),
      d.h('div', { class: 'imp-sub', text: 'Как понят каждый столбец' }),
      colList,
      categoryEl,
      valuesEl,
      problems.length ? notice(d, 'warning', null, problems.join(' '), [], 'import-problems') : null,
      open.length ? d.h('p', { class: 'muted small', attrs: { 'data-test': 'import-open-values' }, text: `Не выбрано значений: ${formatCount(open.length)} — строки с ними будут отмечены при проверке.` }) : null,
      d.h('div', { class: 'actions' }, button(d, 'Перенести в таблицу членов', onWrite, { primary: true, test: 'import-write', disabled: problems.length > 0 })),
    );
  }

  function understood(groups: readonly ValueGroup[], s: State): HTMLElement | null {
    const rows = groups.map((g, n) => (g.match.kind === 'value' ? valueRow(g, n, s) : null)).filter((x): x is HTMLElement => x !== null);
    if (!rows.length) return null;
    const details = d.h('details', { class: 'imp-understood', attrs: { 'data-test': 'import-understood' } }, d.h('summary', { text: `Понято само: ${formatCount(rows.length)} — посмотреть или поменять` }), ...rows);
    details.open = s.understoodOpen;
    details.addEventListener('toggle', () => {
      s.understoodOpen = details.open;
    });
    return details;
  }

  function valueRow(g: ValueGroup, n: number, s: State): HTMLElement {
    const vocab = MEMBER_VOCABULARIES[g.column];
    const options: { value: string; label: string }[] = [{ value: '', label: '— выберите —' }];
    if (g.match.kind === 'ambiguous' && g.match.codes.includes(null)) options.push({ value: '∅', label: choiceLabel(vocab, null) });
    for (const o of vocab.options) options.push({ value: o.code, label: o.label });
    const select = d.h('select', { class: 'input', attrs: { 'data-test': `import-value-${n}`, 'aria-label': `«${g.value}» — значение в реестре` } }, options.map((o) => d.h('option', { value: o.value, text: o.label })));
    const current = g.chosen !== undefined ? (g.chosen === null ? '∅' : g.chosen) : g.match.kind === 'value' ? g.match.code : '';
    select.value = current;
    select.addEventListener('change', () => {
      const v = select.value;
      const col = (s.choices[g.column] = { ...(s.choices[g.column] ?? {}) });
      if (v === '') delete col[g.key];
      else col[g.key] = v === '∅' ? null : v;
      render(null);
    });
    let hint: string;
    if (g.match.kind === 'ambiguous') hint = `Можно понять двояко: ${g.match.why}.`;
    else if (g.match.kind === 'unknown') hint = g.match.nearest ? `Такого значения нет. Возможно, «${choiceLabel(vocab, g.match.nearest)}»?` : 'Такого значения нет в списке.';
    else hint = 'Понято само.';
    return d.h(
      'div',
      { class: `imp-val${current === '' ? ' is-open' : ''}`, attrs: { 'data-test': `import-val-${n}` } },
      d.h('div', { class: 'imp-val-text', text: `${columnByKey(g.column).header}: «${g.value}» — ${rowsText(g.rows)}` }),
      d.h('div', { class: 'imp-val-hint', text: hint }),
      select,
    );
  }

  return section(
    d,
    'Список из другого файла',
    'Список из отдела кадров или свой старый — с любыми заголовками и в любом порядке столбцов: надстройка сама поймёт столбцы, вы только поправите.',
    d.h(
      'div',
      { class: 'actions' },
      button(d, 'Вставить список из другого файла', onOpen, { test: 'import-open' }),
      button(d, 'Разобрать список', onRead, { test: 'import-read' }),
    ),
    activityEl,
    out,
  );
}
