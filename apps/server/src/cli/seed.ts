import path from 'node:path';
import { connect, migrateToLatest } from '@pulse/db';
import { seedDemoData } from '@pulse/api';
import { loadConfig } from '../config.js';

const config = loadConfig();
const database = await connect({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
await migrateToLatest(database.db);
const seeded = await seedDemoData(database.db, config.bcryptCost);
console.log(seeded ? 'Demo data loaded.' : 'The database already has tenants: demo data not loaded.');
await database.close();
