import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * `pnpm dev`: Vite listens on WEB_PORT (default 5173) and proxies /api to the API server on
 * HOST:PORT (default 127.0.0.1:3000), the same variables the server reads (see .env.example).
 */
const apiHost = !process.env.HOST || process.env.HOST === '0.0.0.0' || process.env.HOST === '::' ? '127.0.0.1' : process.env.HOST;
const apiPort = process.env.PORT || '3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.WEB_PORT || 5173),
    strictPort: true,
    proxy: { '/api': `http://${apiHost}:${apiPort}` },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
