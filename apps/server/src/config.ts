import fs from 'node:fs';
import path from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  .optional()
  .or(z.literal('').transform(() => undefined));

/** Every setting comes from the environment, validated here at start (see .env.example). */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WEB_PORT: z.coerce.number().int().min(1).max(65535).default(5173),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: postgresUrl,
  DATABASE_OWNER_URL: postgresUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  PULSE_DATA_DIR: z.string().min(1).optional(),
  SESSION_SECRET: z.string().optional(),
  API_TOKEN_KEY: z
    .string()
    .optional()
    .or(z.literal('').transform(() => undefined)),
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

/** The names of every setting (each is documented in .env.example and passed through by turbo). */
export const settingNames = Object.keys(envSchema.shape);

export interface Config {
  production: boolean;
  port: number;
  host: string;
  /** What the running app logs in with (it then works as pulse_app). */
  databaseUrl: string | undefined;
  /** What migrations and the demo seed run with: DATABASE_OWNER_URL, else DATABASE_URL. */
  databaseOwnerUrl: string | undefined;
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

const MIN_SECRET_BYTES = 32;
const MIN_SECRET_DISTINCT_BYTES = 16;
const GENERATE_SECRET = 'Generate one with: openssl rand -base64 48';

/** Why a session secret is too weak to sign cookies, or null when it is strong enough. */
function secretWeakness(secret: string): string | null {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes`;
  if (new Set(bytes).size < MIN_SECRET_DISTINCT_BYTES)
    return `must contain at least ${MIN_SECRET_DISTINCT_BYTES} different bytes (it looks like a repeated pattern, not a random secret)`;
  return null;
}

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
  if (e.DATABASE_OWNER_URL && !e.DATABASE_URL) {
    throw new ConfigError('DATABASE_OWNER_URL is set without DATABASE_URL: set DATABASE_URL to the login the app works with.');
  }
  const dataDir = path.resolve(e.PULSE_DATA_DIR ?? path.join(repoRoot, '.data'));

  let sessionSecrets: string[];
  if (e.SESSION_SECRET) {
    sessionSecrets = e.SESSION_SECRET.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const weakness = sessionSecrets.map(secretWeakness).find((w) => w !== null);
    if (weakness) throw new ConfigError(`SESSION_SECRET ${weakness} (each, when rotating several). ${GENERATE_SECRET}`);
  } else if (production) {
    throw new ConfigError(`SESSION_SECRET is required in production (at least ${MIN_SECRET_BYTES} bytes). ${GENERATE_SECRET}`);
  } else {
    sessionSecrets = [developmentSecret(dataDir)];
  }

  if (e.API_TOKEN_KEY !== undefined && Buffer.byteLength(e.API_TOKEN_KEY) < 32) throw new ConfigError('API_TOKEN_KEY must be at least 32 bytes.');
  const tokenKey =
    e.API_TOKEN_KEY ??
    createHmac('sha256', sessionSecrets[0] as string)
      .update('pulse api token key')
      .digest('base64url');

  const bcryptCost = e.BCRYPT_COST ?? 12;
  if (production && bcryptCost < 10) throw new ConfigError('BCRYPT_COST must be at least 10 in production.');
  if (e.NODE_ENV === 'development' && bcryptCost < 10) throw new ConfigError('BCRYPT_COST below 10 is allowed in tests only.');

  const selfOrigin = `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`;
  const allowedOrigins = e.ALLOWED_ORIGINS
    ? e.ALLOWED_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean)
    : production
      ? []
      : [selfOrigin, `http://localhost:${e.PORT}`, `http://localhost:${e.WEB_PORT}`, `http://127.0.0.1:${e.WEB_PORT}`];

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL ?? e.DATABASE_URL,
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
