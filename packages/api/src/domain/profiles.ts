import { sql } from 'kysely';
import { parseCustomerProfilesInWorker, type CustomerProfile, type CustomerProfilesResult, type StructuralProblem, type WorkerReply } from '@pulse/ingest';
import { accountStatuses, withTenant, type AccountStatus, type Db } from '@pulse/db';
import { uploadedFile } from '../validation.js';
import { withImportSlot } from './import-gate.js';
import { accountNameKey, ensureProducts, type Actor } from './accounts.js';
import { placeAccounts } from './segments.js';
import { recordActivity } from './activity.js';
import { mapOwners } from './owners.js';

export type ProfileImportResult =
  { status: 'accepted'; created: number; updated: number; products: number } | { status: 'rejected'; problems: StructuralProblem[] };

const PROFILE_SHEET = 'Customer Profile Input';

/** The profile workbook's status ('at-risk', 'Churned') as an account status ('at_risk', 'churned'); null when it is none. */
function accountStatus(status: string): AccountStatus | null {
  const value = status
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return accountStatuses.find((s) => s === value) ?? null;
}

/** 'Jane Doe (VP Technology), 3 active champions': the primary champion first, then how many there are. */
function championsText(p: CustomerProfile): string | null {
  const primary = p.primaryChampion && (p.championTitle ? `${p.primaryChampion} (${p.championTitle})` : p.primaryChampion);
  const count = p.activeChampions === null ? null : `${p.activeChampions} active champion${p.activeChampions === 1 ? '' : 's'}`;
  return [primary, count].filter(Boolean).join(', ') || null;
}

function accountValues(p: CustomerProfile, status: AccountStatus | null) {
  return {
    name: p.accountName.trim(),
    name_key: accountNameKey(p.accountName),
    external_id: p.externalId,
    industry: p.industry,
    region: p.region,
    status,
    tier: p.tier,
    revenue: p.arr,
    csm_owner: p.csmOwner,
    renewal_date: p.renewalDate ?? p.contractEndDate,
    lifecycle_stage: p.lifecycleStage,
    champions: championsText(p),
  };
}

type AccountValues = ReturnType<typeof accountValues>;

/** Updates existing accounts in one statement; an empty value in the workbook keeps what the account has. */
async function updateAccounts(db: Db, tenantId: string, rows: (AccountValues & { id: string })[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof AccountValues>(key: K) => rows.map((r) => r[key]);
  await sql`
    UPDATE accounts a SET
      name = u.name,
      external_id = coalesce(u.external_id, a.external_id),
      industry = coalesce(u.industry, a.industry),
      region = coalesce(u.region, a.region),
      status = coalesce(u.status, a.status),
      tier = coalesce(u.tier, a.tier),
      revenue = coalesce(u.revenue, a.revenue),
      csm_owner = coalesce(u.csm_owner, a.csm_owner),
      renewal_date = coalesce(u.renewal_date::date, a.renewal_date),
      lifecycle_stage = coalesce(u.lifecycle_stage, a.lifecycle_stage),
      champions = coalesce(u.champions, a.champions),
      updated_at = now()
    FROM unnest(
      ${rows.map((r) => r.id)}::uuid[],
      ${column('name')}::text[],
      ${column('external_id')}::text[],
      ${column('industry')}::text[],
      ${column('region')}::text[],
      ${column('status')}::text[],
      ${column('tier')}::text[],
      ${column('revenue')}::float8[],
      ${column('csm_owner')}::text[],
      ${column('renewal_date')}::text[],
      ${column('lifecycle_stage')}::text[],
      ${column('champions')}::text[]
    ) AS u(id, name, external_id, industry, region, status, tier, revenue, csm_owner, renewal_date, lifecycle_stage, champions)
    WHERE a.tenant_id = ${tenantId} AND a.id = u.id
  `.execute(db);
}

/**
 * Parses the customer-profile workbook in a worker thread (parseCustomerProfilesInWorker),
 * under its time and memory limits, without touching the database: callers run it before
 * opening the transaction that saves the result (saveProfiles).
 */
/**
 * The customer-profile workbook posted as a form (field `file`): holding an import slot, it
 * is read in a worker thread before the tenant's transaction opens, and saved inside it.
 */
export async function importProfilesForm(db: Db, actor: Actor, form: FormData, setHeader: (name: string, value: string) => void): Promise<ProfileImportResult> {
  const bytes = Buffer.from(await uploadedFile(form).arrayBuffer());
  return withImportSlot(actor.tenantId, setHeader, async () => {
    const read = await readProfiles(bytes);
    return withTenant(db, actor.tenantId, (tx) => saveProfiles(tx, actor, read));
  });
}

export async function readProfiles(bytes: Buffer): Promise<WorkerReply<CustomerProfilesResult>> {
  return parseCustomerProfilesInWorker(bytes);
}

/** Reads and saves the customer-profile workbook in the caller's transaction (the demo seed). */
export async function importProfiles(db: Db, actor: Actor, bytes: Buffer): Promise<ProfileImportResult> {
  return saveProfiles(db, actor, await readProfiles(bytes));
}

/**
 * Saves what readProfiles found, in the caller's transaction. A refused workbook, or any
 * problem in any cell, rejects the whole file and changes nothing. Otherwise each profile
 * creates its account or updates the account of the same name (ignoring case), adds the
 * products it lists, and one activity-log row records the import.
 */
export async function saveProfiles(db: Db, actor: Actor, read: WorkerReply<CustomerProfilesResult>): Promise<ProfileImportResult> {
  if ('refusal' in read) return { status: 'rejected', problems: [{ sheet: null, row: null, column: 'file', message: read.refusal }] };
  const parsed = read.result;
  const problems = [...parsed.problems];
  const statuses = parsed.profiles.map((p) => {
    const status = p.status === null ? null : accountStatus(p.status);
    if (p.status !== null && status === null) {
      problems.push({ sheet: PROFILE_SHEET, row: p.row, column: 'Status', message: `Status '${p.status}' is not one of: ${accountStatuses.join(', ')}` });
    }
    return status;
  });
  if (problems.length) return { status: 'rejected', problems };
  if (parsed.profiles.length === 0) {
    return { status: 'rejected', problems: [{ sheet: PROFILE_SHEET, row: null, column: 'Account Name', message: 'The workbook lists no accounts' }] };
  }

  const values = parsed.profiles.map((p, i) => accountValues(p, statuses[i] ?? null));
  const existing = await db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.name_key'])
    .where('accounts.tenant_id', '=', actor.tenantId)
    .where(
      'accounts.name_key',
      'in',
      values.map((v) => v.name_key),
    )
    .execute();
  const idByKey = new Map(existing.map((a) => [a.name_key, a.id]));
  const toCreate = values.filter((v) => !idByKey.has(v.name_key));
  const toUpdate = values.flatMap((v) => {
    const id = idByKey.get(v.name_key);
    return id ? [{ ...v, id }] : [];
  });

  if (toCreate.length) {
    const created = await db
      .insertInto('accounts')
      .values(toCreate.map(({ status, ...v }) => ({ ...v, tenant_id: actor.tenantId, ...(status ? { status } : {}) })))
      .returning(['accounts.id', 'accounts.name_key'])
      .execute();
    for (const a of created) idByKey.set(a.name_key, a.id);
  }
  await updateAccounts(db, actor.tenantId, toUpdate);
  await mapOwners(
    db,
    actor.tenantId,
    values.flatMap((v) => (v.csm_owner ? [idByKey.get(v.name_key) as string] : [])),
  );
  const { created: products } = await ensureProducts(
    db,
    actor.tenantId,
    parsed.profiles.flatMap((p) => p.products.map((name) => ({ accountId: idByKey.get(accountNameKey(p.accountName)) as string, name }))),
  );

  await placeAccounts(db, actor, [...idByKey.values()]);
  const result = { status: 'accepted' as const, created: toCreate.length, updated: toUpdate.length, products };
  await recordActivity(db, {
    ...actor,
    action: 'account.import',
    resourceType: 'account',
    after: { created: result.created, updated: result.updated, products },
  });
  return result;
}
