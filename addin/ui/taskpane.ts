// Minimal task pane entry: shows that the page loaded. The task pane UI replaces this file.
const app = document.getElementById('app');
if (app) app.textContent = 'Загрузка…';
Office.onReady(() => undefined);

export {};
