import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseWorkbook, type ImportRow } from '@pulse/ingest';
import { users, withTenant, type AccountStatus, type Db } from '@pulse/db';
import { registerTenant } from '../domain/tenants.js';
import { createAccount, type AccountFields, type Actor } from '../domain/accounts.js';
import { importProfiles } from '../domain/profiles.js';
import { updateRange } from '../domain/ranges.js';
import { currentPeriod, importUpload, type UploadInput } from '../domain/uploads.js';
import {
  generatedReadings,
  lastPeriods,
  pick,
  seededRandom,
  toCsv,
  trendOf,
  trendOffset,
  variedRaw,
  type CsvReading,
  type Random,
} from './readings.js';
import { seedWorkload } from './workload.js';

export const DEMO_PASSWORD = 'pulse-demo-2026';

export const demoLogins = [
  { email: 'admin@northwind.example', role: 'admin', tenant: 'Northwind CS' },
  { email: 'member@northwind.example', role: 'member', tenant: 'Northwind CS' },
  { email: 'admin@globex.example', role: 'admin', tenant: 'Globex Success' },
] as const;

/** The sample files that ship in the repository (packages/db/seed/samples). */
const SAMPLES = fileURLToPath(new URL('../../../db/seed/samples/', import.meta.url));
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Months of KPI history: the sample workbooks' accounts, the other Northwind accounts, Globex's accounts. */
const SAMPLE_MONTHS = 12;
const NORTHWIND_MONTHS = 12;
const GLOBEX_MONTHS = 6;

const NAME_PARTS = ['Amber', 'Birch', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen'];
const INDUSTRIES = [
  ['Analytics', 'Technology'],
  ['Freight', 'Logistics'],
  ['Health', 'Healthcare'],
  ['Retail', 'Retail'],
  ['Foods', 'Food & Beverage'],
  ['Energy', 'Energy'],
  ['Bank', 'Financial Services'],
] as const;
/** 84 Northwind accounts besides the profile workbook's 36 and the 18 sample workbooks' accounts. */
const NORTHWIND_ACCOUNTS = INDUSTRIES.flatMap(([suffix, industry]) => NAME_PARTS.map((part) => ({ name: `${part} ${suffix}`, industry })));
const GLOBEX_ACCOUNTS = [
  { name: 'Orbit Freight Co', industry: 'Logistics' },
  { name: 'Larkspur Clinics', industry: 'Healthcare' },
  { name: 'Quarry Point Mining', industry: 'Mining' },
  { name: 'Helio Retail Group', industry: 'Retail' },
  { name: 'Tidewater Savings Bank', industry: 'Financial Services' },
  { name: 'Summit Learning', industry: 'Education' },
];

const TIERS = ['Enterprise', 'Mid-Market', 'SMB', 'Strategic'];
const REGIONS = ['North America', 'Europe', 'Asia Pacific', 'Latin America', 'Middle East'];
const OWNERS = ['Emma Schmidt', 'Sarah Johnson', 'Carlos Kumar', 'Priya Patel', 'Tom Anderson'];
const STAGES = ['Onboarding', 'Adoption', 'Growth', 'Renewal', 'Expansion'];

/** Mostly active accounts, a few in other states. */
const STATUSES: AccountStatus[] = ['active', 'active', 'active', 'active', 'active', 'active', 'onboarding', 'at_risk', 'paused'];

function accountFields(account: { name: string; industry: string }, random: Random): Partial<AccountFields> & { name: string } {
  const renewal = new Date(Date.now() + Math.floor(15 + random() * 350) * 86_400_000);
  return {
    ...account,
    status: pick(random, STATUSES),
    tier: pick(random, TIERS),
    region: pick(random, REGIONS),
    csmOwner: pick(random, OWNERS),
    lifecycleStage: pick(random, STAGES),
    revenue: Math.round(25 + random() * 2475) * 1000,
    renewalDate: renewal.toISOString().slice(0, 10),
  };
}

/** Creates the accounts in the caller's transaction; returns the names of all the tenant's accounts. */
async function createAccounts(tx: Db, actor: Actor, accounts: { name: string; industry: string }[], random: Random): Promise<string[]> {
  for (const account of accounts) await createAccount(tx, actor, accountFields(account, random));
  const rows = await tx.selectFrom('accounts').select('accounts.name').where('accounts.tenant_id', '=', actor.tenantId).orderBy('accounts.name_key').execute();
  return rows.map((a) => a.name);
}

/** Uploads a file through the upload pipeline, as a procedure would; a rejected demo file is a bug. */
async function upload(db: Db, actor: Actor, input: Omit<UploadInput, 'contentType'>): Promise<void> {
  const contentType = input.filename.endsWith('.csv') ? 'text/csv' : XLSX;
  const { report } = await withTenant(db, actor.tenantId, (tx) => importUpload(tx, actor, { ...input, contentType }));
  if (report.status !== 'accepted') throw new Error(`Demo upload ${input.filename} was rejected: ${JSON.stringify(report.problems)}`);
}

/**
 * Readings for accounts without a workbook over the given months: each account keeps a level
 * (a score between 40 and 95) and follows its trend in the last months.
 */
function generatedHistory(names: string[], periods: string[], random: Random): Map<string, CsvReading[]> {
  const byPeriod = new Map(periods.map((p) => [p, [] as CsvReading[]]));
  for (const [i, name] of names.entries()) {
    const level = 40 + random() * 55;
    for (const [j, period] of periods.entries()) {
      const score = level + 50 * trendOffset(trendOf(i), periods.length - 1 - j);
      byPeriod.get(period)?.push(...generatedReadings(name, period, score, random));
    }
  }
  return byPeriod;
}

/** A sample account's readings for a month before its workbook's: the workbook values, moved by its trend and some noise. */
function sampleHistory(rows: ImportRow[], index: number, period: string, monthsAgo: number, random: Random): CsvReading[] {
  const month = trendOffset(trendOf(index), monthsAgo) + (random() - 0.5) * 0.08;
  return rows.map((r) => ({
    account: r.account,
    period,
    category: r.category,
    kpi: r.kpi,
    raw: variedRaw(r.raw, r.kpi, month + (random() - 0.5) * 0.06),
    impact: r.impact,
  }));
}

async function seedNorthwind(db: Db, actor: Actor): Promise<void> {
  const random = seededRandom(2026);
  const profiles = await withTenant(db, actor.tenantId, (tx) => importProfiles(tx, actor, fs.readFileSync(`${SAMPLES}customer-profile.xlsx`)));
  if (profiles.status !== 'accepted') throw new Error(`The demo profile workbook was rejected: ${JSON.stringify(profiles.problems)}`);
  const accountNames = await withTenant(db, actor.tenantId, (tx) => createAccounts(tx, actor, NORTHWIND_ACCOUNTS, random));

  const period = currentPeriod();
  const workbooks = await Promise.all(
    fs
      .readdirSync(`${SAMPLES}workbooks`)
      .filter((f) => f.endsWith('.xlsx'))
      .sort()
      .map(async (filename) => {
        const bytes = fs.readFileSync(`${SAMPLES}workbooks/${filename}`);
        return { filename, bytes, rows: (await parseWorkbook(bytes, { period })).rows };
      }),
  );
  const periods = lastPeriods(SAMPLE_MONTHS);
  const generated = generatedHistory(accountNames, periods.slice(-NORTHWIND_MONTHS), random);
  for (const [j, month] of periods.entries()) {
    const monthsAgo = periods.length - 1 - j;
    const readings = [
      ...(monthsAgo > 0 ? workbooks.flatMap((w, i) => sampleHistory(w.rows, i, month, monthsAgo, random)) : []),
      ...(generated.get(month) ?? []),
    ];
    if (readings.length) await upload(db, actor, { filename: `northwind-kpis-${month}.csv`, bytes: toCsv(readings) });
  }
  for (const w of workbooks) await upload(db, actor, { filename: w.filename, bytes: w.bytes, period });
}

async function seedGlobex(db: Db, actor: Actor): Promise<void> {
  const random = seededRandom(4242);
  await withTenant(db, actor.tenantId, (tx) =>
    updateRange(tx, actor, 'Net Promoter Score (NPS)', { higherIsBetter: true, scaleMin: -100, riskThreshold: 20, healthyThreshold: 60, scaleMax: 100 }),
  );
  const names = await withTenant(db, actor.tenantId, (tx) => createAccounts(tx, actor, GLOBEX_ACCOUNTS, random));
  const history = generatedHistory(names, lastPeriods(GLOBEX_MONTHS), random);
  for (const [month, readings] of history) await upload(db, actor, { filename: `globex-kpis-${month}.csv`, bytes: toCsv(readings) });
}

/**
 * Loads the demo tenants once: does nothing when any tenant exists. Returns whether it seeded.
 * Northwind gets the sample profile workbook, 12 months of KPI uploads for the sample workbooks'
 * accounts (the real workbooks for the current month, CSVs derived from them before), and 84
 * more accounts; those and the profile accounts get four months of readings. Globex gets six
 * accounts with six months of readings and one range override. Everything is uploaded by the
 * tenant's admin through the same domain functions the procedures call. Northwind's demo users
 * then get their books of accounts, renewals and tasks (workload.ts).
 */
export async function seedDemoData(db: Db, bcryptCost: number): Promise<boolean> {
  const existing = await db.selectFrom('tenants').select('tenants.id').limit(1).executeTakeFirst();
  if (existing) return false;
  const northwind = await registerTenant(
    db,
    { organisationName: 'Northwind CS', name: 'Nora Admin', email: 'admin@northwind.example', password: DEMO_PASSWORD },
    bcryptCost,
    null,
  );
  const member = await withTenant(db, northwind.tenant.id, (tx) =>
    users.createUser(
      tx,
      { tenantId: northwind.tenant.id, email: 'member@northwind.example', name: 'Max Member', role: 'member', password: DEMO_PASSWORD },
      bcryptCost,
    ),
  );
  const globex = await registerTenant(
    db,
    { organisationName: 'Globex Success', name: 'Gina Admin', email: 'admin@globex.example', password: DEMO_PASSWORD },
    bcryptCost,
    null,
  );
  await seedNorthwind(db, { tenantId: northwind.tenant.id, userId: northwind.user.id, ip: null });
  await seedWorkload(db, { tenantId: northwind.tenant.id, userId: northwind.user.id, ip: null }, member.id);
  await seedGlobex(db, { tenantId: globex.tenant.id, userId: globex.user.id, ip: null });
  return true;
}
