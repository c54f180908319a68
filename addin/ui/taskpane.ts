/**
 * The task pane's entry: the only place that touches the `Office`/`Excel` globals and the page's
 * document at load time. Everything else gets what it needs from here (Excel.run, capabilities,
 * session storage, the #app element).
 */
import type { KeyValueStorage } from '../api/token-store';
import { BASELINE_CAPABILITIES, detectCapabilities } from '../excel/capabilities';
import { startTaskPane } from './app';

function showFatal(text: string): void {
  const root = document.getElementById('app');
  if (!root) return;
  root.textContent = '';
  const box = document.createElement('div');
  box.className = 'notice notice-error fatal';
  box.setAttribute('role', 'alert');
  box.textContent = text;
  root.appendChild(box);
}

function sessionStore(): KeyValueStorage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * The add-in origin's localStorage («Запомнить меня», ids of the last push); null where the web view
 * forbids it. Keys carry Office.context.partitionKey where Office gives one (Excel on the web):
 * Microsoft's «Persist add-in state and settings» asks for partitioned localStorage for private data.
 */
function persistentStore(): KeyValueStorage | null {
  let local: Storage;
  try {
    local = window.localStorage;
    if (!local) return null;
  } catch {
    return null;
  }
  let partition = '';
  try {
    partition = (Office.context as unknown as { partitionKey?: string }).partitionKey ?? '';
  } catch {
    partition = '';
  }
  if (!partition) return local;
  return {
    getItem: (k) => local.getItem(partition + k),
    setItem: (k, v) => local.setItem(partition + k, v),
    removeItem: (k) => local.removeItem(partition + k),
  };
}

if ((window as unknown as { unionRegistryBlocked?: boolean }).unionRegistryBlocked) {
  // addin/ui/boot.js found this web view too old for the pane and has already said so, with the way out.
} else if (typeof Office === 'undefined') {
  showFatal('Не удалось загрузить библиотеку Office. Проверьте подключение к интернету, закройте панель и откройте её снова.');
} else {
  void Office.onReady((info) => {
    const root = document.getElementById('app');
    if (!root) return;
    if (info.host !== Office.HostType.Excel || typeof Excel === 'undefined') {
      showFatal('Эта панель работает внутри Excel. Откройте книгу в Excel и нажмите кнопку «Реестр» на вкладке «Главная».');
      return;
    }
    let caps = BASELINE_CAPABILITIES;
    try {
      caps = detectCapabilities((set, version) => Office.context.requirements.isSetSupported(set, version));
    } catch {
      caps = BASELINE_CAPABILITIES;
    }
    startTaskPane({
      root,
      caps,
      storage: sessionStore(),
      persistent: persistentStore(),
      excelRun: (batch) => Excel.run(batch),
    });
  });
}
