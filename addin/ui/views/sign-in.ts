/** Sign-in: the first view, and the form that comes back over the pane when the session expires. */
import { isApiError } from '../../api/errors';
import type { Me } from '../../api/types';
import { button, notice, textField } from '../components';
import type { Shell, ViewDef } from '../view';

export function signInForm(app: Shell, opts: { login?: string; message?: string; onSignedIn: (me: Me) => Promise<void> | void }): HTMLFormElement {
  const d = app.dom;
  const login = textField(d, 'Логин', { autocomplete: 'username', value: opts.login ?? '', name: 'login', test: 'login', required: true });
  const password = textField(d, 'Пароль', { type: 'password', autocomplete: 'current-password', name: 'password', test: 'password', required: true });
  // «Запомнить меня на этом компьютере» (off by default): a refresh token in this add-in's own
  // storage lets the pane sign in by itself next time; never in the workbook.
  const remember = d.h('input', { type: 'checkbox', attrs: { 'data-test': 'remember-me', name: 'remember' } }) as HTMLInputElement;
  const rememberRow = d.h(
    'label',
    { class: 'remember' },
    remember,
    d.h('span', {}, d.h('span', { text: 'Запомнить меня на этом компьютере' }), d.h('span', { class: 'field-hint', text: 'Только на своём компьютере: панель будет входить сама, пока её открывают хотя бы раз в 30 дней. Не отмечайте на общем компьютере.' })),
  );
  const status = d.h('div', { class: 'form-status' });
  const submit = button(d, 'Войти', () => void go(), { primary: true, test: 'sign-in', action: false });
  submit.type = 'submit';
  const form = d.h(
    'form',
    { class: 'form', attrs: { novalidate: true, 'data-test': 'sign-in-form' } },
    opts.message ? notice(d, 'warning', null, opts.message) : null,
    login.el,
    password.el,
    rememberRow,
    status,
    d.h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void go();
  });

  let running = false;
  async function go(): Promise<void> {
    if (running) return;
    login.setError(null);
    password.setError(null);
    d.set(status);
    const l = login.value().trim();
    const p = password.value();
    if (!l) login.setError('Введите логин из письма председателя территориальной организации.');
    if (!p) password.setError('Введите пароль.');
    if (!l || !p) {
      (!l ? login.input : password.input).focus();
      return;
    }
    running = true;
    submit.disabled = true;
    submit.textContent = 'Вход…';
    try {
      await app.api.login(l, p, remember.checked);
      const me = await app.api.me();
      await opts.onSignedIn(me);
    } catch (e) {
      if (!isApiError(e)) {
        d.set(status, notice(d, 'error', 'Не удалось войти', 'Закройте и снова откройте панель, затем повторите вход.'));
      } else if (e.kind === 'bad_credentials') {
        password.setError(e.detail);
        password.input.select();
        password.input.focus();
      } else if (e.kind === 'locked') {
        d.set(status, notice(d, 'warning', 'Вход временно заблокирован', e.detail, [], 'sign-in-error'));
      } else if (e.kind === 'validation' && e.fields.length) {
        for (const f of e.fields) (f.field === 'login' ? login : password).setError(f.message);
      } else {
        d.set(
          status,
          notice(d, e.retryable ? 'error' : 'warning', 'Не удалось войти', e.detail, e.retryable ? [{ label: 'Повторить', onClick: () => void go(), primary: true, test: 'retry' }] : [], 'sign-in-error'),
        );
      }
    } finally {
      running = false;
      submit.disabled = false;
      submit.textContent = 'Войти';
    }
  }

  return form;
}

export const signInView: ViewDef = {
  id: 'sign-in',
  title: 'Вход в реестр',
  requires: 'none',
  render(root, app) {
    const d = app.dom;
    const form = signInForm(app, { onSignedIn: (me) => app.afterSignIn(me) });
    d.append(root, [
      d.h('p', { class: 'lead', text: 'Войдите по логину и паролю, которые выдал председатель территориальной (районной) организации Профсоюза.' }),
      d.h('section', { class: 'card' }, form),
      d.h('p', { class: 'muted small', text: 'Пароль хранится только на сервере реестра; в файл Excel он не записывается.' }),
      d.h('div', { class: 'form-actions' }, button(d, 'Помощь: как начать работу', () => app.navigate('help'), { subtle: true, test: 'help-from-sign-in', action: false })),
    ]);
    setTimeout(() => form.querySelector<HTMLInputElement>('input')?.focus(), 0);
  },
};
