import { migrateToLatest } from '@pulse/db';
import { loadConfig } from '../config.js';
import { keepFilesPrivate, openDataDir } from '../data-dir.js';
import { connectOwner } from '../server.js';
import { consoleStartup, orExit } from '../startup.js';

keepFilesPrivate();
const config = await orExit(() => loadConfig());
const lock = await orExit(() => openDataDir(config.dataDir, !config.databaseUrl, consoleStartup));
const database = await connectOwner(config);
const result = await migrateToLatest(database.db);
for (const r of result.results ?? []) console.log(`${r.status}: ${r.migrationName}`);
if (!result.results?.length) console.log('Database is up to date.');
await database.close();
lock.release();
