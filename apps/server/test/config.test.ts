import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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
    const config = loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: `${'a'.repeat(32)},${'b'.repeat(32)}` });
    expect(config.sessionSecrets).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(config.production).toBe(true);
  });

  it('rejects a non-postgres DATABASE_URL and a negative TRUST_PROXY with clear messages', () => {
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '-1' })).toThrow(/TRUST_PROXY/);
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
