/**
 * The commands page (manifest <FunctionFile>). The only ribbon button opens the task pane
 * (ShowTaskpane), so no function is registered with Office.actions.associate yet; a future
 * ExecuteFunction button's <FunctionName> must be associated here, inside Office.onReady.
 */
Office.onReady(() => undefined);

export {};
