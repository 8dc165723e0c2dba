import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseWorkbook, type ImportRow } from '@pulse/ingest';
import { sql } from 'kysely';
import { users, withTenant, type AccountStatus, type Db } from '@pulse/db';
import { registerTenant } from '../domain/tenants.js';
import { createAccount, type AccountFields, type Actor } from '../domain/accounts.js';
import { importProfiles } from '../domain/profiles.js';
import { updateRange } from '../domain/ranges.js';
import { currentPeriod, importUpload, type UploadInput } from '../domain/uploads.js';
import { generatedReadings, lastPeriods, pick, seededRandom, toCsv, trendOf, trendOffset, variedRaw, type CsvReading, type Random } from './readings.js';
import { seedWorkload } from './workload.js';
import { seedMemory } from './memory.js';
import { seedOutcomes } from './outcomes.js';
import { seedSegments } from './segments.js';

export const DEMO_PASSWORD = 'pulse-demo-2026';

export const demoLogins = [
  { email: 'admin@northwind.example', role: 'admin', tenant: 'Northwind CS' },
  { email: 'member@northwind.example', role: 'member', tenant: 'Northwind CS' },
  { email: 'admin@globex.example', role: 'admin', tenant: 'Globex Success' },
] as const;

/**
 * The sample files that ship in the repository (packages/db/seed/samples), found through the
 * installed @pulse/db package: from the sources and from the server's compiled build alike.
 */
const SAMPLES = path.join(path.dirname(createRequire(import.meta.url).resolve('@pulse/db/package.json')), 'seed/samples/');
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

async function seedNorthwind(db: Db, actor: Actor, bcryptCost: number): Promise<void> {
  const random = seededRandom(2026);
  const member = await withTenant(db, actor.tenantId, (tx) =>
    users.createUser(
      tx,
      { tenantId: actor.tenantId, email: 'member@northwind.example', name: 'Max Member', role: 'member', password: DEMO_PASSWORD },
      bcryptCost,
    ),
  );
  const profiles = await withTenant(db, actor.tenantId, (tx) => importProfiles(tx, actor, fs.readFileSync(`${SAMPLES}customer-profile.xlsx`)));
  if (profiles.status !== 'accepted') throw new Error(`The demo profile workbook was rejected: ${JSON.stringify(profiles.problems)}`);
  const accountNames = await withTenant(db, actor.tenantId, (tx) => createAccounts(tx, actor, NORTHWIND_ACCOUNTS, random));
  await withTenant(db, actor.tenantId, (tx) => seedSegments(tx, actor));

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
  await seedWorkload(db, actor, member.id);
  await seedMemory(db, { ...actor, userId: actor.userId as string }, member.id);
  await seedOutcomes(db, actor);
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

export interface LoadedDemoTenant {
  name: string;
  users: number;
  accounts: number;
  uploads: number;
  readings: number;
}

const DEMO_TENANTS = [
  { organisationName: 'Northwind CS', name: 'Nora Admin', email: 'admin@northwind.example', load: seedNorthwind },
  { organisationName: 'Globex Success', name: 'Gina Admin', email: 'admin@globex.example', load: seedGlobex },
];

/** The tenant's rows, counted inside its transaction (for the start-up log). */
async function countsOf(db: Db, tenantId: string): Promise<Omit<LoadedDemoTenant, 'name'>> {
  const { rows } = await sql<Omit<LoadedDemoTenant, 'name'>>`
    SELECT (SELECT count(*) FROM users WHERE tenant_id = ${tenantId})::int AS users,
      (SELECT count(*) FROM accounts WHERE tenant_id = ${tenantId})::int AS accounts,
      (SELECT count(*) FROM kpi_uploads WHERE tenant_id = ${tenantId})::int AS uploads,
      (SELECT count(*) FROM kpi_readings WHERE tenant_id = ${tenantId})::int AS readings
  `.execute(db);
  return rows[0] as Omit<LoadedDemoTenant, 'name'>;
}

/**
 * Loads the demo tenants into a database that holds no other organisation, each tenant in one
 * transaction: a start interrupted while loading leaves that tenant out entirely, and the next
 * start loads the ones missing (a demo tenant is there when its admin is). Returns the tenants
 * it loaded (none when the demo is complete or the database has other organisations) and says
 * each step through onStep.
 * Northwind gets the sample profile workbook, 12 months of KPI uploads for the sample workbooks'
 * accounts (the real workbooks for the current month, CSVs derived from them before), and 84
 * more accounts; those and the profile accounts get four months of readings. Globex gets six
 * accounts with six months of readings and one range override. Everything is uploaded by the
 * tenant's admin through the same domain functions the procedures call. Northwind's demo users
 * then get their books of accounts, renewals and tasks (workload.ts), and the first accounts
 * of the member's book notes and manager sentiment (memory.ts).
 * then get their books of accounts, renewals and tasks (workload.ts), and a quarter of the other
 * accounts recorded renewal outcomes that follow their health history (outcomes.ts).
 */
export async function seedDemoData(db: Db, bcryptCost: number, onStep: (message: string) => void = () => undefined): Promise<LoadedDemoTenant[]> {
  const emails = DEMO_TENANTS.map((t) => t.email);
  const other = await db
    .selectFrom('tenants')
    .select('tenants.id')
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.tenant_id', '=', 'tenants.id').where('users.email', 'in', emails))),
    )
    .limit(1)
    .executeTakeFirst();
  if (other) return [];
  const present = new Set((await db.selectFrom('users').select('users.email').where('users.email', 'in', emails).execute()).map((u) => u.email));
  const loaded: LoadedDemoTenant[] = [];
  for (const { load, ...registration } of DEMO_TENANTS.filter((t) => !present.has(t.email))) {
    const name = registration.organisationName;
    onStep(`Loading demo tenant ${name}...`);
    const counts = await db.transaction().execute(async (tx) => {
      const { tenant, user } = await registerTenant(tx, { ...registration, password: DEMO_PASSWORD }, bcryptCost, null);
      await load(tx, { tenantId: tenant.id, userId: user.id, ip: null }, bcryptCost);
      return withTenant(tx, tenant.id, (scoped) => countsOf(scoped, tenant.id));
    });
    loaded.push({ name, ...counts });
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    onStep(
      `Loaded demo tenant ${name}: ${count(counts.users, 'user')}, ${count(counts.accounts, 'account')}, ` +
        `${count(counts.uploads, 'upload')}, ${count(counts.readings, 'KPI reading')}.`,
    );
  }
  return loaded;
}
