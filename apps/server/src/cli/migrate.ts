import path from 'node:path';
import { connect, migrateToLatest } from '@pulse/db';
import { loadConfig } from '../config.js';

const config = loadConfig();
const database = await connect({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
const result = await migrateToLatest(database.db);
for (const r of result.results ?? []) console.log(`${r.status}: ${r.migrationName}`);
if (!result.results?.length) console.log('Database is up to date.');
await database.close();
