import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { ConfigError, loadConfig, repoRoot, settingNames } from '../src/config.js';

const base = { PULSE_DATA_DIR: path.join(process.cwd(), '.data-test') };

describe('configuration', () => {
  it('refuses to start in production without SESSION_SECRET', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required in production/);
  });

  it('refuses a production secret shorter than 32 bytes', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(ConfigError);
  });

  it('refuses a bcrypt cost below 10 in production', () => {
    expect(() =>
      loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), BCRYPT_COST: '8' }),
    ).toThrow(/BCRYPT_COST/);
  });

  it('accepts several secrets for rotation, the first one signing', () => {
    const config = loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: `${'a'.repeat(32)},${'b'.repeat(32)}` });
    expect(config.sessionSecrets).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(config.production).toBe(true);
  });

  it('rejects a non-postgres DATABASE_URL and a negative TRUST_PROXY with clear messages', () => {
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
  });

  it('the default allowed origins follow PORT and WEB_PORT (the Vite dev server)', () => {
    const config = loadConfig({ ...base, PORT: '4310', WEB_PORT: '4311' });
    expect(config.allowedOrigins).toEqual(['http://127.0.0.1:4310', 'http://localhost:4310', 'http://localhost:4311', 'http://127.0.0.1:4311']);
  });

  it('migrations use DATABASE_OWNER_URL when set, DATABASE_URL otherwise; an owner URL alone is refused', () => {
    const app = 'postgres://pulse_login@db/pulse';
    const owner = 'postgres://pulse@db/pulse';
    expect(loadConfig({ ...base, DATABASE_URL: app })).toMatchObject({ databaseUrl: app, databaseOwnerUrl: app });
    expect(loadConfig({ ...base, DATABASE_URL: app, DATABASE_OWNER_URL: owner })).toMatchObject({ databaseUrl: app, databaseOwnerUrl: owner });
    expect(() => loadConfig({ ...base, DATABASE_OWNER_URL: owner })).toThrow(/DATABASE_OWNER_URL is set without DATABASE_URL/);
  });

  it('every setting is documented in .env.example and reaches `pnpm dev` through turbo', () => {
    const example = fs.readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
    const turbo = JSON.parse(fs.readFileSync(path.join(repoRoot, 'turbo.json'), 'utf8')) as { globalPassThroughEnv: string[] };
    const passed = (name: string) => turbo.globalPassThroughEnv.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
    expect(settingNames.filter((name) => !example.includes(`${name}=`))).toEqual([]);
    expect(settingNames.filter((name) => !passed(name))).toEqual([]);
  });

  it('the server process exits with a clear message when started in production without a secret', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PULSE_DATA_DIR: base.PULSE_DATA_DIR },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Pulse cannot start: SESSION_SECRET is required in production');
  });
});
