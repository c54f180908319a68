/*
 * The task pane's first script: plain ES3 (no let/const, arrows, classes or newer built-ins), so that
 * every web view Office may use runs it — Internet Explorer 11 (Trident+) of volume-licensed Office
 * 2016/2019, EdgeHTML 18, WebView2, WKWebView, the browsers of Excel on the web. It is copied to
 * dist/ as it is (never bundled) and loaded before the pane's bundle.
 *
 * Its only job: the chair never looks at an empty pane or at «Загрузка…» that never ends. When the
 * web view cannot run the pane — too old for it, or the bundle failed to load or threw before it
 * started — it says so at once, in Russian, with what to do instead: the upload page of the same
 * server works in any browser. The bundle sets window.unionRegistryStarted first thing
 * (addin/polyfills.ts), which is how this script knows it started.
 */
(function () {
  var shown = false;

  function started() {
    return window.unionRegistryStarted === true;
  }

  /** Features the pane's bundle relies on and cannot polyfill (IE 10 and older document modes lack them). */
  function missingFeature() {
    if (typeof window.JSON !== 'object' || typeof JSON.parse !== 'function') return 'JSON';
    if (typeof document.addEventListener !== 'function') return 'addEventListener';
    if (typeof window.XMLHttpRequest === 'undefined') return 'XMLHttpRequest';
    if (!('classList' in document.createElement('div'))) return 'classList';
    if (typeof Object.defineProperty !== 'function' || typeof Object.create !== 'function') return 'Object.defineProperty';
    if (typeof window.Uint8Array === 'undefined') return 'Uint8Array';
    return null;
  }

  function absolute(relative) {
    var a = document.createElement('a');
    a.href = relative;
    return a.href;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.appendChild(document.createTextNode(text));
    return el;
  }

  function show(title, why) {
    if (shown || started()) return;
    var root = document.getElementById('app');
    if (!root) return;
    shown = true;
    while (root.firstChild) root.removeChild(root.firstChild);
    var uploadUrl = absolute('upload.html');
    var box = element('div', 'notice notice-error fatal boot-fatal');
    box.setAttribute('role', 'alert');
    box.setAttribute('data-test', 'boot-fatal');
    box.appendChild(element('p', 'notice-title', title));
    box.appendChild(element('p', null, why));
    box.appendChild(
      element(
        'p',
        null,
        'Что делать сейчас: загрузите список членов через страницу загрузки — она работает в любом браузере (Edge, Chrome, Яндекс Браузер, Firefox). ' +
          'Скачайте там шаблон, заполните его в Excel и загрузите файл — получите ту же книгу с отмеченными ошибками.'
      )
    );
    var p = element('p', null, 'Страница загрузки: ');
    var link = element('a', null, uploadUrl);
    link.href = uploadUrl;
    link.target = '_blank';
    link.setAttribute('data-test', 'boot-upload-link');
    p.appendChild(link);
    box.appendChild(p);
    box.appendChild(
      element(
        'p',
        'muted',
        'Панель работает в Excel 2019 (и корпоративном), 2021, 2024, Microsoft 365 и Excel в браузере. ' +
          'Если так каждый раз — покажите это сообщение тому, кто обслуживает компьютеры: проверьте, что Office и Internet Explorer 11 обновлены, а прокси пропускает адрес сервера реестра.'
      )
    );
    root.appendChild(box);
  }

  var missing = missingFeature();
  if (missing) {
    window.unionRegistryBlocked = true;
    var old = function () {
      show('Панель реестра не может работать в этой версии Excel', 'Встроенный браузер Excel на этом компьютере слишком старый (нет ' + missing + ').');
    };
    if (document.getElementById('app')) old();
    else document.onreadystatechange = function () { if (document.readyState !== 'loading') old(); };
    return;
  }

  // An error before the bundle started: it could not be parsed or failed while starting.
  var previous = window.onerror;
  window.onerror = function (message, source, line, column, error) {
    if (!started()) show('Панель реестра не запустилась', 'Программа панели не запустилась во встроенном браузере этого Excel (ошибка при запуске).');
    if (typeof previous === 'function') return previous(message, source, line, column, error);
    return false;
  };
  // The page and its scripts have loaded, yet the bundle never ran: it did not load (network, proxy).
  window.addEventListener('load', function () {
    if (!started()) show('Панель реестра не загрузилась', 'Программа панели не загрузилась. Проверьте подключение к интернету, закройте панель и откройте её снова.');
  });
})();
