export { appRouter, type AppRouter } from './router.js';
export { createCallerFactory } from './trpc.js';
export * from './context.js';
export * from './session-policy.js';
export * from './errors.js';
export { seedDemoData, demoLogins, DEMO_PASSWORD } from './demo/seed.js';
export { getUploadFile } from './domain/uploads.js';
export { exportTenant, exportFilename, recordExport } from './domain/export.js';
export { tokenThrottle, TOKEN_PREFIX } from './domain/tokens.js';
