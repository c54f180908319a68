/** Changing the one-time password (required after the first sign-in; also available any time). */
import { passwordProblem } from '../../../domain/password-rule';
import { isApiError } from '../../api/errors';
import { button, notice, section, textField } from '../components';
import type { ViewDef } from '../view';

export const passwordView: ViewDef = {
  id: 'password',
  title: 'Смена пароля',
  requires: 'session',
  render(root, app) {
    const d = app.dom;
    const forced = Boolean(app.me?.mustChangePassword);
    const oldPw = textField(d, forced ? 'Временный пароль из письма' : 'Текущий пароль', { type: 'password', autocomplete: 'current-password', test: 'old-password' });
    const newPw = textField(d, 'Новый пароль', { type: 'password', autocomplete: 'new-password', test: 'new-password', hint: 'Не короче 10 символов, буквы и цифры, без логина.' });
    const again = textField(d, 'Новый пароль ещё раз', { type: 'password', autocomplete: 'new-password', test: 'new-password-again' });
    const status = d.h('div', { class: 'form-status' });
    const submit = button(d, 'Сменить пароль', () => void go(), { primary: true, test: 'change-password' });
    submit.type = 'submit';
    const form = d.h('form', { class: 'form', attrs: { novalidate: true } }, oldPw.el, newPw.el, again.el, status, d.h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void go();
    });
    d.append(root, [
      section(d, 'Новый пароль', null, form),
      forced ? null : button(d, 'Назад', () => app.navigate('members'), { subtle: true }),
    ]);

    let running = false;
    async function go(): Promise<void> {
      if (running) return;
      for (const f of [oldPw, newPw, again]) f.setError(null);
      d.set(status);
      const login = app.me?.login ?? '';
      const n = newPw.value();
      let bad = false;
      if (!oldPw.value()) {
        oldPw.setError('Введите пароль, с которым вы вошли.');
        bad = true;
      }
      const problem = passwordProblem(n, login);
      if (problem) {
        newPw.setError(problem);
        bad = true;
      }
      if (!bad && again.value() !== n) {
        again.setError('Пароли не совпадают — введите новый пароль ещё раз.');
        bad = true;
      }
      if (bad) return;
      running = true;
      submit.disabled = true;
      try {
        await app.api.changePassword(oldPw.value(), n);
        await app.refreshMe();
        d.set(status, notice(d, 'success', 'Пароль изменён', 'Дальше входите с новым паролем.'));
        if (forced && app.me) await app.afterSignIn(app.me);
      } catch (e) {
        if (isApiError(e) && e.fields.length) {
          for (const f of e.fields) (f.field === 'oldPassword' ? oldPw : newPw).setError(f.message);
        } else if (!app.handleGlobalError(e)) {
          const msg = isApiError(e) ? e.detail : 'Не удалось сменить пароль. Повторите.';
          d.set(status, notice(d, 'error', 'Пароль не изменён', msg, isApiError(e) && e.retryable ? [{ label: 'Повторить', onClick: () => void go(), primary: true }] : []));
        }
      } finally {
        running = false;
        submit.disabled = false;
      }
    }
  },
};
