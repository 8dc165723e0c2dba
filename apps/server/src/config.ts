import fs from 'node:fs';
import path from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every setting comes from the environment, validated here at start (see .env.example). */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  PULSE_DATA_DIR: z.string().min(1).optional(),
  SESSION_SECRET: z.string().optional(),
  API_TOKEN_KEY: z.string().optional().or(z.literal('').transform(() => undefined)),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).optional(),
  PULSE_DEMO_DATA: bool.optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  PULSE_WEB_DIST: z.string().optional(),
  PULSE_JOBS: bool.optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  SMTP_FROM: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  production: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  poolSize: number;
  dataDir: string;
  sessionSecrets: string[];
  /** Key of the keyed hash API tokens are stored under. */
  tokenKey: string;
  trustProxy: number;
  bcryptCost: number;
  demoData: boolean;
  allowedOrigins: string[];
  webDist: string;
  logLevel: string;
  /** Run the scheduled jobs (job queue workers) in this process. */
  jobs: boolean;
  /** Outgoing email (SMTP_URL, SMTP_FROM); null sends none. */
  mail: { url: string; from: string } | null;
}

export class ConfigError extends Error {}

/** Dev secret: generated once and kept in the (git-ignored) data folder so restarts keep sessions. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const dataDir = path.resolve(e.PULSE_DATA_DIR ?? path.join(repoRoot, '.data'));

  let sessionSecrets: string[];
  if (e.SESSION_SECRET) {
    sessionSecrets = e.SESSION_SECRET.split(',').map((s) => s.trim()).filter(Boolean);
    const weak = sessionSecrets.find((s) => Buffer.byteLength(s) < 32);
    if (weak !== undefined) throw new ConfigError('SESSION_SECRET must be at least 32 bytes (each, when rotating several).');
  } else if (production) {
    throw new ConfigError(
      'SESSION_SECRET is required in production (at least 32 bytes). Generate one with: node -e "console.log(require(\'crypto\').randomBytes(48).toString(\'base64url\'))"',
    );
  } else {
    sessionSecrets = [developmentSecret(dataDir)];
  }

  if (e.API_TOKEN_KEY !== undefined && Buffer.byteLength(e.API_TOKEN_KEY) < 32) throw new ConfigError('API_TOKEN_KEY must be at least 32 bytes.');
  const tokenKey = e.API_TOKEN_KEY ?? createHmac('sha256', sessionSecrets[0] as string).update('pulse api token key').digest('base64url');

  const bcryptCost = e.BCRYPT_COST ?? 12;
  if (production && bcryptCost < 10) throw new ConfigError('BCRYPT_COST must be at least 10 in production.');
  if (e.NODE_ENV === 'development' && bcryptCost < 10) throw new ConfigError('BCRYPT_COST below 10 is allowed in tests only.');

  const selfOrigin = `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`;
  const allowedOrigins = e.ALLOWED_ORIGINS
    ? e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)
    : production
      ? []
      : [selfOrigin, `http://localhost:${e.PORT}`, 'http://localhost:5173', 'http://127.0.0.1:5173'];

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    poolSize: e.DATABASE_POOL_SIZE,
    dataDir,
    sessionSecrets,
    tokenKey,
    trustProxy: e.TRUST_PROXY,
    bcryptCost,
    demoData: e.PULSE_DEMO_DATA ?? !production,
    allowedOrigins,
    webDist: path.resolve(e.PULSE_WEB_DIST ?? path.join(repoRoot, 'apps/web/dist')),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    jobs: e.PULSE_JOBS ?? true,
    mail: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM || 'Pulse <pulse@localhost>' } : null,
  };
}
