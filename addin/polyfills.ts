/**
 * Loaded first by every page's bundle (webpack.config.js puts it at the head of each entry), so
 * that everything after it can rely on what Internet Explorer 11 (Trident+, volume-licensed Office
 * 2016/2019) and EdgeHTML 18 lack:
 *
 * - Promise before anything else: webpack's loader of the pane's lazily loaded views
 *   (`import('./views/…')`) creates a Promise, and so does every async function.
 * - Symbol and the iterator protocol (for…of, spread, Map/Set) — Babel's ES5 output calls them.
 * - fetch (whatwg-fetch, on XMLHttpRequest) and AbortController (the API client's time-outs).
 *
 * Each installs itself only where the web view lacks the feature: on WebView2, WKWebView and the
 * browsers of Excel on the web they do nothing. The other built-ins the code calls (Array.from,
 * Object.entries, String#includes, padStart, flatMap, Object.fromEntries…) are imported by Babel
 * next to the code that uses them (`useBuiltIns: 'usage'` in webpack.config.js).
 *
 * Not used by tests (Node has all of this); test/es5-bundles.test.ts checks the built bundles.
 */
import 'core-js/modules/es.promise.js';
import 'core-js/modules/es.promise.finally.js';
import 'core-js/modules/es.symbol.js';
import 'core-js/modules/es.symbol.description.js';
import 'core-js/modules/es.symbol.iterator.js';
import 'core-js/modules/es.array.iterator.js';
import 'core-js/modules/es.string.iterator.js';
import 'core-js/modules/web.dom-collections.iterator.js';
import 'core-js/modules/es.object.assign.js';
import 'whatwg-fetch';
import 'abortcontroller-polyfill/dist/abortcontroller-polyfill-only';

/** Tells addin/ui/boot.js that the bundle loaded and started in this web view. */
(window as unknown as { unionRegistryStarted?: boolean }).unionRegistryStarted = true;
