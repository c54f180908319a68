/**
 * The few newer built-ins the pane's code (and addin/excel's) uses that the EdgeHTML web view of
 * older Office builds lacks (the bundle's syntax is ES2017; these are ES2019 library calls).
 * Installed by the entry file before anything runs; a no-op on WebView2 and Excel on the web.
 */
export function installPolyfills(): void {
  const arr = Array.prototype as unknown as Record<string, unknown>;
  if (typeof arr.flat !== 'function') {
    Object.defineProperty(Array.prototype, 'flat', {
      configurable: true,
      writable: true,
      value: function flat(this: unknown[], depth = 1): unknown[] {
        const out: unknown[] = [];
        const walk = (xs: unknown[], d: number) => {
          for (const x of xs) {
            if (Array.isArray(x) && d > 0) walk(x, d - 1);
            else out.push(x);
          }
        };
        walk(this, depth);
        return out;
      },
    });
  }
  if (typeof arr.flatMap !== 'function') {
    Object.defineProperty(Array.prototype, 'flatMap', {
      configurable: true,
      writable: true,
      value: function flatMap(this: unknown[], fn: (v: unknown, i: number, a: unknown[]) => unknown, thisArg?: unknown): unknown[] {
        const out: unknown[] = [];
        this.forEach((v, i, a) => {
          const r = fn.call(thisArg, v, i, a);
          if (Array.isArray(r)) out.push(...r);
          else out.push(r);
        });
        return out;
      },
    });
  }
  const obj = Object as unknown as Record<string, unknown>;
  if (typeof obj.fromEntries !== 'function') {
    Object.defineProperty(Object, 'fromEntries', {
      configurable: true,
      writable: true,
      value: function fromEntries(entries: Iterable<readonly [PropertyKey, unknown]>): Record<PropertyKey, unknown> {
        const out: Record<PropertyKey, unknown> = {};
        for (const [k, v] of entries) out[k] = v;
        return out;
      },
    });
  }
}
