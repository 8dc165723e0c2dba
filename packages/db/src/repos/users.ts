import { sql, type Kysely } from 'kysely';
import { paginate, type Page, type PageRequest } from '../pagination.js';
import { passwordHasher } from '../password-hasher.js';
import { withTenant } from '../tenancy.js';
import type { Database, UserRole } from '../schema.js';
import { MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARACTERS, PASSWORD_RULE } from '../limits.js';

/** A user as it may leave this package: never with the password hash. */
export interface PublicUser {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: UserRole;
  active: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

type Q = Kysely<Database>;

/** What is wrong with a new password, in the words the web app's hint uses; null when it is fine. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_CHARACTERS) return PASSWORD_RULE;
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return `Use a shorter password: at most ${MAX_PASSWORD_BYTES} characters, fewer with accented letters or symbols, which count two to four each.`;
  }
  return null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const publicColumns = [
  'users.id',
  'users.tenant_id',
  'users.email',
  'users.name',
  'users.role',
  'users.active',
  'users.last_login_at',
  'users.created_at',
] as const;

export type PublicRow = {
  id: string;
  tenant_id: string;
  email: string;
  name: string;
  role: UserRole;
  active: boolean;
  last_login_at: Date | null;
  created_at: Date;
};

export function toPublic(row: PublicRow): PublicUser {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

/** The user and tenant columns that the pre-tenant lookups (pulse_session_context, pulse_token_use) return. */
export interface PrincipalRow {
  tenant_id: string;
  tenant_name: string;
  user_id: string;
  email: string;
  name: string;
  role: UserRole;
  active: boolean;
  last_login_at: Date | null;
  user_created_at: Date;
}

/** The signed-in user and their tenant, from a pre-tenant lookup's row. */
export function principalOf(row: PrincipalRow): { user: PublicUser; tenant: { id: string; name: string } } {
  return {
    user: toPublic({
      id: row.user_id,
      tenant_id: row.tenant_id,
      email: row.email,
      name: row.name,
      role: row.role,
      active: row.active,
      last_login_at: row.last_login_at,
      created_at: row.user_created_at,
    }),
    tenant: { id: row.tenant_id, name: row.tenant_name },
  };
}

async function hashPassword(password: string, cost: number): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  return passwordHasher.hash(password, cost);
}

export async function createUser(
  db: Q,
  input: { tenantId: string; email: string; name: string; role: UserRole; password: string },
  cost: number,
): Promise<PublicUser> {
  const row = await db
    .insertInto('users')
    .values({
      tenant_id: input.tenantId,
      email: normaliseEmail(input.email),
      name: input.name,
      role: input.role,
      password_hash: await hashPassword(input.password, cost),
    })
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  return toPublic(row);
}

/**
 * A user by email across all tenants, with the password hash (which never leaves this
 * package): the one lookup that happens before a tenant is known (pulse_login_lookup).
 */
async function lookupByEmail(db: Q, email: string): Promise<(PublicRow & { password_hash: string }) | undefined> {
  const { rows } = await sql<PublicRow & { password_hash: string }>`
    SELECT id, tenant_id, email, name, role, active, last_login_at, created_at, password_hash
    FROM pulse_login_lookup(${normaliseEmail(email)})
  `.execute(db);
  return rows[0];
}

export async function emailTaken(db: Q, email: string): Promise<boolean> {
  return (await lookupByEmail(db, email)) !== undefined;
}

export async function findUser(db: Q, tenantId: string, userId: string): Promise<PublicUser | null> {
  const row = await db.selectFrom('users').select(publicColumns).where('users.tenant_id', '=', tenantId).where('users.id', '=', userId).executeTakeFirst();
  return row ? toPublic(row) : null;
}

let dummyHash: { cost: number; hash: string } | null = null;

/** A hash to compare against when the email is unknown, so that path costs one bcrypt too. */
async function dummyHashFor(cost: number): Promise<string> {
  if (dummyHash?.cost !== cost) dummyHash = { cost, hash: await passwordHasher.hash('pulse-timing-equaliser', cost) };
  return dummyHash.hash;
}

/**
 * Checks an email and password. Unknown email, wrong password and deactivated user all
 * return null after exactly one bcrypt comparison. A hash made with a lower cost than
 * configured is upgraded on success.
 */
export async function verifyCredentials(db: Q, email: string, password: string, cost: number): Promise<PublicUser | null> {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    await passwordHasher.compare('', await dummyHashFor(cost));
    return null;
  }
  const row = await lookupByEmail(db, email);
  const matches = await passwordHasher.compare(password, row?.password_hash ?? (await dummyHashFor(cost)));
  if (!row || !matches || !row.active) return null;
  if (passwordHasher.rounds(row.password_hash) < cost) {
    const upgraded = await passwordHasher.hash(password, cost);
    await withTenant(db, row.tenant_id, (tx) =>
      tx.updateTable('users').set({ password_hash: upgraded }).where('users.tenant_id', '=', row.tenant_id).where('users.id', '=', row.id).execute(),
    );
  }
  return toPublic(row);
}

export async function checkPassword(db: Q, tenantId: string, userId: string, password: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('users.password_hash')
    .where('users.tenant_id', '=', tenantId)
    .where('users.id', '=', userId)
    .executeTakeFirst();
  return row ? passwordHasher.compare(password, row.password_hash) : false;
}

export async function setPassword(db: Q, tenantId: string, userId: string, password: string, cost: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password, cost), updated_at: new Date() })
    .where('users.tenant_id', '=', tenantId)
    .where('users.id', '=', userId)
    .execute();
}

export async function recordLogin(db: Q, user: PublicUser, at: Date): Promise<void> {
  await db.updateTable('users').set({ last_login_at: at }).where('users.tenant_id', '=', user.tenantId).where('users.id', '=', user.id).execute();
}

/** A user with their tenant, read inside that tenant's transaction (login answers with it). */
export async function findUserWithTenant(db: Q, tenantId: string, userId: string): Promise<{ user: PublicUser; tenant: { id: string; name: string } } | null> {
  const row = await db
    .selectFrom('users')
    .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
    .select([...publicColumns, 'tenants.name as tenant_name'])
    .where('users.tenant_id', '=', tenantId)
    .where('users.id', '=', userId)
    .executeTakeFirst();
  return row ? { user: toPublic(row), tenant: { id: row.tenant_id, name: row.tenant_name } } : null;
}

/** The user an email belongs to (any state), for recording a failed login under its tenant. */
export async function findUserByEmail(db: Q, email: string): Promise<PublicUser | null> {
  const row = await lookupByEmail(db, email);
  return row ? toPublic(row) : null;
}

export interface UserFilters {
  role?: UserRole | null | undefined;
  active?: boolean | null | undefined;
}

/** The tenant's users by name, keyset-paginated. */
export async function listUsers(db: Q, tenantId: string, filters: UserFilters, page: PageRequest): Promise<Page<PublicUser>> {
  let q = db.selectFrom('users').select(publicColumns).where('users.tenant_id', '=', tenantId);
  if (filters.role) q = q.where('users.role', '=', filters.role);
  if (typeof filters.active === 'boolean') q = q.where('users.active', '=', filters.active);
  const result = await paginate(
    q,
    [
      { column: sql.ref('users.name'), value: (r) => r.name },
      { column: sql.ref('users.id'), value: (r) => r.id },
    ],
    page,
  );
  return { items: result.items.map(toPublic), nextCursor: result.nextCursor };
}

/** Changes a user of the tenant (one the caller found) and returns it. */
export async function updateUser(db: Q, tenantId: string, userId: string, changes: { role?: UserRole; active?: boolean }): Promise<PublicUser> {
  const row = await db
    .updateTable('users')
    .set({ ...changes, updated_at: new Date() })
    .where('users.tenant_id', '=', tenantId)
    .where('users.id', '=', userId)
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  return toPublic(row);
}

/**
 * Ids of the tenant's active admins, locking their rows until the transaction ends so two
 * concurrent demotions cannot both see another admin left.
 */
export async function lockActiveAdmins(db: Q, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('users.id')
    .where('users.tenant_id', '=', tenantId)
    .where('users.role', '=', 'admin')
    .where('users.active', '=', true)
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}
