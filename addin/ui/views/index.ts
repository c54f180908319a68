/**
 * Every view of the pane. To add one (e.g. the seven-steps checklist): write
 * addin/ui/views/<name>.ts exporting a ViewDef (or, for a view that may load later, only its
 * `render`) and add it to this list. Views behind `load` are separate bundle files fetched the
 * first time they are opened; the first load of the pane carries only what the chair needs first.
 */
import { isPrimary } from '../../../domain/organisations';
import type { Shell, ViewDef } from '../view';
import { helpView } from './help';
import { membersView } from './members';
import { organisationsView } from './organisations';
import { passwordView } from './password';
import { signInView } from './sign-in';

const primaryOnly = (app: Shell) => Boolean(app.org && isPrimary(app.org.kind));

export const VIEWS: readonly ViewDef[] = [
  signInView,
  passwordView,
  organisationsView,
  membersView,
  { id: 'accounts', title: 'Учётные записи председателей', tab: 'Председатели', order: 15, requires: 'session', available: (app) => Boolean(app.me && app.me.role !== 'primary_chair'), load: () => import(/* webpackChunkName: "view-accounts" */ './accounts') },
  { id: 'passport', title: 'Паспорт ППО', tab: 'Паспорт', order: 20, requires: 'org', available: primaryOnly, load: () => import(/* webpackChunkName: "view-passport" */ './passport') },
  { id: 'structure', title: 'Структура ППО', tab: 'Структура', order: 30, requires: 'org', available: primaryOnly, load: () => import(/* webpackChunkName: "view-structure" */ './structure') },
  { id: 'consents', title: 'Согласия на обработку ПД', tab: 'Согласия', order: 40, requires: 'org', available: primaryOnly, load: () => import(/* webpackChunkName: "view-consents" */ './consents') },
  { id: 'cards', title: 'Электронные профсоюзные билеты', tab: 'ЭПБ', order: 50, requires: 'session', available: (app) => primaryOnly(app) || Boolean(app.me && app.me.role !== 'primary_chair'), load: () => import(/* webpackChunkName: "view-cards" */ './cards') },
  { id: 'settings', title: 'Настройки реестра', tab: 'Настройки', order: 70, requires: 'session', available: (app) => app.me?.role === 'central_admin', load: () => import(/* webpackChunkName: "view-settings" */ './settings') },
  { id: 'progress', title: 'Ход внедрения', tab: 'Ход внедрения', order: 60, requires: 'session', load: () => import(/* webpackChunkName: "view-progress" */ './progress') },
  helpView,
];
