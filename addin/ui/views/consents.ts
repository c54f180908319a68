/**
 * «Согласия» (roadmap step 5): print the consents for the rows selected on the member sheet (or for
 * everyone whose consents are not collected yet), then tick the signed ones back for the selected
 * rows — the registry records them and the rows get the new values and versions. A chair whose
 * obligation is not recorded yet prints it here to sign.
 */
import { plural } from '../../../domain/cell';
import { MEMBER_SHEET_NAME } from '../../../domain/members/columns';
import { CONSENT_STATES, type ConsentKind, type ConsentState } from '../../../domain/members/codes';
import { printConsents, printObligation, type NotPrintableMember } from '../../api/documents';
import { isApiError } from '../../api/errors';
import { Activity } from '../activity';
import { button, notice, section, selectField, textField } from '../components';
import { formatCount, membersWord } from '../format';
import { memberLabel, nothingSelected, readSelection, selectionScope, tickConsents, writeBack, type ConsentChange, type Selection } from '../member-actions';
import { checkbox, ensureStyles, openAndTell, peopleList, radios } from '../ui-kit';
import type { Shell, ViewRender } from '../view';

/** The three consents as the roadmap names them. */
export const CONSENT_LABELS: readonly { kind: ConsentKind; label: string; short: string }[] = [
  { kind: 'union', label: 'Профсоюзу', short: 'Профсоюзу' },
  { kind: 'operator', label: 'ООО «ФИНФОРТ» (оператор карт ЭПБ)', short: 'ООО «ФИНФОРТ»' },
  { kind: 'notify', label: 'На SMS/PUSH/e-mail-уведомления', short: 'Уведомления' },
];

/** Values of the «как отметить» selects: keep, a state, or clear (not collected). */
export type TickChoice = 'keep' | ConsentState | 'clear';

/** The body of the consents action from the chair's choices; null when nothing is to change. */
export function consentChange(choices: Partial<Record<ConsentKind, TickChoice>>, date: string | null): ConsentChange | null {
  const out: ConsentChange = {};
  for (const { kind } of CONSENT_LABELS) {
    const c = choices[kind] ?? 'keep';
    if (c === 'keep') continue;
    out[kind] = c === 'clear' ? { state: null, date: null } : { state: c, date: date || null };
  }
  return Object.keys(out).length ? out : null;
}


/** The obligation card: shown while the chair's own obligation is not recorded. */
export function obligationCard(app: Shell, test = 'obligation'): HTMLElement | null {
  const d = app.dom;
  if (!app.me || app.me.obligationRecordedAt) return null;
  const out = d.h('div', { class: 'results' });
  const activityEl = d.h('div');
  const activity = new Activity(app, activityEl);
  const print = () =>
    void activity.run('Печать обязательства', async (r) => {
      r.indeterminate('Готовим документ…');
      const link = await printObligation(app.api, 'me');
      d.set(out, openAndTell(d, link, 'Обязательство', 'Распечатать обязательство для подписи', 'obligation-printed'));
    });
  return section(
    d,
    'Обязательство о неразглашении',
    'Распечатайте обязательство, подпишите и передайте в территориальную организацию. Когда там отметят, что получили его, откроется работа со списком членов Профсоюза.',
    d.h('div', { class: 'actions' }, button(d, 'Распечатать обязательство для подписи', print, { primary: true, test })),
    activityEl,
    out,
  );
}

export const render: ViewRender = (root, app) => {
  const d = app.dom;
  ensureStyles(d.doc, root);
  const org = app.org!;
  const deps = { api: app.api, excel: <T>(op: (c: Excel.RequestContext) => Promise<T>) => app.excel(op), caps: app.caps };
  const pd = app.personalDataAllowed;
  const pdHint = pd ? undefined : 'Откроется после отметки обязательства о неразглашении персональных данных';

  // ---------------------------------------------------------------- print
  const who = radios(
    d,
    'consents-who',
    'Кому печатать',
    [
      { value: 'selected', label: `Выделенным строкам на листе «${MEMBER_SHEET_NAME}»` },
      { value: 'all', label: 'Всем, у кого согласия ещё не собраны' },
    ],
    'selected',
    'print-who',
  );
  const kinds = CONSENT_LABELS.map((k) => ({ kind: k.kind, box: checkbox(d, k.label, { checked: true, test: `kind-${k.kind}` }) }));
  const doubleSided = checkbox(d, 'Печать с двух сторон листа: каждое согласие — с нечётной страницы', { checked: false, test: 'double-sided' });
  const format = radios(
    d,
    'consents-format',
    'Файл',
    [
      { value: 'docx', label: 'Один документ Word (.docx): все согласия подряд, каждое с новой страницы' },
      { value: 'zip', label: 'Архив .zip: отдельный документ на каждого' },
    ],
    'docx',
    'print-format',
  );
  const printActivityEl = d.h('div', { attrs: { 'data-test': 'print-activity' } });
  const printActivity = new Activity(app, printActivityEl);
  const printOut = d.h('div', { class: 'results', attrs: { 'data-test': 'print-results', 'aria-live': 'polite' } });

  const notPrintableList = (items: NotPrintableMember[], sel: Pick<Selection, 'rowOf'> | null) =>
    peopleList(
      d,
      items.map((n) => ({ who: sel ? memberLabel(sel, n.memberId) : 'Член Профсоюза', why: n.reason })),
      'not-printable',
    );

  const onPrint = () =>
    void printActivity.run('Печать согласий', async (r) => {
      d.set(printOut);
      const chosen = kinds.filter((k) => k.box.checked()).map((k) => k.kind);
      if (chosen.length === 0) {
        d.set(printOut, notice(d, 'warning', 'Не выбрано ни одно согласие', 'Отметьте галочкой, какие согласия печатать, и нажмите «Распечатать согласия» снова.', [], 'print-nothing'));
        return;
      }
      const all = who.value() === 'all';
      let sel: Selection | null = null;
      if (!all) {
        r.indeterminate('Чтение выделенных строк…');
        sel = await readSelection(deps);
        if (sel.members.length === 0) {
          d.set(printOut, notice(d, 'warning', 'Не выбраны строки', sel.unsent.length ? `Выделенные строки (${sel.unsent.join(', ')}) ещё не отправлены в реестр. Нажмите в разделе «Члены» «Отправить в реестр», затем печатайте.` : nothingSelected(sel), [], 'print-nothing'));
          return;
        }
      }
      r.indeterminate(all ? 'Готовим согласия…' : `Готовим согласия: ${membersWord(sel!.members.length)}…`);
      let res;
      try {
        res = await printConsents(app.api, org.id, {
          memberIds: sel ? sel.members.map((m) => m.id) : undefined,
          allWithoutSignedConsents: all || undefined,
          kinds: chosen.length === CONSENT_LABELS.length ? undefined : chosen,
          format: format.value() === 'zip' ? 'zip' : 'docx',
          doubleSided: doubleSided.checked() || undefined,
        });
      } catch (e) {
        if (isApiError(e) && e.code === 'nothing_to_print') {
          const items = (e.extra.notPrintable as NotPrintableMember[] | undefined) ?? [];
          if (!sel && items.length) sel = await readSelection(deps).catch(() => null);
          d.set(
            printOut,
            notice(
              d,
              'warning',
              'Печатать нечего',
              items.length ? 'Ни для кого из выбранных согласие сейчас оформить нельзя. Причины — ниже: исправьте строки на листе, отправьте в реестр и печатайте снова.' : 'У всех членов Профсоюза выбранные согласия уже отмечены. Если нужно распечатать кому-то ещё раз — выделите строки и выберите «Выделенным строкам».',
              [],
              'print-nothing',
            ),
            items.length ? notPrintableList(items, sel) : null,
          );
          return;
        }
        throw e;
      }
      // «Всем»: the rows of those left out are looked up on the sheet, if there is one.
      if (!sel && res.notPrintable.length) sel = await readSelection(deps).catch(() => null);
      const skipped = (!all && sel && sel.unsent.length ? ` Строки ${sel.unsent.join(', ')} ещё не отправлены в реестр и пропущены.` : '') + (!all && sel?.hidden ? ` ${selectionScope(sel)}` : '');
      d.set(
        printOut,
        openAndTell(d, res, 'Согласия', 'Распечатать согласия', 'print-result'),
        notice(
          d,
          res.notPrintable.length ? 'warning' : 'info',
          `В файле: ${membersWord(res.printed)}, ${formatCount(res.consents)} ${plural(res.consents, ['согласие', 'согласия', 'согласий'])}`,
          res.notPrintable.length
            ? `Не напечатаны: ${membersWord(res.notPrintable.length)}. Причины — ниже; исправьте и напечатайте им отдельно.${skipped}`
            : `Проведите собрание и соберите подписи. Потом отметьте подписанные согласия ниже.${skipped}`,
          [],
          'print-summary',
        ),
        res.notPrintable.length ? notPrintableList(res.notPrintable, sel) : null,
      );
    });

  // ---------------------------------------------------------------- tick back
  const stateOptions = [
    { value: 'keep', label: 'не менять' },
    ...CONSENT_STATES.map((s) => ({ value: s.code, label: s.label })),
    { value: 'clear', label: 'очистить (не собрано)' },
  ];
  const selects = CONSENT_LABELS.map((k) => ({ kind: k.kind, field: selectField(d, k.short, stateOptions, { value: 'given', test: `tick-${k.kind}` }) }));
  const date = textField(d, 'Дата подписи (для «Отозвано» — дата отзыва)', { type: 'date', value: app.today(), test: 'tick-date', hint: 'Дата собрания или дата на подписанных согласиях; для отзыва — дата заявления об отзыве' });
  const tickActivityEl = d.h('div', { attrs: { 'data-test': 'tick-activity' } });
  const tickActivity = new Activity(app, tickActivityEl);
  const tickOut = d.h('div', { class: 'results', attrs: { 'data-test': 'tick-results', 'aria-live': 'polite' } });

  const onTick = () =>
    void tickActivity.run('Отметка согласий', async (r) => {
      d.set(tickOut);
      const choices = Object.fromEntries(selects.map((s) => [s.kind, s.field.value() as TickChoice]));
      const dateValue = date.value().trim();
      const needsDate = Object.values(choices).some((c) => c !== 'keep' && c !== 'clear');
      if (needsDate && !/^\d{4}-\d{2}-\d{2}$/.test(dateValue)) {
        date.setError('Укажите дату подписи согласий (для «Отозвано» — дату отзыва).');
        return;
      }
      date.setError(null);
      const change = consentChange(choices, dateValue);
      if (!change) {
        d.set(tickOut, notice(d, 'warning', 'Нечего отмечать', 'Для всех трёх согласий выбрано «не менять». Выберите, как отметить согласия, и нажмите кнопку снова.', [], 'tick-nothing'));
        return;
      }
      r.indeterminate('Чтение выделенных строк…');
      const sel = await readSelection(deps);
      if (sel.members.length === 0) {
        d.set(tickOut, notice(d, 'warning', 'Не выбраны строки', sel.unsent.length ? `Выделенные строки (${sel.unsent.join(', ')}) ещё не отправлены в реестр. Сначала нажмите в разделе «Члены» «Отправить в реестр».` : nothingSelected(sel), [], 'tick-nothing'));
        return;
      }
      const ids = sel.members.map((m) => m.id);
      const res = await tickConsents(app.api, org.id, ids, change, r);
      const changed = res.results.filter((x) => x.outcome === 'updated').map((x) => x.memberId);
      const report = await writeBack(deps, org.id, changed, 'Согласия отмечены в реестре', r);
      const errors = res.results.filter((x) => x.outcome === 'error');
      const skipped = (sel.unsent.length ? ` Строки ${sel.unsent.join(', ')} ещё не отправлены в реестр и пропущены.` : '') + (sel.hidden ? ` ${selectionScope(sel)}` : '');
      const missing = report.missing.length ? ` ${membersWord(report.missing.length)} нет на листе — загрузите лист из реестра заново.` : '';
      d.set(
        tickOut,
        notice(
          d,
          errors.length ? 'warning' : 'success',
          `Согласия отмечены: ${membersWord(res.counts.updated)}${res.counts.unchanged ? `; уже были такими: ${formatCount(res.counts.unchanged)}` : ''}`,
          (errors.length ? `Не отмечены: ${membersWord(errors.length)} — причины ниже. ` : '') +
            `Строки на листе обновлены: столбцы согласий и служебная версия совпадают с реестром, так что следующая отправка пройдёт без конфликтов.${skipped}${missing}`,
          [],
          'tick-result',
        ),
        errors.length ? peopleList(d, errors.map((x) => ({ who: memberLabel(sel, x.memberId), why: x.message ?? 'Не удалось отметить.' })), 'tick-errors') : null,
      );
    });

  d.append(root, [
    obligationCard(app),
    d.h('p', { class: 'lead', text: 'Шаг 5: распечатайте согласия на обработку персональных данных, соберите подписи и отметьте их здесь.' }),
    section(
      d,
      'Печать согласий',
      `Выделите на листе «${MEMBER_SHEET_NAME}» строки нужных людей или выберите «Всем, у кого согласия ещё не собраны».`,
      who.el,
      d.h('fieldset', { class: 'ux-fieldset' }, d.h('legend', { text: 'Какие согласия' }), kinds.map((k) => k.box.el)),
      format.el,
      doubleSided.el,
      d.h('div', { class: 'actions' }, button(d, 'Распечатать согласия', onPrint, { primary: true, test: 'print-consents', disabled: !pd, hint: pdHint })),
      printActivityEl,
      printOut,
    ),
    section(
      d,
      'Отметить подписанные согласия',
      `Для выделенных строк листа «${MEMBER_SHEET_NAME}»: как отметить каждое согласие и дату подписи.`,
      d.h('div', { class: 'ux-grid' }, selects.map((s) => s.field.el)),
      date.el,
      d.h('div', { class: 'actions' }, button(d, 'Отметить согласия', onTick, { primary: true, test: 'tick-consents', disabled: !pd, hint: pdHint })),
      tickActivityEl,
      tickOut,
    ),
    pd ? null : d.h('p', { class: 'muted small', text: 'Печать и отметка согласий откроются после отметки вашего обязательства о неразглашении персональных данных.' }),
  ]);
};
