/**
 * The upload page (/upload.html) for chairs without the add-in: sign in (the token stays in this
 * page's memory), change the one-time password on first sign-in, choose the organisation (a manager
 * drills down to a primary organisation), download the template or the current list, check or upload
 * a .xlsx / .csv with a progress bar, read the summary and download the annotated workbook.
 * No inline scripts or handlers: everything is wired here (the server's CSP allows script-src 'self').
 */
import { isPrimary, isUnit, orgKindLabel, type OrgKind } from '../../domain/organisations';
import { CARD_STATUSES, CATEGORIES, CONSENT_STATES, SEXES } from '../../domain/members/codes';
import { ApiError, apiFile, apiJson, apiJsonFile, setToken, uploadFile } from './api';
import { checkChosenFile, failureMessage, progressText, resultFileName, summaryView, type UploadSummary } from './logic';

interface Me {
  id: number;
  login: string;
  fullName: string;
  orgId: number;
  orgName: string;
  orgKind: OrgKind;
  mustChangePassword: boolean;
  obligationRecordedAt: string | null;
}

interface Org {
  id: number;
  name: string;
  kind: OrgKind;
}

interface LoginAnswer {
  token: string;
  mustChangePassword: boolean;
}

function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from upload.html`);
  return found as T;
}

/** The server's reading of the chosen file (POST …/members/upload/preview). */
interface Preview {
  sheet: string;
  headerRow: number;
  dataRows: number;
  totalsRows: number;
  columns: { index: number; letter: string; header: string; key: string; target: string; source: string; hidden: boolean }[];
  values: { column: string; header: string; value: string; key: string; rows: number; kind: string; code: string | null; choices: (string | null)[]; hint: string }[];
  missing: string[];
  targets: { target: string; label: string }[];
  categories: { code: string; label: string }[];
}

/** The chair's choices of the mapping step, sent with «Проверить» and «Загрузить» as ?mapping=. */
interface Mapping {
  targets: Record<string, string>;
  values: Record<string, Record<string, string | null>>;
  category?: string;
}

const state: {
  preview: Preview | null;
  mapping: Mapping;
  me: Me | null;
  path: Org[];
  children: Org[];
  signInPassword: string | null;
  resultUrl: string | null;
  busy: boolean;
} = { preview: null, mapping: { targets: {}, values: {} }, me: null, path: [], children: [], signInPassword: null, resultUrl: null, busy: false };

const current = (): Org | null => state.path[state.path.length - 1] ?? null;
const canWork = (): boolean => Boolean(state.me?.obligationRecordedAt);

// ---------------------------------------------------------------------------------- messages

type Tone = 'error' | 'warning' | 'success' | 'info';

function say(id: string, text: string | null, tone: Tone = 'error'): void {
  const box = el(id);
  if (!text) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.className = `message ${tone}`;
  box.textContent = text;
  box.hidden = false;
}

function show(section: 'sign-in' | 'change-password' | 'work'): void {
  el('sign-in').hidden = section !== 'sign-in';
  el('change-password').hidden = section !== 'change-password';
  el('work').hidden = section !== 'work';
}

/** An API failure where it happened; an ended session sends the chair back to the sign-in form. */
function fail(where: string, err: unknown): void {
  if (err instanceof ApiError && err.status === 401 && state.me) {
    signedOut('Сеанс закончился (например, страница долго была открыта). Войдите снова.');
    return;
  }
  const status = err instanceof ApiError ? err.status : 0;
  say(where, failureMessage(status, err instanceof ApiError ? err.problem : null));
}

// ---------------------------------------------------------------------------------- sign in

async function signIn(e: Event): Promise<void> {
  e.preventDefault();
  const login = el<HTMLInputElement>('login').value.trim();
  const password = el<HTMLInputElement>('password').value;
  if (!login || !password) {
    say('sign-in-message', !login ? 'Введите логин.' : 'Введите пароль.');
    (!login ? el('login') : el('password')).focus();
    return;
  }
  const button = el<HTMLButtonElement>('sign-in-button');
  button.disabled = true;
  say('sign-in-message', null);
  try {
    const answer = await apiJson<LoginAnswer>('POST', '/auth/login', { login, password });
    setToken(answer.token);
    el<HTMLInputElement>('password').value = '';
    if (answer.mustChangePassword) {
      state.signInPassword = password;
      show('change-password');
      el('new-password').focus();
    } else {
      await loadMe();
    }
  } catch (err) {
    fail('sign-in-message', err);
  } finally {
    button.disabled = false;
  }
}

async function changePassword(e: Event): Promise<void> {
  e.preventDefault();
  const a = el<HTMLInputElement>('new-password').value;
  const b = el<HTMLInputElement>('new-password-2').value;
  if (!a) return say('change-password-message', 'Введите новый пароль.');
  if (a !== b) return say('change-password-message', 'Пароли не совпадают. Введите новый пароль ещё раз в оба поля.');
  const button = el<HTMLButtonElement>('change-password-button');
  button.disabled = true;
  say('change-password-message', null);
  try {
    await apiJson('POST', '/auth/password', { oldPassword: state.signInPassword ?? '', newPassword: a });
    state.signInPassword = null;
    el<HTMLInputElement>('new-password').value = '';
    el<HTMLInputElement>('new-password-2').value = '';
    await loadMe();
    say('org-message', 'Пароль изменён. Дальше входите с новым паролем.', 'success');
  } catch (err) {
    fail('change-password-message', err);
  } finally {
    button.disabled = false;
  }
}

async function loadMe(): Promise<void> {
  const me = await apiJson<Me>('GET', '/me');
  state.me = me;
  state.path = [{ id: me.orgId, name: me.orgName, kind: me.orgKind }];
  el('who').textContent = `${me.fullName} (${me.login}) — ${me.orgName}`;
  el('obligation').hidden = canWork();
  show('work');
  await renderOrg();
}

async function signOut(): Promise<void> {
  try {
    await apiJson('POST', '/auth/logout');
  } catch {
    // The token is forgotten anyway.
  }
  signedOut('Вы вышли. Чтобы продолжить, войдите снова.', 'info');
}

function signedOut(message: string, tone: Tone = 'warning'): void {
  setToken(null);
  state.me = null;
  state.path = [];
  state.signInPassword = null;
  clearResult();
  el<HTMLInputElement>('file').value = '';
  show('sign-in');
  say('sign-in-message', message, tone);
  el('login').focus();
}

// ---------------------------------------------------------------------------------- organisation

async function renderOrg(): Promise<void> {
  const org = current();
  if (!org) return;
  say('org-message', null);
  clearResult();
  const primary = isPrimary(org.kind);
  el('org-current').textContent = primary
    ? `Список организации «${org.name}».`
    : `«${org.name}» (${orgKindLabel(org.kind).toLowerCase()}). Выберите первичную организацию, список которой загружаете.`;
  el('org-back').hidden = state.path.length < 2;
  el('upload-target').textContent = primary ? `Список будет загружен в «${org.name}».` : 'Сначала выберите первичную организацию (шаг 1).';
  el('download-export').hidden = !canWork();
  el('download-export').textContent = primary ? 'Скачать список из реестра' : `Скачать список «${org.name}» из реестра`;
  setBusy(false);
  el('org-choose').hidden = true;
  state.children = [];
  if (isUnit(org.kind) || org.kind === 'primary') return;
  try {
    const children = await apiJson<Org[]>('GET', `/organisations/${org.id}/children`);
    state.children = children.filter((c) => !isUnit(c.kind));
  } catch (err) {
    fail('org-message', err);
    return;
  }
  const select = el<HTMLSelectElement>('org-select');
  select.textContent = '';
  for (const c of state.children) {
    const option = document.createElement('option');
    option.value = String(c.id);
    option.textContent = isPrimary(c.kind) ? c.name : `${c.name} — ${orgKindLabel(c.kind).toLowerCase()}`;
    select.appendChild(option);
  }
  el('org-select-label').textContent = primary ? 'Или откройте нижестоящую организацию' : 'Выберите организацию';
  el('org-choose').hidden = state.children.length === 0;
  if (!primary && state.children.length === 0) say('org-message', 'В этой организации пока нет первичных организаций.', 'info');
}

async function openChild(): Promise<void> {
  const id = Number(el<HTMLSelectElement>('org-select').value);
  const child = state.children.find((c) => c.id === id);
  if (!child) return;
  state.path.push(child);
  await renderOrg();
}

async function goBack(): Promise<void> {
  if (state.path.length < 2) return;
  state.path.pop();
  await renderOrg();
}

// ---------------------------------------------------------------------------------- downloads

function saveBlob(blob: Blob, fileName: string): void {
  // Internet Explorer 11 has no <a download>; it saves a Blob with its own call.
  const ms = navigator as unknown as { msSaveOrOpenBlob?: (b: Blob, name: string) => boolean };
  if (typeof ms.msSaveOrOpenBlob === 'function') {
    ms.msSaveOrOpenBlob(blob, fileName);
    return;
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download(path: string, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  say('download-message', null);
  try {
    const { blob, fileName } = await apiFile(path);
    saveBlob(blob, fileName);
  } catch (err) {
    fail('download-message', err);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------- upload

function setBusy(busy: boolean): void {
  state.busy = busy;
  const org = current();
  const ready = Boolean(org && isPrimary(org.kind) && canWork());
  el<HTMLButtonElement>('check').disabled = busy || !ready;
  el<HTMLButtonElement>('upload').disabled = busy || !ready;
  el<HTMLInputElement>('file').disabled = busy || !ready;
  el<HTMLSelectElement>('org-select').disabled = busy;
  el<HTMLButtonElement>('org-open').disabled = busy;
  el<HTMLButtonElement>('org-back').disabled = busy;
}

function clearResult(): void {
  el('result').hidden = true;
  say('upload-message', null);
  if (state.resultUrl) URL.revokeObjectURL(state.resultUrl);
  state.resultUrl = null;
}

async function run(dryRun: boolean): Promise<void> {
  const org = current();
  if (!org || state.busy) return;
  clearResult();
  const file = el<HTMLInputElement>('file').files?.[0];
  const checked = checkChosenFile(file);
  if (!checked.ok || !file) {
    say('upload-message', checked.ok ? 'Выберите файл со списком.' : checked.message, 'warning');
    return;
  }
  setBusy(true);
  const bar = el<HTMLProgressElement>('progress');
  bar.value = 0;
  el('progress-box').hidden = false;
  el('progress-text').textContent = progressText(0, file.size);
  try {
    const answer = await uploadFile(`/organisations/${org.id}/members/upload?dryRun=${dryRun ? 1 : 0}${mappingQuery()}`, file, checked.contentType, (sent, total) => {
      el('progress-text').textContent = progressText(sent, total);
      if (total > 0 && sent >= total) bar.removeAttribute('value'); // the server's part has no known length
      else if (total > 0) bar.value = Math.round((sent / total) * 100);
    });
    showResult(answer.blob, answer.summary, file.name, dryRun);
  } catch (err) {
    fail('upload-message', err);
  } finally {
    el('progress-box').hidden = true;
    setBusy(false);
  }
}

function showResult(blob: Blob, summary: UploadSummary | null, fileName: string, dryRun: boolean): void {
  state.resultUrl = URL.createObjectURL(blob);
  const link = el<HTMLAnchorElement>('result-link');
  link.href = state.resultUrl;
  link.download = resultFileName(fileName, dryRun);
  link.textContent = `Скачать файл с результатом: ${link.download}`;
  const tbody = el('result-table').querySelector('tbody')!;
  tbody.textContent = '';
  if (summary) {
    const view = summaryView(summary);
    say('result-title', view.title, view.tone);
    for (const [label, n] of view.lines) {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      const b = document.createElement('td');
      a.textContent = label;
      b.textContent = String(n);
      tr.appendChild(a);
      tr.appendChild(b);
      tbody.appendChild(tr);
    }
    el('result-next').textContent = view.next;
  } else {
    say('result-title', dryRun ? 'Проверка закончена.' : 'Загрузка закончена.', 'info');
    el('result-next').textContent = 'Итог — на листе «Итог загрузки» в файле с результатом.';
  }
  el('result').hidden = false;
  link.focus();
}

// ---------------------------------------------------------------------------------- the mapping step

const SOURCE: Record<string, string> = { header: 'по заголовку', content: 'по содержимому', chosen: 'выбрано вами', saved: 'как в прошлый раз', none: 'не распознан' };

function mappingQuery(): string {
  const m = state.mapping;
  if (!Object.keys(m.targets).length && !Object.keys(m.values).length && !m.category) return '';
  return `&mapping=${encodeURIComponent(JSON.stringify(m))}`;
}

function clearMapping(): void {
  state.preview = null;
  state.mapping = { targets: {}, values: {} };
  el('mapping').hidden = true;
}

/** Asks the server how it reads the file (with the choices so far) and shows every column and every coded value. */
async function readMapping(): Promise<void> {
  const org = current();
  const file = el<HTMLInputElement>('file').files?.[0];
  const checked = checkChosenFile(file);
  if (!org || !file || !checked.ok || !isPrimary(org.kind) || !canWork()) return;
  try {
    const q = mappingQuery().replace(/^&/, '?');
    state.preview = await apiJsonFile<Preview>(`/organisations/${org.id}/members/upload/preview${q}`, file, checked.contentType);
    say('upload-message', null);
  } catch (err) {
    clearMapping();
    fail('upload-message', err);
    return;
  }
  renderMapping();
}

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function renderMapping(): void {
  const p = state.preview;
  if (!p) return;
  el('mapping').hidden = false;
  el('mapping-summary').textContent = `Лист «${p.sheet}», названия столбцов — в строке ${p.headerRow}, строк с данными: ${p.dataRows}${p.totalsRows ? `, не загружаются строки итогов и заголовки групп: ${p.totalsRows}` : ''}. Проверьте, куда пойдёт каждый столбец; поменяйте, если понято не так.`;
  const cols = el('mapping-columns');
  cols.textContent = '';
  for (const c of p.columns) {
    const row = document.createElement('div');
    row.className = 'map-row';
    const id = `map-col-${c.index}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = `${c.letter}. ${c.header || '(без заголовка)'}${c.hidden ? ' — скрытый' : ''} `;
    const why = document.createElement('span');
    why.className = 'why';
    why.textContent = `(${SOURCE[c.source] ?? c.source})`;
    label.appendChild(why);
    const select = document.createElement('select');
    select.id = id;
    select.dataset.test = `map-target-${c.index}`;
    for (const t of p.targets) select.appendChild(option(t.target, t.label));
    select.value = c.target;
    select.addEventListener('change', () => {
      state.mapping.targets[c.key] = select.value;
      void readMapping();
    });
    row.appendChild(label);
    row.appendChild(select);
    cols.appendChild(row);
  }
  const needsCategory = !p.columns.some((c) => c.target === 'category');
  el('mapping-category').hidden = !needsCategory;
  const cat = el<HTMLSelectElement>('mapping-category-select');
  cat.textContent = '';
  cat.appendChild(option('', '— выберите —'));
  for (const c of p.categories) cat.appendChild(option(c.code, c.label));
  cat.value = state.mapping.category ?? '';
  cat.onchange = () => {
    if (cat.value) state.mapping.category = cat.value;
    else delete state.mapping.category;
    renderMapping();
  };
  const vals = el('mapping-values');
  vals.textContent = '';
  if (p.values.length) {
    const h = document.createElement('h3');
    h.textContent = 'Значения в столбцах со списком';
    vals.appendChild(h);
  }
  p.values.forEach((v, n) => {
    const row = document.createElement('div');
    row.className = 'map-row';
    const id = `map-val-${n}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = `${v.header}: «${v.value}» — строк: ${v.rows}. `;
    const why = document.createElement('span');
    why.className = 'why';
    why.textContent = v.hint;
    label.appendChild(why);
    const select = document.createElement('select');
    select.id = id;
    select.dataset.test = `map-value-${n}`;
    select.appendChild(option('', '— выберите —'));
    for (const c of v.choices) select.appendChild(option(c === null ? '∅' : c, c === null ? 'оставить пустым' : valueLabel(c)));
    select.value = v.code === null ? (v.kind === 'value' ? '∅' : '') : v.code;
    select.addEventListener('change', () => {
      const col = (state.mapping.values[v.column] ??= {});
      if (select.value === '') delete col[v.key];
      else col[v.key] = select.value === '∅' ? null : select.value;
    });
    row.appendChild(label);
    row.appendChild(select);
    vals.appendChild(row);
  });
  const missing = p.missing.filter((k) => !(k === 'category' && state.mapping.category));
  say('mapping-problems', missing.length ? `Не выбраны обязательные столбцы (${missing.map((k) => p.targets.find((t) => t.target === k)?.label ?? k).join(', ')}): выберите их в списке выше.` : null, 'warning');
}

/** The register's label of a coded value (category, sex, consent state, card status). */
const LABELS = new Map<string, string>([...CATEGORIES, ...SEXES, ...CONSENT_STATES, ...CARD_STATUSES].map((o) => [o.code, o.label]));
const valueLabel = (code: string) => LABELS.get(code) ?? code;

// ---------------------------------------------------------------------------------- wiring

function start(): void {
  el('sign-in-form').addEventListener('submit', (e) => void signIn(e));
  el('change-password-form').addEventListener('submit', (e) => void changePassword(e));
  el('sign-out').addEventListener('click', () => void signOut());
  el('org-open').addEventListener('click', () => void openChild());
  el('org-back').addEventListener('click', () => void goBack());
  el('download-template').addEventListener('click', (e) => void download('/members/template.xlsx', e.currentTarget as HTMLButtonElement));
  el('download-export').addEventListener('click', (e) => {
    const org = current();
    if (org) void download(`/organisations/${org.id}/members/export.xlsx`, e.currentTarget as HTMLButtonElement);
  });
  el('check').addEventListener('click', () => void run(true));
  el('upload').addEventListener('click', () => void run(false));
  el('file').addEventListener('change', () => {
    clearResult();
    clearMapping();
    void readMapping();
  });
  show('sign-in');
  el('login').focus();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
