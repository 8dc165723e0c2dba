import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function devServer() {
  const { default: config } = await import('../vite.config.js');
  return config.server;
}

describe('pnpm dev', () => {
  it('proxies /api to 127.0.0.1:3000 and listens on 5173 by default', async () => {
    vi.stubEnv('PORT', '');
    vi.stubEnv('WEB_PORT', '');
    vi.stubEnv('HOST', '');
    expect(await devServer()).toEqual({ port: 5173, strictPort: true, proxy: { '/api': 'http://127.0.0.1:3000' } });
  });

  it('PORT and HOST move the proxy target with the API; WEB_PORT moves Vite', async () => {
    vi.stubEnv('PORT', '4310');
    vi.stubEnv('WEB_PORT', '4311');
    vi.stubEnv('HOST', '0.0.0.0');
    expect(await devServer()).toEqual({ port: 4311, strictPort: true, proxy: { '/api': 'http://127.0.0.1:4310' } });
    vi.resetModules();
    vi.stubEnv('HOST', '127.0.0.2');
    expect((await devServer())?.proxy).toEqual({ '/api': 'http://127.0.0.2:4310' });
  });
});
