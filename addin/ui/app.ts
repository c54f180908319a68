/**
 * The task pane shell: header, banners, tabs, the current view, and the sign-in that comes back
 * over the current view when the session expires (the view and the sheet stay as they were).
 */
import { ApiClient } from '../api/client';
import { isApiError, type ApiError } from '../api/errors';
import { sessionTokenStore, sharedTokenStore, type KeyValueStorage } from '../api/token-store';
import type { Me, OrgView } from '../api/types';
import type { ExcelCapabilities } from '../excel/capabilities';
import { isPrimary } from '../../domain/organisations';
import { button, notice } from './components';
import { Dom } from './dom';
import type { Shell, ViewDef, ViewRender } from './view';
import { saveLastPush } from './last-push';
import { signInForm } from './views/sign-in';
import { VIEWS } from './views';

export interface TaskPaneHost {
  /** The element the pane is built into (#app). */
  root: HTMLElement;
  /** Excel.run, or the fake's equivalent in tests. */
  excelRun<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  caps: ExcelCapabilities;
  /** sessionStorage when the web view allows it. */
  storage: KeyValueStorage | null;
  /**
   * The add-in origin's localStorage (survives closing the pane): only the «Запомнить меня» refresh
   * token and ids (the last push to undo, the chosen organisation) — never personal data.
   */
  persistent?: KeyValueStorage | null;
  now?: () => Date;
  /** A ready client (tests); otherwise one on the pane's own origin is made. */
  api?: ApiClient;
  views?: readonly ViewDef[];
}

const ORG_KEY = 'union-registry.org-id';

export class TaskPane implements Shell {
  readonly dom: Dom;
  readonly api: ApiClient;
  readonly caps: ExcelCapabilities;
  readonly memory = new Map<string, unknown>();
  me: Me | null = null;
  org: OrgView | null = null;
  busy = false;

  private readonly views: readonly ViewDef[];
  private current: { def: ViewDef; cleanup?: () => void } | null = null;
  private readonly els: { header: HTMLElement; who: HTMLElement; signOut: HTMLButtonElement; banners: HTMLElement; tabs: HTMLElement; main: HTMLElement; overlay: HTMLElement };
  private overlayOpen = false;
  /** A remembered sign-in is being renewed after the session expired. */
  private resuming = false;
  /** A notice shown once with the next view (after «Выйти на всех устройствах»). */
  private flash: HTMLElement | null = null;
  /** Renders of views loaded on demand. */
  private readonly loaded = new Map<string, ViewRender>();

  constructor(private readonly host: TaskPaneHost) {
    this.dom = new Dom(host.root.ownerDocument);
    this.api = host.api ?? new ApiClient({ tokens: sessionTokenStore(host.storage), refreshTokens: sharedTokenStore(host.persistent ?? null) });
    this.caps = host.caps;
    this.views = [...(host.views ?? VIEWS)].sort((a, b) => (a.order ?? 99) - (b.order ?? 99));
    const d = this.dom;
    const signOut = d.h('button', { type: 'button', class: 'btn btn-subtle btn-small', text: 'Выйти', hidden: true, attrs: { 'data-test': 'sign-out', 'data-action': '' } });
    signOut.addEventListener('click', () => void this.signOut());
    const who = d.h('div', { class: 'topbar-who', attrs: { 'data-test': 'who' } });
    const header = d.h('header', { class: 'topbar' }, d.h('div', { class: 'topbar-brand' }, d.h('span', { class: 'topbar-logo', text: 'Р', attrs: { 'aria-hidden': 'true' } }), d.h('span', { text: 'Реестр Профсоюза' })), signOut);
    const banners = d.h('div', { class: 'banners' });
    const tabs = d.h('nav', { class: 'tabs', attrs: { 'aria-label': 'Разделы' } });
    const main = d.h('main', { class: 'view', id: 'view', tabindex: -1 });
    const overlay = d.h('div', { class: 'overlay', hidden: true, role: 'dialog', attrs: { 'aria-modal': 'true', 'aria-label': 'Вход' } });
    this.els = { header, who, signOut, banners, tabs, main, overlay };
    d.set(host.root, d.h('div', { class: 'app' }, header, who, banners, tabs, main, overlay));
    this.api.onSessionExpired((e) => this.sessionExpired(e));
  }

  // ------------------------------------------------------------------ Shell

  get persistent(): KeyValueStorage | null {
    return this.host.persistent ?? null;
  }

  get storage(): KeyValueStorage | null {
    return this.host.storage;
  }

  get personalDataAllowed(): boolean {
    return Boolean(this.me?.obligationRecordedAt);
  }

  today(): string {
    const d = this.host.now ? this.host.now() : new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }

  excel<T>(operation: (context: Excel.RequestContext) => Promise<T>): Promise<T> {
    return this.host.excelRun(operation);
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    // Not classList.toggle(name, force): Internet Explorer 11 ignores the second argument.
    if (busy) this.host.root.classList.add('is-busy');
    else this.host.root.classList.remove('is-busy');
    const buttons = this.host.root.querySelectorAll<HTMLButtonElement>('[data-action]');
    buttons.forEach((b) => {
      if (busy) {
        if (b.dataset.wasDisabled === undefined) b.dataset.wasDisabled = b.disabled ? '1' : '0';
        b.disabled = true;
      } else if (b.dataset.wasDisabled !== undefined) {
        b.disabled = b.dataset.wasDisabled === '1';
        delete b.dataset.wasDisabled;
      }
    });
  }

  handleGlobalError(error: unknown): boolean {
    if (!isApiError(error)) return false;
    if (error.kind === 'session_expired') return true; // the sign-in is already shown
    if (error.kind === 'password_change_required') {
      if (this.me) this.me = { ...this.me, mustChangePassword: true };
      this.navigate('password');
      return true;
    }
    if (error.kind === 'obligation_required' && this.me?.obligationRecordedAt) {
      // Our copy of the account was stale: refresh the banner and the buttons.
      this.me = { ...this.me, obligationRecordedAt: null };
      this.renderChrome();
      return false;
    }
    return false;
  }

  chooseOrganisation(org: OrgView): void {
    this.org = org;
    try {
      this.host.storage?.setItem(ORG_KEY, String(org.id));
      // An id only: with «Запомнить меня» the next opening goes straight to the same organisation.
      if (this.api.remembered) this.host.persistent?.setItem(ORG_KEY, String(org.id));
    } catch {
      /* memory only */
    }
    this.navigate(isPrimary(org.kind) ? 'members' : 'structure');
  }

  navigate(viewId: string): void {
    let def = this.views.find((v) => v.id === viewId) ?? this.views.find((v) => v.id === 'help')!;
    if (def.requires !== 'none' && !this.me) def = this.viewById('sign-in');
    else if (def.requires !== 'none' && this.me?.mustChangePassword && def.id !== 'help') def = this.viewById('password');
    else if (def.requires === 'org' && !this.org) def = this.viewById('organisations');
    else if (def.available && !def.available(this)) def = this.viewById(this.org && isPrimary(this.org.kind) ? 'members' : 'help');
    this.current?.cleanup?.();
    const d = this.dom;
    const root = d.h('div', { class: 'view-body', attrs: { 'data-view': def.id } });
    d.set(this.els.main, d.h('h1', { class: 'view-title', text: def.title }), root);
    const current: { def: ViewDef; cleanup?: () => void } = { def };
    this.current = current;
    this.renderChrome();
    const show = (render: ViewRender) => {
      if (this.current !== current) return; // the chair went elsewhere meanwhile
      const cleanup = render(root, this);
      if (typeof cleanup === 'function') current.cleanup = cleanup;
    };
    if (def.render) {
      show(def.render);
      return;
    }
    const cached = this.loaded.get(def.id);
    if (cached) {
      show(cached);
      return;
    }
    d.set(root, notice(d, 'info', null, 'Загрузка раздела…'));
    const load = () => {
      def.load!()
        .then((m) => {
          this.loaded.set(def.id, m.render);
          d.set(root);
          show(m.render);
        })
        .catch(() => {
          if (this.current !== current) return;
          d.set(root, notice(d, 'error', 'Раздел не загрузился', 'Нет связи с сервером реестра. Проверьте подключение к интернету и нажмите «Повторить».', [{ label: 'Повторить', onClick: load, primary: true, test: 'retry' }]));
        });
    };
    load();
  }

  // ------------------------------------------------------------------ start, sign-in, sign-out

  /**
   * Opens the pane: resumes a session kept in session storage, or signs in with the refresh token of
   * «Запомнить меня» (the desktop web views clear session storage when the pane closes), or shows
   * the sign-in.
   */
  async start(): Promise<void> {
    if (!this.api.signedIn && !this.api.remembered) {
      this.navigate('sign-in');
      return;
    }
    this.dom.set(this.els.main, notice(this.dom, 'info', null, 'Подключение к реестру…'));
    try {
      if (!this.api.signedIn && !(await this.api.resumeRemembered())) {
        this.navigate('sign-in');
        return;
      }
      await this.afterSignIn(await this.api.me(), true);
    } catch (e) {
      if (isApiError(e) && e.kind === 'session_expired') {
        this.closeOverlay();
        this.navigate('sign-in');
        return;
      }
      this.dom.set(
        this.els.main,
        notice(this.dom, 'error', 'Не удалось подключиться к реестру', isApiError(e) ? e.detail : 'Закройте и снова откройте панель.', [
          { label: 'Повторить', onClick: () => void this.start(), primary: true, test: 'retry' },
        ]),
      );
    }
  }

  /** After a successful sign-in (or a resumed session): the right next view. */
  async afterSignIn(me: Me, resumed = false): Promise<void> {
    const sameUser = this.me?.id === me.id;
    this.me = me;
    if (!sameUser && !resumed) {
      this.org = null;
      this.memory.clear();
    }
    if (me.mustChangePassword) {
      this.navigate('password');
      return;
    }
    if (!this.org) {
      let orgId: number | null = null;
      if (resumed) {
        try {
          const saved = this.host.storage?.getItem(ORG_KEY) ?? (this.api.remembered ? this.host.persistent?.getItem(ORG_KEY) : null);
          orgId = saved ? Number(saved) : null;
        } catch {
          orgId = null;
        }
      }
      if (me.role === 'primary_chair') orgId = me.orgId;
      if (orgId) {
        try {
          this.chooseOrganisation(await this.api.getOrganisation(orgId));
          return;
        } catch (e) {
          if (isApiError(e) && e.kind === 'session_expired') return;
          if (me.role === 'primary_chair') throw e;
        }
      }
      this.navigate('organisations');
      return;
    }
    this.navigate(this.current?.def.requires === 'none' || !this.current ? 'members' : this.current.def.id);
  }

  /** Re-reads the account (after the password change) and refreshes the banners. */
  async refreshMe(): Promise<void> {
    this.me = await this.api.me();
    this.renderChrome();
  }

  async signOut(): Promise<void> {
    if (this.busy) return;
    if (this.org) saveLastPush(this, this.org.id, null);
    await this.api.logout();
    this.me = null;
    this.org = null;
    this.memory.clear();
    this.forgetLocal();
    this.navigate('sign-in');
  }

  /** «Выйти на всех устройствах»: every session and remembered computer of the account ends, this one too. */
  async signOutEverywhere(): Promise<void> {
    if (this.busy) return;
    try {
      await this.api.logoutEverywhere();
    } catch (e) {
      if (!this.handleGlobalError(e)) {
        this.dom.set(
          this.els.banners,
          notice(this.dom, 'error', 'Не удалось выйти на всех устройствах', isApiError(e) ? e.detail : 'Повторите.', [
            { label: 'Повторить', onClick: () => void this.signOutEverywhere(), primary: true, test: 'retry' },
          ], 'sign-out-everywhere-error'),
        );
      }
      return;
    }
    if (this.org) saveLastPush(this, this.org.id, null);
    this.me = null;
    this.org = null;
    this.memory.clear();
    this.forgetLocal();
    this.flash = notice(this.dom, 'success', 'Вы вышли на всех устройствах', 'Все сеансы завершены, запомненный вход отменён на всех компьютерах. Войдите снова.', [], 'signed-out-everywhere');
    this.navigate('sign-in');
  }

  private everywhereButton(): HTMLElement {
    const b = this.dom.h('button', {
      type: 'button',
      class: 'btn-link who-everywhere',
      text: 'Выйти на всех устройствах',
      attrs: { 'data-test': 'sign-out-everywhere', 'data-action': '', title: 'Завершить все сеансы и отменить «Запомнить меня» на всех компьютерах' },
      disabled: this.busy,
    });
    b.addEventListener('click', () => void this.signOutEverywhere());
    return b;
  }

  private forgetLocal(): void {
    for (const store of [this.host.storage, this.host.persistent]) {
      try {
        store?.removeItem(ORG_KEY);
      } catch {
        /* nothing kept */
      }
    }
  }

  private sessionExpired(e: ApiError): void {
    if (!this.me || this.overlayOpen || this.resuming) return;
    if (this.api.remembered) {
      // «Запомнить меня»: a new session from the refresh token, without asking; the action that
      // failed offers «Повторить». Only when the server no longer honours it, the sign-in form.
      this.resuming = true;
      void this.api
        .resumeRemembered()
        .catch(() => false)
        .then((resumed) => {
          this.resuming = false;
          if (!resumed) this.askToSignIn(e);
        });
      return;
    }
    this.askToSignIn(e);
  }

  private askToSignIn(e: ApiError): void {
    if (!this.me || this.overlayOpen) return;
    const d = this.dom;
    const previous = this.me;
    this.overlayOpen = true;
    const form = signInForm(this, {
      login: previous.login,
      message: e.detail || 'Сеанс истёк. Войдите снова — лист Excel останется как есть.',
      onSignedIn: async (me) => {
        this.closeOverlay();
        if (me.id === previous.id) {
          this.me = me;
          this.renderChrome();
          if (me.mustChangePassword) this.navigate('password');
        } else {
          this.me = null;
          await this.afterSignIn(me);
        }
      },
    });
    d.set(this.els.overlay, d.h('div', { class: 'overlay-card', attrs: { 'data-test': 'session-expired' } }, d.h('h2', { class: 'card-title', text: 'Войдите снова' }), form));
    this.els.overlay.hidden = false;
    form.querySelector<HTMLInputElement>('input[type=password]')?.focus();
  }

  private closeOverlay(): void {
    this.overlayOpen = false;
    this.els.overlay.hidden = true;
    this.dom.set(this.els.overlay);
  }

  // ------------------------------------------------------------------ header, banners, tabs

  private viewById(id: string): ViewDef {
    const v = this.views.find((x) => x.id === id);
    if (!v) throw new Error(`no view ${id}`);
    return v;
  }

  renderChrome(): void {
    const d = this.dom;
    const me = this.me;
    this.els.signOut.hidden = !me;
    d.set(
      this.els.who,
      me
        ? [
            d.h('span', { class: 'who-name', text: me.fullName }),
            this.org ? d.h('span', { class: 'who-org', text: this.org.name, attrs: { 'data-test': 'current-org' } }) : null,
            this.everywhereButton(),
          ]
        : null,
    );
    this.els.who.hidden = !me;

    const banners: HTMLElement[] = [];
    if (this.flash && !me) banners.push(this.flash);
    else this.flash = null;
    if (me?.mustChangePassword) {
      banners.push(notice(d, 'warning', 'Смените временный пароль', 'Вы вошли по временному паролю из письма. Придумайте свой пароль — до этого остальные разделы закрыты.', [], 'banner-password'));
    } else if (me && !me.obligationRecordedAt) {
      banners.push(
        notice(
          d,
          'warning',
          'Обязательство о неразглашении ещё не отмечено',
          'Загрузка из реестра и отправка откроются, когда вышестоящая организация отметит ваше подписанное обязательство. Паспорт и структуру ППО можно заполнять уже сейчас.',
          [],
          'banner-obligation',
        ),
      );
    }
    d.set(this.els.banners, banners);

    const current = this.current?.def.id;
    const showTabs = Boolean(me && !me.mustChangePassword);
    const tabs = showTabs
      ? this.views.filter((v) => v.tab && (v.requires !== 'org' || this.org) && (!v.available || v.available(this)))
      : [];
    d.set(
      this.els.tabs,
      tabs.map((v) => {
        const b = d.h('button', {
          type: 'button',
          class: `tab${v.id === current ? ' is-current' : ''}`,
          text: v.tab,
          attrs: { 'aria-current': v.id === current ? 'page' : undefined, 'data-test': `tab-${v.id}`, 'data-action': '' },
          disabled: this.busy,
        });
        // Drawn while an action runs (e.g. the banner refreshed by its error): setBusy(false) must
        // give the tab back, as it does for the buttons that were there when the action started.
        if (this.busy) b.dataset.wasDisabled = '0';
        b.addEventListener('click', () => {
          if (!this.busy) this.navigate(v.id);
        });
        return b;
      }),
      this.org && me && me.role !== 'primary_chair'
        ? button(d, 'Другая организация', () => this.navigate('organisations'), { subtle: true, test: 'change-org' })
        : null,
    );
    this.els.tabs.hidden = tabs.length === 0;
  }
}

export function startTaskPane(host: TaskPaneHost): TaskPane {
  const pane = new TaskPane(host);
  void pane.start();
  return pane;
}
