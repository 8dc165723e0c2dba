/**
 * What other packages (the benchmark) embed of the server: the Express app, its settings and
 * the session store. `main.ts` is the process entry point; this file starts nothing.
 */
export { createApp, type AppOptions } from './app.js';
export { loadConfig, type Config } from './config.js';
export { KyselySessionStore } from './session-store.js';
export { startServer, REQUEST_TIMEOUT_MS, type RunningServer } from './server.js';
