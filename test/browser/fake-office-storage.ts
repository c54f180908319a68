/**
 * Runs in the page after test/browser/fake-office.ts and gives the fake host every place where an
 * add-in could keep something inside the workbook or the Office host, each one RECORDING what is
 * written to it (nothing is ever thrown away):
 * - `Office.context.document.settings` (get/set/remove/saveAsync/refreshAsync) — saved inside the file;
 * - `Office.context.document.customXmlParts.addAsync` — saved inside the file;
 * - `context.workbook.settings` (Excel.SettingCollection: add, getItem, getItemOrNullObject) and
 *   `context.workbook.properties` (document properties, with `custom.add`) of the fake Excel;
 * - `OfficeRuntime.storage` (setItem/setItems/getItem/removeItem) — the shared runtime's storage.
 * The test reads the records through `window.__storageRecords` (every call: where, key, value).
 */

// A module (not a script), so its names do not clash with fake-office-extra.ts in the type check.
export {};

interface StorageRecord {
  where: string;
  key: string;
  value: unknown;
}

interface Win {
  __fakeHost?: { excel: { newContext(): unknown } };
  __storageRecords?: StorageRecord[];
  Office?: { context: Record<string, unknown> };
  OfficeRuntime?: unknown;
}

const w = globalThis as unknown as Win;

function install(): void {
  const host = w.__fakeHost;
  if (!host || !w.Office) throw new Error('fake-office-storage: load fake-office.ts first');
  const records: StorageRecord[] = [];
  w.__storageRecords = records;
  const rec = (where: string, key: string, value: unknown): void => {
    records.push({ where, key, value });
  };
  const done = (callback?: (r: { status: string; value?: unknown }) => void, value?: unknown): void => {
    setTimeout(() => callback?.({ status: 'succeeded', value }), 0);
  };

  // ------------------------------------------------------------ Office.context.document
  const docSettings = new Map<string, unknown>();
  const document = (w.Office.context.document ??= {}) as Record<string, unknown>;
  document.settings = {
    get: (name: string) => (docSettings.has(name) ? docSettings.get(name) : null),
    set: (name: string, value: unknown) => {
      rec('document.settings', name, value);
      docSettings.set(name, value);
    },
    remove: (name: string) => {
      rec('document.settings.remove', name, null);
      docSettings.delete(name);
    },
    saveAsync: (optionsOrCallback?: unknown, callback?: (r: { status: string }) => void) => {
      rec('document.settings.saveAsync', '', Object.fromEntries(docSettings));
      done(typeof optionsOrCallback === 'function' ? (optionsOrCallback as (r: { status: string }) => void) : callback);
    },
    refreshAsync: (callback?: (r: { status: string }) => void) => done(callback),
    addHandlerAsync: (_type: unknown, _handler: unknown, callback?: (r: { status: string }) => void) => done(callback),
  };
  document.customXmlParts = {
    addAsync: (xml: string, optionsOrCallback?: unknown, callback?: (r: { status: string }) => void) => {
      rec('document.customXmlParts', '', xml);
      done(typeof optionsOrCallback === 'function' ? (optionsOrCallback as (r: { status: string }) => void) : callback);
    },
    getByNamespaceAsync: (_ns: string, optionsOrCallback?: unknown, callback?: (r: { status: string; value?: unknown }) => void) =>
      done(typeof optionsOrCallback === 'function' ? (optionsOrCallback as (r: { status: string; value?: unknown }) => void) : callback, []),
  };

  // ------------------------------------------------------------ workbook.settings and workbook.properties
  const ctx = host.excel.newContext() as { workbook: object };
  const WORKBOOK = Object.getPrototypeOf(ctx.workbook) as object;
  const wbSettings = new Map<string, unknown>();
  const settingProxy = (key: string) => ({
    key,
    get value() {
      return wbSettings.get(key) ?? null;
    },
    set value(v: unknown) {
      rec('workbook.settings', key, v);
      wbSettings.set(key, v);
    },
    isNullObject: false,
    load() {
      return this;
    },
    delete() {
      rec('workbook.settings.delete', key, null);
      wbSettings.delete(key);
    },
  });
  const settingCollection = {
    add(key: string, value: unknown) {
      rec('workbook.settings', key, value);
      wbSettings.set(key, value);
      return settingProxy(key);
    },
    getItem: (key: string) => settingProxy(key),
    getItemOrNullObject: (key: string) => (wbSettings.has(key) ? settingProxy(key) : { isNullObject: true, load: () => undefined }),
    load() {
      return this;
    },
    get items() {
      return [...wbSettings.keys()].map(settingProxy);
    },
  };
  const custom = new Map<string, unknown>();
  const customCollection = {
    add(key: string, value: unknown) {
      rec('workbook.properties.custom', key, value);
      custom.set(key, value);
    },
    getItem: (key: string) => ({ key, value: custom.get(key), load: () => undefined, delete: () => custom.delete(key) }),
    getItemOrNullObject: (key: string) => ({ key, value: custom.get(key), isNullObject: !custom.has(key), load: () => undefined }),
    deleteAll: () => custom.clear(),
    load() {
      return this;
    },
    get items() {
      return [...custom.entries()].map(([key, value]) => ({ key, value }));
    },
  };
  // Document properties (title, author, comments, keywords, …): any write is recorded.
  const docProps: Record<string, unknown> = { custom: customCollection, load: () => undefined };
  const properties = new Proxy(docProps, {
    set(target, prop, value) {
      rec('workbook.properties', String(prop), value);
      target[String(prop)] = value;
      return true;
    },
  });
  Object.defineProperty(WORKBOOK, 'settings', { configurable: true, get: () => settingCollection });
  Object.defineProperty(WORKBOOK, 'properties', { configurable: true, get: () => properties });

  // ------------------------------------------------------------ OfficeRuntime.storage
  const runtime = new Map<string, string>();
  w.OfficeRuntime = {
    storage: {
      getItem: async (key: string) => runtime.get(key) ?? null,
      setItem: async (key: string, value: string) => {
        rec('OfficeRuntime.storage', key, value);
        runtime.set(key, value);
      },
      setItems: async (items: Record<string, string>) => {
        for (const [k, v] of Object.entries(items)) {
          rec('OfficeRuntime.storage', k, v);
          runtime.set(k, v);
        }
      },
      removeItem: async (key: string) => void runtime.delete(key),
      removeItems: async (keys: string[]) => keys.forEach((k) => runtime.delete(k)),
      getItems: async (keys: string[]) => Object.fromEntries(keys.map((k) => [k, runtime.get(k) ?? null])),
      getKeys: async () => [...runtime.keys()],
    },
  };
}

install();
