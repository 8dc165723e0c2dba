/**
 * What one run does: the full suite (`pnpm bench`) or the CI smoke run (`pnpm bench:smoke`,
 * a tiny dataset and sub-second load phases, never asserting targets).
 */

export interface TenantShape {
  /** 1-based position; tenant 1 is the largest. */
  ordinal: number;
  accounts: number;
  months: number;
  kpis: number;
  users: number;
}

export interface BenchOptions {
  mode: 'full' | 'smoke';
  /** BENCH_SCALE: multiplies account counts (1 = the documented dataset). */
  scale: number;
  tenants: TenantShape[];
  /** Tenant that receives the upload benchmark's accounts (its own data is left alone). */
  uploadTenant: number;
  /** bcrypt cost of every generated user and of the benchmarked server. */
  bcryptCost: number;
  uploadRows: { accounts: number; kpis: number };
  /** The streamed CSV upload: accounts × KPIs in one file (600,000 rows in full). */
  streamRows: { accounts: number; kpis: number };
  rowByRowRows: number;
  /** Rounds of each side-by-side latency measurement. */
  rounds: number;
  /** Seconds of each closed-loop ceiling and fixed-rate phase. */
  loadSeconds: number;
  loginSeconds: number;
  /** Requests per second of the list traffic that flows during the login benchmark. */
  loginListRate: number;
  connections: number;
  /** The PGlite comparison dataset has the shape of this tenant. */
  pgliteShapeOf: number;
}

const LAST_PERIOD = { year: 2026, month: 11 };

/** Periods ending at 2026-11, oldest first. */
export function periods(months: number): string[] {
  const out: string[] = [];
  for (let i = months - 1; i >= 0; i--) {
    const total = LAST_PERIOD.year * 12 + (LAST_PERIOD.month - 1) - i;
    out.push(`${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

/** The month the upload benchmark writes (after every generated period). */
export const UPLOAD_PERIOD = '2026-12';

export function parseArgs(argv: string[], env: Record<string, string | undefined>): BenchOptions {
  const smoke = argv.includes('--smoke');
  const scale = Number(env.BENCH_SCALE ?? '1');
  if (!Number.isFinite(scale) || scale <= 0 || scale > 4) throw new Error('BENCH_SCALE must be a number in (0, 4].');
  if (smoke) {
    return {
      mode: 'smoke',
      scale: 1,
      tenants: [
        { ordinal: 1, accounts: 300, months: 3, kpis: 20, users: 4 },
        { ordinal: 2, accounts: 60, months: 3, kpis: 20, users: 2 },
        { ordinal: 3, accounts: 20, months: 2, kpis: 20, users: 2 },
      ],
      uploadTenant: 3,
      bcryptCost: 4,
      uploadRows: { accounts: 50, kpis: 40 },
      streamRows: { accounts: 20, kpis: 10 },
      rowByRowRows: 200,
      rounds: 5,
      loadSeconds: 0.5,
      loginSeconds: 1,
      loginListRate: 20,
      connections: 4,
      pgliteShapeOf: 2,
    };
  }
  const accounts = (n: number) => Math.max(10, Math.round(n * scale));
  const tenants: TenantShape[] = [
    { ordinal: 1, accounts: accounts(10_000), months: 24, kpis: 60, users: 100 },
    { ordinal: 2, accounts: accounts(500), months: 12, kpis: 20, users: 2 },
  ];
  for (let t = 3; t <= 20; t++) tenants.push({ ordinal: t, accounts: accounts(20 + 10 * t), months: 6, kpis: 20, users: 2 });
  return {
    mode: 'full',
    scale,
    tenants,
    uploadTenant: 20,
    bcryptCost: 12,
    uploadRows: { accounts: 2000, kpis: 50 },
    streamRows: { accounts: 10_000, kpis: 60 },
    rowByRowRows: 10_000,
    rounds: 40,
    loadSeconds: 5,
    loginSeconds: 10,
    loginListRate: 100,
    connections: 10,
    pgliteShapeOf: 2,
  };
}

export function readingCount(t: TenantShape): number {
  return t.accounts * t.months * t.kpis;
}
