/** «Помощь»: short built-in instructions for the steps the pane covers (roadmap steps 1–4 and the sheet columns of 5–7). */
import type { Dom } from '../dom';
import { describeError } from '../../api/errors';
import { button, notice, section } from '../components';
import type { Shell, ViewDef } from '../view';

interface Topic {
  title: string;
  steps?: string[];
  text?: string[];
}

export const HELP_TOPICS: readonly Topic[] = [
  {
    title: 'Вход и пароль',
    steps: [
      'Логин и временный пароль выдаёт председатель территориальной (районной) организации.',
      'После первого входа придумайте свой пароль: не короче 10 символов, буквы и цифры.',
      'Забыли пароль или вход заблокирован — обратитесь к председателю территориальной организации: он выдаст новый временный пароль.',
    ],
  },
  {
    title: 'Обязательство о неразглашении',
    text: [
      'Пока вышестоящая организация не отметит ваше подписанное обязательство о неразглашении персональных данных, загрузка списка из реестра и отправка закрыты. Паспорт и структуру ППО можно заполнять сразу.',
    ],
  },
  {
    title: 'Паспорт ППО',
    steps: [
      'Откройте раздел «Паспорт» и нажмите «Показать паспорт на листе»: появится лист «Паспорт ППО» с четырьмя вкладками — ИНПО, Регистрация, Организация, Адреса и телефоны.',
      'Заполните пустые ячейки в столбце значений.',
      'Нажмите «Сохранить паспорт в реестр». Ошибки будут отмечены в ячейках и перечислены в панели.',
    ],
  },
  {
    title: 'Структура: профбюро и профгруппы',
    steps: [
      'В разделе «Структура» добавьте профбюро (для филиала, факультета, школы в комплексе) и профгруппы.',
      'Название можно изменить; закрыть можно только подразделение без членов Профсоюза и без вложенных подразделений.',
      'Название подразделения пишется в столбце «Подразделение» листа членов.',
    ],
  },
  {
    title: 'Постановка на учёт: список членов',
    steps: [
      'Нажмите «Создать лист членов». Появится лист «Члены профсоюза» с нужными столбцами и выпадающими списками.',
      'Вставьте список из отдела кадров как есть: ФИО можно вписать целиком в столбец «Фамилия», даты — в любом привычном виде, телефоны — в любом формате.',
      'Нажмите «Проверить». Ошибки будут закрашены на листе, а в панели появится список: «Строка 12, «Дата рождения»: …». Нажмите на ошибку — Excel перейдёт к ячейке.',
      'Исправьте ошибки и снова нажмите «Проверить».',
      'Нажмите «Отправить в реестр». В столбце «Результат» появится итог по каждой строке; строки с ошибками не сохраняются, остальные сохраняются.',
      'Если отправили не то — «Отменить последнюю отправку» вернёт реестр к прежнему состоянию.',
    ],
  },
  {
    title: 'Согласия и ЭПБ',
    text: [
      'Отметки о согласиях (Профсоюзу, ООО «ФИНФОРТ», на уведомления) с датами подписи и статус электронного профсоюзного билета ведутся в столбцах того же листа и отправляются в реестр той же кнопкой.',
    ],
  },
  {
    title: 'Если что-то пошло не так',
    steps: [
      'Нет связи: проверьте интернет и нажмите «Повторить». Уже отправленные строки не задвоятся.',
      'Сеанс истёк: войдите снова в появившемся окне и нажмите «Повторить» — лист Excel останется как есть.',
      'Ошибка Excel: закончите редактирование ячейки (нажмите Enter), закройте диалоговые окна и нажмите «Повторить».',
      'Не пересылайте файл со списком членов по почте и в мессенджерах: в нём персональные данные.',
    ],
  },
];

/** Roadmap step 2: the chair marks the training (webinar, school of activists) as done. */
function trainingCard(app: Shell): HTMLElement {
  const d = app.dom;
  const status = d.h('div', { class: 'form-status' });
  const done = app.me?.trainingCompletedAt;
  const body = done
    ? d.h('p', { text: `Отмечено ${new Date(done).toLocaleDateString('ru-RU')}. Спасибо!`, attrs: { 'data-test': 'training-done' } })
    : d.h(
        'div',
        { class: 'actions' },
        button(d, 'Отметить: обучение пройдено', () => {
          void app.api
            .markProgress('training')
            .then(() => app.refreshMe())
            .then(() => app.navigate('help'))
            .catch((e: unknown) => {
              if (!app.handleGlobalError(e)) d.set(status, notice(d, 'error', 'Отметка не сохранена', describeError(e)));
            });
        }, { test: 'mark-training' }),
      );
  return section(d, 'Обучение (шаг 2)', 'Вебинар «Основы работы в АИС», школа профсоюзного актива или встреча с председателем территориальной организации. Отметка видна вышестоящей организации.', body, status);
}

function topic(dom: Dom, t: Topic, open: boolean): HTMLElement {
  const details = dom.h(
    'details',
    { class: 'help-topic' },
    dom.h('summary', { text: t.title }),
    t.steps ? dom.h('ol', { class: 'help-steps' }, t.steps.map((s) => dom.h('li', { text: s }))) : null,
    (t.text ?? []).map((s) => dom.h('p', { text: s })),
  );
  if (open) details.setAttribute('open', '');
  return details;
}

export const helpView: ViewDef = {
  id: 'help',
  title: 'Помощь',
  tab: 'Помощь',
  order: 90,
  requires: 'none',
  render(root, app) {
    const d = app.dom;
    d.append(root, [
      d.h('p', { class: 'lead', text: 'Коротко о каждом шаге работы с реестром. Нажмите на заголовок, чтобы раскрыть.' }),
      app.me && !app.me.mustChangePassword ? trainingCard(app) : null,
      HELP_TOPICS.map((t, i) => topic(d, t, i === 4)),
      d.h('p', { class: 'muted small' }, 'Подробная инструкция: ', d.h('a', { href: 'assets/help.html', text: 'страница помощи', attrs: { target: '_blank', rel: 'noopener' } }), '.'),
      app.me ? null : d.h('div', { class: 'form-actions' }, d.h('button', { type: 'button', class: 'btn', text: 'Ко входу', onclick: () => app.navigate('sign-in') })),
    ]);
  },
};
