import { randomUUID } from 'node:crypto';
import { tenants, users, withTenant, type Db, type PublicUser } from '@pulse/db';
import { conflict } from '../errors.js';
import { recordActivity } from './activity.js';
import { seedDefaultTriggers } from './triggers.js';

export interface RegistrationInput {
  organisationName: string;
  name: string;
  email: string;
  password: string;
}

/** Creates a tenant with default settings and its first admin, in one transaction. */
export async function registerTenant(
  db: Db,
  input: RegistrationInput,
  bcryptCost: number,
  ip: string | null,
): Promise<{ tenant: { id: string; name: string }; user: PublicUser }> {
  if (await users.emailTaken(db, input.email)) {
    throw conflict('An account with this email already exists. Sign in instead.');
  }
  const tenantId = randomUUID();
  return withTenant(db, tenantId, async (tx) => {
    await tenants.insertTenantWithDefaultSettings(tx, tenantId, input.organisationName);
    await seedDefaultTriggers(tx, tenantId);
    const user = await users.createUser(tx, { tenantId, email: input.email, name: input.name, role: 'admin', password: input.password }, bcryptCost);
    await recordActivity(tx, {
      tenantId,
      userId: user.id,
      action: 'tenant.register',
      resourceType: 'tenant',
      resourceId: tenantId,
      after: { name: input.organisationName, admin: user.email },
      ip,
    });
    return { tenant: { id: tenantId, name: input.organisationName }, user };
  });
}
