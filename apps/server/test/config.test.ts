import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { ConfigError, loadConfig, repoRoot, settingNames } from '../src/config.js';

const base = { PULSE_DATA_DIR: path.join(process.cwd(), '.data-test') };
/** 48 random bytes in base64, as `openssl rand -base64 48` prints them. */
const SECRET_A = 'q8Vh3kZ0yJ2mW7pR1tXc5bN9dF4gL6sA0eU2iO8vK3jH7nM1wQ5zY9xC4rT6uB2a';
const SECRET_B = 'Zp4Lx8Qm2Wn6Rb0Tc3Vd7Ye1Uf5Ig9Oh2Js6Kt0Lu4Mv8Nw3Ox7Py1Qz5Ra9Sb3T';

describe('configuration', () => {
  it('refuses to start in production without SESSION_SECRET', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required in production/);
  });

  it('refuses a production secret shorter than 32 bytes', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(ConfigError);
  });

  it('refuses a secret with too little variety (fewer than 16 different bytes), naming how to generate one', () => {
    for (const weak of ['x'.repeat(64), 'ab'.repeat(32), '0123456789abcde'.repeat(4)]) {
      expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: weak })).toThrow(
        'SESSION_SECRET must contain at least 16 different bytes (it looks like a repeated pattern, not a random secret) (each, when rotating several). Generate one with: openssl rand -base64 48',
      );
    }
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: `${SECRET_A},${'y'.repeat(40)}` })).toThrow(/16 different bytes/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: '0123456789abcdef'.repeat(2) }).sessionSecrets).toHaveLength(1);
  });

  it('refuses a bcrypt cost below 10 in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: SECRET_A, BCRYPT_COST: '8' })).toThrow(/BCRYPT_COST/);
  });

  it('takes SMTP settings only as an smtp(s):// URL, and API_TOKEN_KEY of at least 32 bytes', () => {
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(loadConfig({ ...base, SMTP_URL: 'smtp://mail.example.com:587', SMTP_FROM: 'Pulse <p@example.com>' }).mail).toEqual({
      url: 'smtp://mail.example.com:587',
      from: 'Pulse <p@example.com>',
    });
    expect(loadConfig(base).mail).toBeNull();
    expect(() => loadConfig({ ...base, API_TOKEN_KEY: 'short' })).toThrow(/API_TOKEN_KEY must be at least 32 bytes/);
  });

  it('accepts several secrets for rotation, the first one signing', () => {
    const config = loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: `${SECRET_A},${SECRET_B}` });
    expect(config.sessionSecrets).toEqual([SECRET_A, SECRET_B]);
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
