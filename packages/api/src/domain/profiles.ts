import { parseCustomerProfilesInWorker, type CustomerProfile, type CustomerProfilesResult, type StructuralProblem, type WorkerReply } from '@pulse/ingest';
import { accounts, accountStatuses, withTenant, type AccountStatus, type Db } from '@pulse/db';
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

function accountValues(p: CustomerProfile, status: AccountStatus | null): accounts.ProfileAccount {
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
  const existing = await accounts.listAccountsByNameKey(
    db,
    actor.tenantId,
    values.map((v) => v.name_key),
  );
  const idByKey = new Map(existing.map((a) => [a.name_key, a.id]));
  const toCreate = values.filter((v) => !idByKey.has(v.name_key));
  const toUpdate = values.flatMap((v) => {
    const id = idByKey.get(v.name_key);
    return id ? [{ ...v, id }] : [];
  });

  for (const a of await accounts.insertProfileAccounts(db, actor.tenantId, toCreate)) idByKey.set(a.name_key, a.id);
  await accounts.updateProfileAccounts(db, actor.tenantId, toUpdate);
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
