/**
 * «Председатели» (roadmap step 1): a territorial or regional chair — or the central administrator —
 * gives the chairs of the organisations below their logins and one-time passwords (in a printable
 * login letter), prints a chair's non-disclosure obligation to sign, records the signed obligation
 * when it comes back (until then the chair cannot see members' personal data), issues a new password
 * with a new letter, and switches an account off or on.
 *
 * The one-time password is shown once, in the result, and lives in the letter; the pane keeps it
 * nowhere. Creating an account is never retried by itself: after a lost answer the list says whether
 * the account was made.
 */
import { plural } from '../../../domain/cell';
import { formatDateRu } from '../../../domain/dates';
import { isUnit } from '../../../domain/organisations';
import { roleLabel } from '../../../domain/roles';
import { listAccounts, recordObligation, setAccountActive, type AccountView } from '../../api/accounts';
import {
  createAccountWithLetter,
  getOrganisationDetails,
  printObligation,
  resetPasswordWithLetter,
  saveOrganisationDetails,
  type CredentialsWithLetter,
  type OrganisationDetailsView,
} from '../../api/documents';
import { isApiError } from '../../api/errors';
import { Activity } from '../activity';
import { button, notice, section, textField } from '../components';
import { formatCount } from '../format';
import { ensureStyles, openAndTell, pill } from '../ui-kit';
import type { ViewRender } from '../view';

/** What the chair still has to do for an account, in the order of the roadmap; empty when nothing. */
export function accountToDo(a: AccountView): string[] {
  const out: string[] = [];
  if (!a.active) return ['учётная запись отключена'];
  if (a.locked) out.push('вход заблокирован после неверных паролей — выдайте новый пароль');
  if (a.mustChangePassword) out.push('временный пароль ещё не сменён: передайте письмо с логином и паролем');
  if (!a.obligationRecordedAt) out.push('обязательство о неразглашении не отмечено — до отметки данные членов Профсоюза закрыты');
  return out;
}

/** Accounts that need something first, then by organisation and name. */
export function sortAccounts(accounts: readonly AccountView[]): AccountView[] {
  return [...accounts].sort(
    (a, b) =>
      Number(accountToDo(b).length > 0) - Number(accountToDo(a).length > 0) ||
      a.orgName.localeCompare(b.orgName, 'ru') ||
      a.fullName.localeCompare(b.fullName, 'ru'),
  );
}

const accountsWord = (n: number) => `${formatCount(n)} ${plural(n, ['учётная запись', 'учётные записи', 'учётных записей'])}`;

/**
 * The answer to a request that creates or changes credentials may be lost after the server acted
 * (no answer, a gateway error, a 500 after the account was written): such a request is never sent
 * again by itself. A 503 and a 429 come before the server does anything.
 */
function answerMayBeLost(e: unknown): boolean {
  return isApiError(e) && e.retryable && e.status !== 503 && e.kind !== 'rate_limited';
}

/** Accounts drawn at once: a region has about a thousand, the whole union tens of thousands. */
export const ACCOUNTS_SHOWN = 200;

export const render: ViewRender = (root, app) => {
  const d = app.dom;
  ensureStyles(d.doc, root);
  const me = app.me!;
  // The list covers the organisation chosen on «Выбор организации» (and below), else one's own.
  const scope = app.org && !isUnit(app.org.kind) ? app.org : null;
  const scopeId = scope?.id ?? me.orgId;

  // ================================================================ the list
  const listActivityEl = d.h('div', { attrs: { 'data-test': 'accounts-activity' } });
  const activity = new Activity(app, listActivityEl);
  const out = d.h('div', { class: 'results', attrs: { 'data-test': 'accounts-results', 'aria-live': 'polite' } });
  const summary = d.h('div', { attrs: { 'data-test': 'accounts-summary' } });
  const list = d.h('ul', { class: 'list', attrs: { 'data-test': 'accounts' } });
  const signedAt = textField(d, 'Дата подписи обязательства', { type: 'date', value: app.today(), test: 'obligation-date', hint: 'Для кнопки «Обязательство получено»: дата на подписанном обязательстве' });

  const show = (accounts: readonly AccountView[]) => {
    // Accounts of one's own level are managed from above (the central administrator manages all).
    const others = sortAccounts(accounts.filter((a) => a.id !== me.id && (me.role === 'central_admin' || a.orgId !== me.orgId)));
    const noObligation = others.filter((a) => a.active && !a.obligationRecordedAt).length;
    const notSignedIn = others.filter((a) => a.active && a.mustChangePassword).length;
    d.set(
      summary,
      notice(
        d,
        noObligation || notSignedIn ? 'info' : 'success',
        others.length ? `${accountsWord(others.length)}${scope ? ` — ${scope.name} и ниже` : ' в организациях ниже'}` : 'Учётных записей ниже пока нет',
        others.length
          ? `Обязательство не отмечено: ${formatCount(noObligation)}. Временный пароль не сменён: ${formatCount(notSignedIn)}.` +
              (others.length > ACCOUNTS_SHOWN ? ` Показаны первые ${formatCount(ACCOUNTS_SHOWN)} — те, где нужно действие, впереди; чтобы увидеть другие, выберите организацию на вкладке «Выбор организации».` : '')
          : 'Выберите организацию на вкладке «Выбор организации» и создайте учётную запись её председателю.',
        [],
        'accounts-summary-notice',
      ),
    );
    const shown = others.slice(0, ACCOUNTS_SHOWN);
    d.set(
      list,
      shown.map((a) => {
        const todo = accountToDo(a);
        const state = !a.active
          ? pill(d, 'later', 'отключена')
          : todo.length
            ? pill(d, 'late', todo.length === 1 ? 'нужно действие' : `нужно действий: ${todo.length}`)
            : pill(d, 'done', 'всё готово');
        const obligation = a.obligationRecordedAt
          ? `Обязательство подписано ${a.obligationSignedAt ? formatDateRu(a.obligationSignedAt) : '—'}, отмечено ${new Date(a.obligationRecordedAt).toLocaleDateString('ru-RU')}.`
          : null;
        return d.h(
          'li',
          { class: 'list-item', attrs: { 'data-test': `account-${a.id}`, 'data-login': a.login } },
          d.h(
            'div',
            { class: 'list-main' },
            d.h('strong', { text: a.fullName }),
            d.h('span', { class: 'muted small', text: `${a.orgName}. ${roleLabel(a.role)}. Логин: ${a.login}` }),
            state,
            ...todo.map((t) => d.h('span', { class: 'small', text: `• ${t}` })),
            obligation ? d.h('span', { class: 'muted small', text: obligation }) : null,
          ),
          d.h(
            'div',
            { class: 'list-actions' },
            a.active && !a.obligationRecordedAt ? button(d, 'Обязательство получено', () => onObligation(a), { test: 'record-obligation', ariaLabel: `Обязательство получено: ${a.fullName}` }) : null,
            a.active ? button(d, 'Обязательство для подписи', () => onPrintObligation(a), { subtle: true, test: 'print-obligation', ariaLabel: `Обязательство для подписи: ${a.fullName}` }) : null,
            a.active ? button(d, 'Новый пароль и письмо', () => askReset(a), { subtle: true, test: 'reset-password', ariaLabel: `Новый пароль и письмо: ${a.fullName}` }) : null,
            button(d, a.active ? 'Отключить' : 'Включить', () => onActive(a), { subtle: true, test: a.active ? 'deactivate' : 'activate', ariaLabel: `${a.active ? 'Отключить' : 'Включить'}: ${a.fullName}` }),
          ),
        );
      }),
    );
  };

  const reload = async () => show(await listAccounts(app.api, scopeId));
  const onLoad = () =>
    void activity.run('Учётные записи', async (r) => {
      r.indeterminate('Загрузка списка…');
      d.set(out);
      await reload();
    });

  const onObligation = (a: AccountView) =>
    void activity.run('Отметка обязательства', async (r) => {
      const date = signedAt.value().trim();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        signedAt.setError('Укажите дату подписи обязательства.');
        return;
      }
      if (date > app.today()) {
        signedAt.setError('Дата подписи не может быть позже сегодняшней.');
        return;
      }
      signedAt.setError(null);
      r.indeterminate('Записываем…');
      const saved = await recordObligation(app.api, a.id, date);
      await reload();
      d.set(
        out,
        notice(
          d,
          'success',
          `Обязательство отмечено: ${saved.fullName}`,
          `Подписано ${formatDateRu(date)}. Теперь председателю открыты данные членов Профсоюза: пусть нажмёт «Выйти» и войдёт снова. Подписанный бланк храните в документах выборного органа.`,
          [],
          'obligation-recorded',
        ),
      );
    });

  const onPrintObligation = (a: AccountView) =>
    void activity.run('Обязательство для подписи', async (r) => {
      r.indeterminate('Готовим документ…');
      const link = await printObligation(app.api, { userId: a.id });
      d.set(out, openAndTell(d, link, `Обязательство: ${a.fullName}`, 'Обязательство для подписи', 'obligation-printed'));
    });

  const letterResult = (c: CredentialsWithLetter, title: string, test: string) => {
    // No «press again» advice: another press would issue another password.
    const opened = openAndTell(d, c, 'Письмо с логином и паролем', null, 'letter-opened');
    return d.h(
      'div',
      {},
      notice(
        d,
        'success',
        title,
        d.h(
          'div',
          {},
          d.h('p', { text: `Логин: ${c.account.login}. Временный пароль: ` }, d.h('strong', { text: c.oneTimePassword, attrs: { 'data-test': 'one-time-password' } })),
          d.h('p', { class: 'small', text: 'Пароль показан один раз и есть в письме. При первом входе председатель сменит его на свой. Реестр хранит только его необратимый отпечаток: если письмо потеряется, выдайте новый пароль.' }),
        ),
        [],
        test,
      ),
      opened,
    );
  };

  const askReset = (a: AccountView) =>
    d.set(
      out,
      notice(
        d,
        'warning',
        `Выдать новый пароль: ${a.fullName}?`,
        'Старый пароль перестанет действовать, открытые сеансы закончатся. Новый временный пароль будет в письме.',
        [
          { label: 'Выдать новый пароль', primary: true, onClick: () => onReset(a), test: 'confirm-reset' },
          { label: 'Не надо', onClick: () => d.set(out), test: 'cancel-reset' },
        ],
        'reset-confirm',
      ),
    );

  const onReset = (a: AccountView) =>
    void activity.run('Новый пароль', async (r) => {
      r.indeterminate('Готовим письмо…');
      d.set(out);
      let c: CredentialsWithLetter;
      try {
        c = await resetPasswordWithLetter(app.api, a.id);
      } catch (e) {
        if (!answerMayBeLost(e)) throw e;
        d.set(out, notice(d, 'warning', 'Ответ сервера не получен', `Новый пароль для «${a.fullName}» мог быть уже выдан, но письмо не пришло. Если председатель не может войти со старым паролем, нажмите «Новый пароль и письмо» ещё раз.`, [], 'reset-lost'));
        return;
      }
      d.set(out, letterResult(c, `Новый пароль выдан: ${a.fullName}`, 'password-reset'));
      await reload().catch(() => undefined);
    });

  const onActive = (a: AccountView) =>
    void activity.run(a.active ? 'Отключение учётной записи' : 'Включение учётной записи', async (r) => {
      r.indeterminate('Записываем…');
      const saved = await setAccountActive(app.api, a.id, !a.active);
      await reload();
      d.set(
        out,
        notice(
          d,
          'success',
          saved.active ? `Учётная запись включена: ${saved.fullName}` : `Учётная запись отключена: ${saved.fullName}`,
          saved.active ? 'Председатель снова может войти со своим паролем.' : 'Войти с ней нельзя, открытые сеансы закончены. Данные организации сохраняются.',
          [],
          'account-active',
        ),
      );
    });

  // ================================================================ the organisation's details for letters
  const detailsActivityEl = d.h('div', { attrs: { 'data-test': 'details-activity' } });
  const detailsActivity = new Activity(app, detailsActivityEl);
  const detailsOut = d.h('div', { class: 'results', attrs: { 'data-test': 'details-results', 'aria-live': 'polite' } });
  const unionName = textField(d, 'Полное наименование для документов', { autocomplete: 'off', test: 'details-union-name', hint: 'Пусто — название из дерева организаций' });
  const legalAddress = textField(d, 'Юридический адрес', { autocomplete: 'off', test: 'details-legal-address' });
  const helpContact = textField(d, 'Телефон или e-mail для помощи председателям', { autocomplete: 'off', test: 'details-contact', hint: 'Печатается в письмах с логином и паролем' });
  const fillDetails = (v: OrganisationDetailsView) => {
    unionName.input.value = v.unionName ?? '';
    legalAddress.input.value = v.legalAddress ?? '';
    helpContact.input.value = v.contact ?? '';
  };
  const detailsNotice = (v: OrganisationDetailsView) =>
    v.contact
      ? null
      : notice(d, 'warning', 'Не указан контакт для помощи', 'Без него письмо с логином и паролем не создаётся: укажите телефон или e-mail и нажмите «Сохранить реквизиты» (или впишите контакт в форму новой учётной записи).', [], 'details-contact-missing');
  const loadDetails = async () => {
    const v = await getOrganisationDetails(app.api, me.orgId);
    fillDetails(v);
    d.set(detailsOut, detailsNotice(v));
  };
  const onSaveDetails = () =>
    void detailsActivity.run('Сохранение реквизитов', async (r) => {
      for (const f of [unionName, legalAddress, helpContact]) f.setError(null);
      r.indeterminate('Сохраняем…');
      const value = (f: typeof unionName) => f.value().replace(/\s+/g, ' ').trim() || null;
      try {
        const v = await saveOrganisationDetails(app.api, me.orgId, { unionName: value(unionName), legalAddress: value(legalAddress), contact: value(helpContact) });
        fillDetails(v);
        d.set(detailsOut, notice(d, 'success', 'Реквизиты сохранены', 'Они печатаются в письмах председателям и в документах вашей организации.', [], 'details-saved'), detailsNotice(v));
      } catch (e) {
        if (!isApiError(e)) throw e;
        const fields: [string, typeof unionName][] = [['unionName', unionName], ['legalAddress', legalAddress], ['contact', helpContact]];
        const bad = fields.filter(([k]) => e.fieldMessage(k));
        if (!bad.length) throw e;
        for (const [k, f] of bad) f.setError(e.fieldMessage(k) ?? null);
      }
    });
  const detailsPart = section(
    d,
    'Реквизиты вашей организации',
    'Для писем председателям и документов: куда обращаться за помощью, наименование и адрес.',
    unionName.el,
    legalAddress.el,
    helpContact.el,
    d.h('div', { class: 'actions' }, button(d, 'Сохранить реквизиты', onSaveDetails, { test: 'save-details' })),
    detailsActivityEl,
    detailsOut,
  );

  // ================================================================ a new account
  const target = app.org && app.org.id !== me.orgId && !isUnit(app.org.kind) ? app.org : null;
  const createActivityEl = d.h('div', { attrs: { 'data-test': 'create-account-activity' } });
  const createActivity = new Activity(app, createActivityEl);
  const createOut = d.h('div', { class: 'results', attrs: { 'data-test': 'create-account-results', 'aria-live': 'polite' } });
  const fullName = textField(d, 'ФИО председателя', { autocomplete: 'off', test: 'account-full-name', required: true });
  const contact = textField(d, 'Телефон или e-mail для помощи (необязательно)', { autocomplete: 'off', test: 'account-contact', hint: 'Кому председатель позвонит, если не получится войти; пусто — контакт из реквизитов вашей организации' });

  const onCreate = (orgId: number, orgName: string) =>
    void createActivity.run('Новая учётная запись', async (r) => {
      const name = fullName.value().replace(/\s+/g, ' ').trim();
      if (name.split(' ').length < 2) {
        fullName.setError('Введите фамилию, имя и отчество председателя.');
        return;
      }
      fullName.setError(null);
      contact.setError(null);
      d.set(createOut);
      r.indeterminate('Создаём учётную запись и письмо…');
      let c: CredentialsWithLetter;
      try {
        c = await createAccountWithLetter(app.api, orgId, { fullName: name, ...(contact.value().trim() ? { contact: contact.value().trim() } : {}) });
      } catch (e) {
        if (answerMayBeLost(e)) {
          // The account may have been made before the answer was lost: the list tells, and a second click would make another.
          await reload().catch(() => undefined);
          d.set(
            createOut,
            notice(
              d,
              'warning',
              'Связь прервалась, ответ сервера не получен',
              `Посмотрите список выше: если там появилась учётная запись «${name}» (${orgName}), выдайте ей «Новый пароль и письмо». Если её нет — нажмите «Создать и открыть письмо» ещё раз.`,
              [],
              'create-account-lost',
            ),
          );
          return;
        }
        if (isApiError(e) && e.fieldMessage('contact')) {
          contact.setError('Укажите, куда председателю обращаться за помощью, — здесь или в реквизитах вашей организации выше.');
          d.set(createOut, notice(d, 'warning', 'Письмо не создано: нет контакта для помощи', e.message, [], 'create-account-contact'));
          return;
        }
        if (isApiError(e) && e.fieldMessage('fullName')) {
          fullName.setError(e.fieldMessage('fullName')!);
          return;
        }
        throw e;
      }
      fullName.input.value = '';
      contact.input.value = '';
      d.set(createOut, letterResult(c, `Учётная запись создана: ${c.account.fullName} (${orgName})`, 'account-created'));
      await reload().catch(() => undefined);
    });

  const createPart = target
    ? section(
        d,
        'Новая учётная запись',
        `Для председателя организации «${target.name}». Другую организацию выберите на вкладке «Выбор организации».`,
        fullName.el,
        contact.el,
        d.h('div', { class: 'actions' }, button(d, 'Создать и открыть письмо', () => onCreate(target.id, target.name), { primary: true, test: 'create-account' })),
        createActivityEl,
        createOut,
      )
    : section(
        d,
        'Новая учётная запись',
        null,
        notice(d, 'info', 'Выберите организацию', 'Чтобы создать учётную запись председателю, выберите его организацию на вкладке «Выбор организации» и вернитесь сюда.', [{ label: 'Выбрать организацию', onClick: () => app.navigate('organisations'), test: 'choose-org-for-account' }], 'account-choose-org'),
      );

  d.append(root, [
    d.h('p', { class: 'lead', text: 'Шаг 1: логины и пароли председателям организаций ниже, их обязательства о неразглашении персональных данных.' }),
    section(
      d,
      'Учётные записи',
      'Кому ещё нужно передать письмо и чьё подписанное обязательство ещё не отмечено.',
      d.h('div', { class: 'actions' }, button(d, 'Обновить список', onLoad, { test: 'load-accounts' })),
      signedAt.el,
      listActivityEl,
      out,
      summary,
      list,
    ),
    createPart,
    detailsPart,
  ]);
  // On opening: the list and the details in one go (one operation at a time in the pane).
  void activity.run('Учётные записи', async (r) => {
    r.indeterminate('Загрузка списка и реквизитов…');
    await reload();
    await loadDetails();
  });
};
