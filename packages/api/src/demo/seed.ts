import { users, type Db } from '@pulse/db';
import { registerTenant } from '../domain/tenants.js';

export const DEMO_PASSWORD = 'pulse-demo-2026';

export const demoLogins = [
  { email: 'admin@northwind.example', role: 'admin', tenant: 'Northwind CS' },
  { email: 'member@northwind.example', role: 'member', tenant: 'Northwind CS' },
  { email: 'admin@globex.example', role: 'admin', tenant: 'Globex Success' },
] as const;

/** Loads the demo tenants once: does nothing when any tenant exists. Returns whether it seeded. */
export async function seedDemoData(db: Db, bcryptCost: number): Promise<boolean> {
  const existing = await db.selectFrom('tenants').select('tenants.id').limit(1).executeTakeFirst();
  if (existing) return false;
  const northwind = await registerTenant(
    db,
    { organisationName: 'Northwind CS', name: 'Nora Admin', email: 'admin@northwind.example', password: DEMO_PASSWORD },
    bcryptCost,
    null,
  );
  await users.createUser(
    db,
    { tenantId: northwind.tenant.id, email: 'member@northwind.example', name: 'Max Member', role: 'member', password: DEMO_PASSWORD },
    bcryptCost,
  );
  await registerTenant(
    db,
    { organisationName: 'Globex Success', name: 'Gina Admin', email: 'admin@globex.example', password: DEMO_PASSWORD },
    bcryptCost,
    null,
  );
  return true;
}
