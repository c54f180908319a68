/**
 * The chair's home: the member sheet and its actions — create the sheet, load it from the registry,
 * check it, check it on the server, send it, undo the last sending.
 */
import { plural } from '../../../domain/cell';
import { MEMBER_SHEET_NAME } from '../../../domain/members/columns';
import { isPrimary } from '../../../domain/organisations';
import type { PushSummary } from '../../api/push';
import { markKind } from '../../excel/capabilities';
import { MARK_NOTES_CAP, selectCell } from '../../excel/member-sheet';
import { SheetError } from '../../excel/sheet-utils';
import { Activity, reveal } from '../activity';
import { button, formatCount, notice, section } from '../components';
import { issueList } from '../issues';
import { lastPush, rememberPush, saveLastPush } from '../last-push';
import { checkSheet, createSheet, lostRowText, NO_MEMBER_SHEET, planPull, pullToSheet, PushRun, revertPush, type CheckOutcome, type MemberOpsDeps } from '../member-ops';
import { issueColumn, issuesFromResults, issueText, issueTitle, marksWhere, rowsWord, summaryItems, summarySentence, type Issue } from '../members-logic';
import type { ViewDef } from '../view';

const pushKey = (orgId: number) => `members.push:${orgId}`;

export const membersView: ViewDef = {
  id: 'members',
  title: 'Члены Профсоюза',
  tab: 'Члены',
  order: 10,
  requires: 'org',
  available: (app) => Boolean(app.org && isPrimary(app.org.kind)),
  render(root, app) {
    const d = app.dom;
    const org = app.org!;
    const deps: MemberOpsDeps = { api: app.api, excel: (op) => app.excel(op), caps: app.caps, today: () => app.today() };
    const pd = app.personalDataAllowed;
    const pdHint = pd ? undefined : 'Откроется после отметки обязательства о неразглашении персональных данных';

    const activityEl = d.h('div', { attrs: { 'data-test': 'activity' } });
    const activity = new Activity(app, activityEl);
    const results = d.h('div', { class: 'results', attrs: { 'data-test': 'results', 'aria-live': 'polite' } });

    const goTo = (issue: Pick<Issue, 'row' | 'field'>) => {
      void app.excel((ctx) => selectCell(ctx, issue.row, issue.field)).catch((e: unknown) => {
        d.set(activityEl, notice(d, 'warning', null, e instanceof SheetError ? (e.code === 'table_missing' ? NO_MEMBER_SHEET : e.message) : 'Не удалось перейти к ячейке: закончите редактирование ячейки в Excel (Enter) и нажмите на ошибку снова.'));
      });
    };
    // «Весь список — на лист»: the report of every problem, beyond what the pane and the notes show
    // (loaded on demand: the first load of the pane does not need it)
    const toReport = (issues: Issue[]) =>
      void import(/* webpackChunkName: "issues-sheet" */ '../../excel/issues-sheet')
        .then(({ writeIssuesSheet, ISSUES_SHEET_NAME }) =>
          app
            .excel((ctx) => writeIssuesSheet(ctx, issues.map((i) => ({ row: i.row, column: issueColumn(i), message: issueText(i) }))))
            .then((rep) => d.set(activityEl, notice(d, 'success', null, `Весь список (${formatCount(rep.rows)}) — на листе «${ISSUES_SHEET_NAME}». Его можно распечатать или отфильтровать; при следующей проверке он будет заменён.`, [], 'issues-report-done'))),
        )
        .catch(() => d.set(activityEl, notice(d, 'warning', null, 'Не удалось записать лист «Ошибки проверки»: закончите редактирование ячейки в Excel (Enter) и нажмите кнопку снова.', [], 'issues-report-failed')))
        .then(() => reveal(activityEl));
    const issuesBlock = (issues: Issue[]) =>
      issueList(
        d,
        issues.map((i) => ({ ...i, title: issueTitle(i), text: issueText(i) })),
        (i) => goTo(i),
        { onReport: () => toReport(issues) },
      );

    // ---------------------------------------------------------------- create the sheet
    const onCreate = () =>
      void activity.run('Создание листа', async (r) => {
        r.indeterminate('Создание листа и выпадающих списков…');
        const rep = await createSheet(deps);
        d.set(
          results,
          notice(
            d,
            'success',
            rep.created ? `Лист «${rep.sheetName}» создан` : `Лист «${rep.sheetName}» уже есть — проверен`,
            rep.created
              ? 'Вставьте список членов Профсоюза со второй строки (можно прямо из файла отдела кадров) и нажмите «Проверить».'
              : rep.addedColumns.length
                ? `Добавлены недостающие столбцы: ${rep.addedColumns.join(', ')}. Строки не изменены.`
                : 'Все столбцы на месте, строки не изменены.',
            [],
            'create-result',
          ),
        );
      });

    // ---------------------------------------------------------------- load from the registry
    const onPull = (confirmed = false) =>
      void activity.run('Загрузка из реестра', async (r) => {
        if (!confirmed) {
          r.indeterminate('Проверка листа…');
          const plan = await planPull(deps);
          if (plan.unsentRows > 0) {
            d.set(
              results,
              notice(
                d,
                'warning',
                'На листе есть строки, которых нет в реестре',
                `${formatCount(plan.unsentRows)} ${rowsWord(plan.unsentRows)} ${plural(plan.unsentRows, ['добавлена', 'добавлены', 'добавлено'])} или ${plural(plan.unsentRows, ['изменена', 'изменены', 'изменено'])} после последней отправки. Загрузка из реестра заменит весь лист, и эти изменения пропадут. Сначала нажмите «Отправить в реестр» — или замените лист, если изменения не нужны.`,
                [
                  { label: 'Отправить в реестр', onClick: () => onPush(false), primary: true },
                  { label: 'Заменить лист', onClick: () => onPull(true), test: 'confirm-pull' },
                ],
                'pull-confirm',
              ),
            );
            return;
          }
        }
        const n = await pullToSheet(deps, org.id, r);
        d.set(results, notice(d, 'success', `Загружено из реестра: ${formatCount(n)} ${plural(n, ['член', 'члена', 'членов'])} Профсоюза`, `Лист «${MEMBER_SHEET_NAME}» совпадает с реестром. Вносите изменения и нажимайте «Отправить в реестр».`, [], 'pull-result'));
      });

    // ---------------------------------------------------------------- check locally
    const showCheck = (c: CheckOutcome) => {
      const blank = c.blankRows ? ` Пустых строк пропущено: ${formatCount(c.blankRows)}.` : '';
      if (c.checked === 0) {
        d.set(results, notice(d, 'info', 'На листе нет строк', `Вставьте список членов Профсоюза в таблицу на листе «${MEMBER_SHEET_NAME}» и нажмите «Проверить».${blank}`, [], 'check-result'));
        return;
      }
      if (c.issues.length === 0) {
        d.set(results, notice(d, 'success', `Ошибок нет. Строк на листе: ${formatCount(c.checked)}`, `Можно нажимать «Отправить в реестр».${blank}`, [], 'check-result'));
        return;
      }
      d.set(
        results,
        notice(
          d,
          'error',
          `Найдены ошибки: ${formatCount(c.issues.length)} в ${formatCount(c.badRows)} ${plural(c.badRows, ['строке', 'строках', 'строках'])} из ${formatCount(c.checked)}`,
          `Ошибки закрашены на листе красным, ${marksWhere(markKind(app.caps), c.notesCapped, MARK_NOTES_CAP)}. Нажмите на ошибку, чтобы перейти к ячейке; исправьте и нажмите «Проверить» снова.${blank}`,
          [],
          'check-result',
        ),
        issuesBlock(c.issues),
      );
    };
    const onCheck = () =>
      void activity.run('Проверка листа', async (r) => {
        d.set(results);
        showCheck(await checkSheet(deps, r));
      });

    // ---------------------------------------------------------------- push / server check
    const showPush = (s: PushSummary, run: PushRun) => {
      const issues = issuesFromResults(s.rows);
      const counts = d.h(
        'dl',
        { class: 'counts', attrs: { 'data-test': 'push-counts' } },
        summaryItems(s.counts, s.dryRun).map((it) =>
          d.h('div', { class: `count count-${it.outcome}${it.count ? '' : ' is-zero'}`, attrs: { 'data-outcome': it.outcome } }, d.h('dt', { text: it.label }), d.h('dd', { text: formatCount(it.count) })),
        ),
      );
      const problems = s.counts.error + s.counts.conflict;
      const skipped = run.unchangedRows ? ` Не изменились с прошлой отправки и не отправлялись: ${formatCount(run.unchangedRows)} ${rowsWord(run.unchangedRows)}.` : '';
      const text = s.dryRun
        ? problems
          ? 'Ничего не записано. Строки с ошибками и конфликтами отмечены на листе; нажмите на строку ниже, чтобы перейти к ней.'
          : 'Ничего не записано: это была только проверка.'
        : problems
          ? 'Принятые строки сохранены. Строки с ошибками (красные) и конфликтами (жёлтые) не сохранены: исправьте их и отправьте снова — принятые строки не задвоятся.'
          : 'Итог по каждой строке — в столбце «Результат».';
      const lost = [...run.lost.values()];
      const lostBlock = lost.length
        ? notice(
            d,
            'warning',
            `${formatCount(lost.length)} ${plural(lost.length, ['строка изменилась', 'строки изменились', 'строк изменились'])} на листе во время отправки`,
            d.h(
              'div',
              {},
              d.h('p', { class: 'notice-text', text: 'Результат каждой строки записан туда, где этот человек стоит сейчас (порядок строк не важен). Для этих строк места не нашлось — на лист по ним ничего не записано, чужие строки не тронуты:' }),
              d.h('ul', { class: 'lost-rows' }, lost.map((l) => d.h('li', { text: lostRowText(l, s.dryRun) }))),
            ),
            [],
            'push-lost',
          )
        : null;
      const sent = s.counts.created + s.counts.updated + s.counts.unchanged + s.counts.error + s.counts.conflict;
      const stopped = s.stopped
        ? notice(
            d,
            'warning',
            s.dryRun ? 'Проверка на сервере остановлена' : 'Отправка остановлена',
            s.dryRun
              ? `Проверено ${formatCount(sent)} ${rowsWord(sent)}; не проверено ${formatCount(s.unsentRows ?? 0)}. Итог по проверенным — ниже.`
              : `Отправлено ${formatCount(sent)} ${rowsWord(sent)} — они в реестре, их итог ниже и в столбце «Результат». Не отправлено ${formatCount(s.unsentRows ?? 0)} ${rowsWord(s.unsentRows ?? 0)}: нажмите «Продолжить отправку» — уже отправленные строки не задвоятся.`,
            s.dryRun ? [] : [{ label: 'Продолжить отправку', onClick: () => onPush(false, true), primary: true, test: 'resume-push' }],
            'push-stopped',
          )
        : null;
      d.set(
        results,
        stopped,
        notice(
          d,
          problems || lost.length ? 'warning' : s.stopped ? 'info' : 'success',
          // a stopped push is not «Готово»: it says what the registry took so far
          s.stopped ? summarySentence(s.counts, s.dryRun).replace(/^Готово: р/, 'Р') : summarySentence(s.counts, s.dryRun),
          text + skipped,
          [],
          s.dryRun ? 'dry-run-result' : 'push-result',
        ),
        counts,
        lostBlock,
        issues.length ? issuesBlock(issues) : null,
      );
    };
    const onPush = (dryRun: boolean, resume = false) => {
      const key = pushKey(org.id);
      const pending = app.memory.get(key) as PushRun | undefined;
      // «Повторить» and «Продолжить отправку» continue the interrupted push with the same chunks and
      // keys; a new click on «Отправить» reads the sheet again (rows already accepted carry their ids).
      const run = resume && pending ? pending : new PushRun(deps, org.id, dryRun);
      if (!dryRun) app.memory.set(key, run);
      void activity.run(
        dryRun ? 'Проверка на сервере' : 'Отправка в реестр',
        async (r) => {
          d.set(results);
          const s = await run.run(r);
          if (!dryRun) {
            // a stopped push stays for «Продолжить отправку»; what it sent can already be undone
            if (!s.stopped) app.memory.delete(key);
            rememberPush(app, org.id, s, new Date());
            refreshRevert();
          }
          showPush(s, run);
        },
        // a push can stop between chunks; a server check marks the whole sheet at the end, so it runs through
        dryRun ? {} : { onStop: () => run.stop() },
      );
    };

    // ---------------------------------------------------------------- revert
    const revertBtn = button(d, 'Отменить последнюю отправку', () => onRevert(false), { subtle: true, test: 'revert', hint: pdHint });
    // The last push is remembered on this computer across openings of the pane: name the day when it was not today.
    const timeOf = (iso: string) => {
      const at = new Date(iso);
      const time = at.toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });
      return at.toDateString() === new Date().toDateString() ? time : `${at.toLocaleDateString('ru-RU')} ${time}`;
    };
    const refreshRevert = () => {
      const last = lastPush(app, org.id);
      const disabled = !pd || !last;
      if (revertBtn.dataset.wasDisabled !== undefined) revertBtn.dataset.wasDisabled = disabled ? '1' : '0';
      else revertBtn.disabled = disabled;
      revertBtn.title = !pd ? (pdHint ?? '') : last ? `Отменить отправку от ${timeOf(last.at)}` : 'С этого компьютера ещё ничего не отправлено';
    };
    const onRevert = (confirmed: boolean) => {
      const last = lastPush(app, org.id);
      if (!last) return;
      if (!confirmed) {
        d.set(
          results,
          notice(
            d,
            'warning',
            'Отменить последнюю отправку?',
            `Отправка в ${timeOf(last.at)}: добавлено ${formatCount(last.counts.created)}, обновлено ${formatCount(last.counts.updated)}. Добавленные ею записи будут удалены из реестра, обновлённые — вернутся к прежним данным. Лист не изменится, только эти строки снова станут «новыми»: исправьте их и отправьте снова.`,
            [
              { label: 'Да, отменить', onClick: () => onRevert(true), primary: true, test: 'confirm-revert' },
              { label: 'Нет', onClick: () => d.set(results) },
            ],
            'revert-confirm',
          ),
        );
        return;
      }
      void activity.run('Отмена отправки', async (r) => {
        d.set(results);
        const out = await revertPush(deps, last, (remaining) => saveLastPush(app, org.id, remaining), r);
        saveLastPush(app, org.id, null);
        refreshRevert();
        d.set(
          results,
          notice(
            d,
            'success',
            'Отправка отменена',
            `Удалено из реестра: ${formatCount(out.deleted)}, возвращено к прежним данным: ${formatCount(out.restored)}. Строк на листе, которые снова ждут отправки: ${formatCount(out.sheetRows)} — они отмечены в столбце «Результат».`,
            [],
            'revert-result',
          ),
        );
      });
    };

    // ---------------------------------------------------------------- layout
    const pending = app.memory.get(pushKey(org.id)) as PushRun | undefined;
    const deregisterSlot = d.h('div', { attrs: { 'data-test': 'deregister-slot' } });
    const transferSlot = d.h('div', { attrs: { 'data-test': 'transfer-slot' } });
    const importSlot = d.h('div', { attrs: { 'data-test': 'import-slot' } });
    d.append(root, [
      section(
        d,
        'Лист членов Профсоюза',
        `Список ведётся на листе «${MEMBER_SHEET_NAME}» этой книги.`,
        d.h(
          'div',
          { class: 'actions' },
          button(d, 'Создать лист членов', onCreate, { test: 'create-sheet' }),
          button(d, 'Загрузить из реестра', () => onPull(false), { test: 'pull', disabled: !pd, hint: pdHint }),
        ),
      ),
      section(
        d,
        'Проверка и отправка',
        'Сначала «Проверить» — ошибки будут отмечены на листе. Потом «Отправить в реестр».',
        d.h(
          'div',
          { class: 'actions' },
          button(d, 'Проверить', onCheck, { primary: true, test: 'check' }),
          button(d, 'Проверить на сервере', () => onPush(true), { test: 'dry-run', disabled: !pd, hint: pdHint ?? 'Сервер проверит строки, в том числе повторы в реестре, ничего не записывая' }),
        ),
        d.h('div', { class: 'actions' }, button(d, 'Отправить в реестр', () => onPush(false), { primary: true, test: 'push', disabled: !pd, hint: pdHint }), revertBtn),
        pd ? null : d.h('p', { class: 'muted small', text: 'Загрузка, проверка на сервере и отправка откроются после отметки вашего обязательства о неразглашении персональных данных. «Создать лист» и «Проверить» работают уже сейчас: данные при этом не покидают компьютер.' }),
      ),
      activityEl,
      results,
      importSlot,
      deregisterSlot,
      transferSlot,
    ]);
    // «Снять с учёта» and «Перевод в другую ППО» come in their own file after the view (they carry the
    // selected-rows machinery the first load of the pane does not need).
    // «Список из другого файла» works on the workbook only (no personal data leaves it): open to every chair.
    void import(/* webpackChunkName: "view-import-list" */ './import-list')
      .then((m) => d.set(importSlot, m.importListSection(app)))
      .catch(() => d.set(importSlot, notice(d, 'warning', null, 'Раздел «Список из другого файла» не загрузился: проверьте связь и откройте вкладку «Члены» снова.', [], 'import-load-failed')));
    if (pd) {
      void Promise.all([import(/* webpackChunkName: "view-register-moves" */ './deregister'), import(/* webpackChunkName: "view-register-moves" */ './transfers')])
        .then(([dereg, transfers]) => {
          d.set(deregisterSlot, dereg.deregisterSection(app, org.id));
          d.set(transferSlot, transfers.transfersSection(app, org.id));
        })
        .catch(() => d.set(deregisterSlot, notice(d, 'warning', null, 'Разделы «Снять с учёта» и «Перевод в другую ППО» не загрузились: проверьте связь и откройте вкладку «Члены» снова.', [], 'register-moves-load-failed')));
    }
    refreshRevert();
    if (pending?.started) {
      d.set(
        results,
        notice(d, 'warning', 'Отправка была прервана', 'Часть строк ещё не отправлена. Нажмите «Продолжить отправку» — уже отправленные строки не задвоятся.', [{ label: 'Продолжить отправку', onClick: () => onPush(false, true), primary: true, test: 'resume-push' }]),
      );
    }
  },
};
